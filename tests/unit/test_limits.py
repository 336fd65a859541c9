"""Ingest's limits as pure checks: JSON shape before parsing, text characters, item counts and lengths, dates."""

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import Bulletin
from services.ingest.limits import _JSON_TOKEN, Limits, TooDeep, bulletin_problems, json_shape
from services.ingest.parsing import ParseError, parse_body

TODAY = date(2024, 6, 14)
LIMITS = Limits(max_items_per_bulletin=3, max_item_chars=100, max_published_age_days=365, max_published_ahead_days=2)


def bulletin(**fields) -> Bulletin:
    return Bulletin.model_validate({"source": "desk", "published_at": "2024-06-13", "items": [{"text": "x"}], **fields})


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("[]", 1),
        ("[1]", 1),
        ("[1, 2, 3]", 3),
        ('[{"a": [1, 2]}, {"b": "x,y,[z"}]', 2),
        ('{"items": [1, 2, 3]}', 1),
        ('["\\"],[", 1]', 2),
    ],
)
def test_json_shape_counts_top_level_elements_without_parsing(text, count):
    assert json_shape(text, 10) == count


def test_100000_nested_brackets_are_refused_before_parsing():
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 100_000):
        with pytest.raises(TooDeep, match="deeper than 32"):
            json_shape(text, 32)
        with pytest.raises(ParseError) as error:
            parse_body(text.encode(), "application/json", max_depth=32)
        assert error.value.status == 422 and "deeper" in error.value.reason


def test_nesting_up_to_the_limit_is_fine():
    assert json_shape("[" * 32 + "]" * 32, 32) == 1


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_shape(json.dumps({"text": "[" * 10_000}), 4) == 1


def test_an_unterminated_string_is_read_once_to_the_end():
    # A pattern that needs the closing quote retried from every later quote: a 32 KB body held ingest's event
    # loop for seconds. Read as one token, the scan is linear whatever the body.
    body = '"' + '\\"' * 20_000
    assert [match.group() for match in _JSON_TOKEN.finditer(body)] == [body]
    assert json_shape(body, 32) == 1
    assert json_shape('[{"a": "x\\"], {"]"}, ' + body, 32) == 1  # the brackets after it are inside the string


def test_too_many_bulletins_are_refused_before_parsing_with_413():
    with pytest.raises(ParseError) as error:
        parse_body(json.dumps([{}] * 11).encode(), "application/json", max_bulletins=10)
    assert error.value.status == 413
    with pytest.raises(ParseError) as error:
        parse_body(b"{}\n" * 11, "application/x-ndjson", max_bulletins=10)
    assert error.value.status == 413


def test_a_number_too_long_to_convert_is_a_malformed_body_not_a_crash():
    with pytest.raises(ParseError, match="malformed JSON"):
        parse_body(b"1" * 5000, "application/json")
    (line,) = parse_body(b"1" * 5000 + b"\n", "application/x-ndjson")
    assert line.errors[0]["field"] == "body"


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=30))
def test_json_shape_agrees_with_the_parser_on_any_document(value):
    text = json.dumps(value)
    expected = len(value) if isinstance(value, list) else 1
    assert json_shape(text, 1000) in (expected, max(expected, 1))


@given(st.text())
def test_json_shape_never_fails_but_with_too_deep(text):
    try:
        json_shape(text, 8)
    except TooDeep:
        pass


def test_a_clean_bulletin_has_no_problems():
    assert bulletin_problems(bulletin(lead="Tab\tand\nnew line\r\nare fine."), LIMITS, TODAY) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lead": "bell \x07"}, "lead"),
        ({"external_id": "a\x00b"}, "external_id"),
        ({"external_id": "line\nbreak"}, "external_id"),
        ({"items": [{"text": "escape \x1b[31m"}]}, "items.0.text"),
        ({"items": [{"label": "del \x7f", "text": "x"}]}, "items.0.label"),
        ({"items": [{"text": "next line \x85"}]}, "items.0.text"),
        ({"url": "https://e.org/\x0c"}, "url"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(fields, field):
    (problem,) = bulletin_problems(bulletin(**fields), LIMITS, TODAY)
    assert problem["field"] == field and "U+" in problem["reason"]


def test_a_lone_surrogate_from_a_json_escape_is_refused_by_validation():
    (rejected,) = parse_body(b'{"source": "desk", "published_at": "2024-06-13", "lead": "x \\ud800"}', "application/json")
    assert rejected.errors[0]["field"] == "lead"


def test_more_items_than_the_limit_are_refused():
    (problem,) = bulletin_problems(bulletin(items=[{"text": "x"}] * 4), LIMITS, TODAY)
    assert problem == {"field": "items", "reason": "more than 3 items"}


def test_an_item_longer_than_the_limit_is_refused():
    (problem,) = bulletin_problems(bulletin(items=[{"text": "x"}, {"text": "y" * 101}]), LIMITS, TODAY)
    assert problem == {"field": "items.1.text", "reason": "longer than 100 characters"}


@pytest.mark.parametrize(
    ("published_at", "reason"),
    [
        ("0001-01-01", "before 2023-06-15: too far in the past"),
        ("2023-06-14", "before 2023-06-15: too far in the past"),
        ("2024-06-17", "after 2024-06-16: too far in the future"),
        ("9999-12-31T23:59:59+14:00", "after 2024-06-16: too far in the future"),
    ],
)
def test_dates_far_in_the_past_or_future_are_refused_with_a_reason(published_at, reason):
    assert bulletin_problems(bulletin(published_at=published_at), LIMITS, TODAY) == [
        {"field": "published_at", "reason": reason}
    ]


@pytest.mark.parametrize("published_at", ["2023-06-15", "2024-06-16", "2024-06-16T23:00:00-05:00"])
def test_dates_inside_the_window_are_fine(published_at):
    assert bulletin_problems(bulletin(published_at=published_at), LIMITS, TODAY) == []
