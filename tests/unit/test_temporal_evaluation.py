"""Table-driven tests of the date evaluation's TimeML view of predictions and its value scoring (no corpus needed)."""

from __future__ import annotations

import pytest

from services.normalize.evaluation.time import Tally, canonical_value, score_document, tempeval3_value_f1, timex3_points


def _prediction(text: str, surface: str, value: str, precision: str = "range") -> dict:
    start = text.index(surface)
    return {"surface": surface, "start": start, "end": start + len(surface), "value": value, "precision": precision}


# (text, predicted surface, predicted value, expected TimeML points as (surface, value))
RANGE_CASES = [
    ("Sales fell between 1985 and 1987.", "between 1985 and 1987", "1985/1987", [("1985", "1985"), ("1987", "1987")]),
    ("Shares were bought from Aug. 26 to Oct. 20.", "from Aug. 26 to Oct. 20", "1989-08-26/1989-10-20",
     [("Aug. 26", "1989-08-26"), ("Oct. 20", "1989-10-20")]),
    ("Talks ran March 1-3 in Minsk.", "March 1-3", "2022-03-01/2022-03-03", [("March 1", "2022-03-01"), ("3", "2022-03-03")]),
    ("Shelling went on for the past 24 hours.", "the past 24 hours", "2022-03-30/2022-03-31",
     [("the past 24 hours", "2022-03-30/2022-03-31")]),
]


@pytest.mark.parametrize("text, surface, value, points", RANGE_CASES)
def test_a_stated_range_is_scored_as_its_two_timeml_ends(text, surface, value, points):
    split = timex3_points(_prediction(text, surface, value))
    assert [(p["surface"], p["value"]) for p in split] == points
    assert all(text[p["start"] : p["end"]] == p["surface"] for p in split)


@pytest.mark.parametrize("gold, predicted, equal", [
    ("2000-W7", "2000-W07", True),
    ("1949-XX", "1949", True),
    ("199X", "199", True),
    ("1989-WXX", "1989-W43", False),
    ("2000-01-05TEV", "2000-01-05", False),
])
def test_canonical_values_only_forgive_spelling(gold, predicted, equal):
    assert (canonical_value(gold) == canonical_value(predicted)) is equal


def test_raw_value_hits_need_the_exact_string():
    text = "It peaked in 1949 and again last week."
    record = {"timexes": [{"surface": "1949", "start": 13, "end": 17, "type": "DATE", "value": "1949-XX"}]}
    tally = Tally()
    score_document(record, [_prediction(text, "1949", "1949", "year")], tally)
    assert (tally.value_gold, tally.raw_value_gold) == (1, 0)


def test_tempeval3_value_f1_is_exact_value_accuracy_on_relaxed_matches_times_relaxed_f1():
    text = "It peaked in 1949, fell last week and rose in the spring."
    record = {"timexes": [
        {"surface": "1949", "start": 13, "end": 17, "type": "DATE", "value": "1949-XX"},
        {"surface": "last week", "start": 24, "end": 33, "type": "DATE", "value": "1989-W12"},
        {"surface": "the spring", "start": 46, "end": 56, "type": "DATE", "value": "1989-SP"},
    ]}
    predicted = [_prediction(text, "1949", "1949", "year"), _prediction(text, "last week", "1989-W12", "week"),
                 _prediction(text, "It", "PRESENT_REF", "ref")]
    tally = Tally()
    score_document(record, predicted, tally)
    # Two of three gold matched, two of three predictions match: relaxed F1 2/3; one of the two matches has the exact value.
    assert tempeval3_value_f1(tally) == pytest.approx(1 / 2 * 2 / 3)
