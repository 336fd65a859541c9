"""Parsing pushed bodies: the live-update text format, JSON and NDJSON, and the errors they produce."""

import json

import pytest

from schemas import Bulletin
from services.ingest.parsing import ParseError, Rejected, parse_body, parse_live_update
from tests.conftest import fixture_text


def test_live_update_lead_becomes_item_zero_and_items_follow_in_order():
    record = parse_live_update(fixture_text("bulletin-2024-06-13.txt"), "desk")
    bulletin = Bulletin.model_validate(record)
    items = bulletin.all_items()
    assert len(items) == 7
    assert items[0].label is None
    assert items[0].text.startswith("Flooding cut road links")
    assert items[0].text.endswith("Here is what we know so far:")
    assert items[1].label == "Bridge closed"
    assert items[1].text.startswith("Engineers closed the main bridge")
    assert str(bulletin.published_at) == "2024-06-13"


def test_live_update_continuation_lines_join_the_previous_item():
    text = "date 2024-01-02 Lead.\n- First: one\ncontinued here\n- Second: two"
    record = parse_live_update(text, "desk")
    assert record["items"][0] == {"label": "First", "text": "one\ncontinued here"}


def test_live_update_item_without_a_heading_keeps_its_whole_text():
    record = parse_live_update("date 2024-01-02 Lead.\n- It rained. Officials said: stay home.", "desk")
    assert record["items"] == [{"text": "It rained. Officials said: stay home."}]


def test_live_update_without_date_line_is_rejected_with_reason():
    with pytest.raises(ParseError, match="date YYYY-MM-DD"):
        parse_live_update("- Label: text", "desk")


def test_text_body_needs_a_source():
    with pytest.raises(ParseError) as error:
        parse_body(b"date 2024-01-02 Lead.", "text/plain")
    assert error.value.field == "source"


def test_json_array_keeps_good_bulletins_and_names_the_bad_field():
    body = json.dumps(
        [
            {"source": "desk", "published_at": "2024-01-02", "items": [{"text": "ok"}]},
            {"source": "desk", "published_at": "not a date", "items": [{"text": "ok"}]},
        ]
    ).encode()
    good, bad = parse_body(body, "application/json; charset=utf-8")
    assert isinstance(good, Bulletin)
    assert isinstance(bad, Rejected) and bad.errors[0]["field"] == "published_at"


def test_json_without_items_is_rejected_naming_items():
    (rejected,) = parse_body(b'{"source": "desk", "published_at": "2024-01-02"}', "application/json")
    assert isinstance(rejected, Rejected)
    assert rejected.errors == [{"field": "items", "reason": "field required"}]


def test_malformed_json_is_a_parse_error_with_position():
    with pytest.raises(ParseError, match="line 1 column"):
        parse_body(b'{"source": ', "application/json")


def test_ndjson_bad_line_does_not_lose_the_others():
    body = b'{"source":"a","published_at":"2024-01-02","items":[{"text":"x"}]}\n{oops\n' + (
        b'{"source":"b","published_at":"2024-01-03","items":[{"text":"y"}]}\n'
    )
    first, second, third = parse_body(body, "application/x-ndjson")
    assert isinstance(first, Bulletin) and isinstance(third, Bulletin)
    assert isinstance(second, Rejected) and "malformed JSON" in second.errors[0]["reason"]


def test_ndjson_lines_end_at_line_feeds_only():
    # U+2028 and U+2029 are valid inside JSON strings; str.splitlines would cut the record there.
    text = "Kyiv\u2028said \u2029and \x85then \x0bdone"
    record = json.dumps({"source": "desk", "published_at": "2024-06-13", "items": [{"text": text}]}, ensure_ascii=False)
    (bulletin,) = parse_body((record + "\r\n").encode(), "application/x-ndjson")
    assert isinstance(bulletin, Bulletin)
    assert bulletin.items[0].text == text


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
def test_ndjson_records_may_end_with_any_line_end_json_never_holds_raw(end):
    record = b'{"source":"a","published_at":"2024-01-02","items":[{"text":"x"}]}'
    parsed = parse_body(record + end + record.replace(b'"x"', b'"y"') + end, "application/x-ndjson")
    assert [bulletin.items[0].text for bulletin in parsed] == ["x", "y"]


def test_ndjson_errors_name_the_line_as_an_editor_counts_it():
    good = b'{"source":"a","published_at":"2024-01-02","items":[{"text":"x"}]}'
    first, second = parse_body(b"\n\n" + good + b"\n\n{oops\n", "application/x-ndjson")
    assert isinstance(first, Bulletin)
    assert isinstance(second, Rejected) and second.index == 1
    assert second.errors[0]["reason"].startswith("line 5: malformed JSON")


def test_query_source_fills_a_json_bulletin_without_one():
    (bulletin,) = parse_body(b'{"published_at":"2024-01-02","items":[{"text":"x"}]}', "application/json", "desk")
    assert bulletin.source == "desk"


@pytest.mark.parametrize(
    ("content_type", "field"), [("image/png", "content-type"), ("application/pdf", "content-type")]
)
def test_unknown_media_types_are_refused(content_type, field):
    with pytest.raises(ParseError) as error:
        parse_body(b"x", content_type)
    assert error.value.field == field


def test_invalid_utf8_is_refused():
    with pytest.raises(ParseError, match="UTF-8"):
        parse_body(b'{"source": "\xff"}', "application/json")
