"""Table-driven tests of the temporal tagger on bulletins written for these tests (bulletin dated Thu 2022-03-31)."""

from __future__ import annotations

from datetime import date

import pytest

from services.normalize.temporal import choose_event_date, tag_dates

THURSDAY = date(2022, 3, 31)


def _mention(text: str, surface: str, reference: date | None = THURSDAY):
    found = [m for m in tag_dates(text, reference) if m.surface == surface]
    assert found, f"{surface!r} not tagged in {text!r}: {[m.surface for m in tag_dates(text, reference)]}"
    return found[0]


SEED_CASES = [
    ("Artillery shelled Sumy and Poltava Wednesday - a day after the Kremlin promised to scale back.", "Wednesday", "2022-03-30"),
    ("Artillery shelled Sumy and Poltava Wednesday — a day after the Kremlin promised to scale back.", "a day after", "2022-03-29"),
    ("Negotiations to restart Friday, officials in Istanbul confirmed.", "Friday", "2022-04-01"),
    ("The third round of talks will take place by video link on April 1, a delegate said.", "April 1", "2022-04-01"),
    ("The envoy is due to land in Beijing Thursday for a two-day visit.", "Thursday", "2022-03-31"),
]


@pytest.mark.parametrize("text, surface, value", SEED_CASES)
def test_seed_shaped_sentences_resolve_to_the_seed_dates(text, surface, value):
    assert _mention(text, surface).value == value


def test_past_24_hours_is_a_range_ending_on_the_bulletin_date():
    mention = _mention("Shelling of the port continued over the past 24 hours, the mayor said.", "the past 24 hours")
    assert (mention.precision, mention.value) == ("range", "2022-03-30/2022-03-31")
    assert (mention.range_start, mention.range_end) == ("2022-03-30", "2022-03-31")


EXPLICIT_CASES = [
    ("The ceasefire was signed on March 31, 2022 in Minsk.", "March 31, 2022", "2022-03-31", "day"),
    ("The ceasefire was signed on 31 March 2022 in Minsk.", "31 March 2022", "2022-03-31", "day"),
    ("The ceasefire was signed on 2022-03-31 in Minsk.", "2022-03-31", "2022-03-31", "day"),
    ("Fighting flared in March 2022 near the border.", "March 2022", "2022-03", "month"),
    ("The dam was built in 1986 by engineers.", "1986", "1986", "year"),
    ("The plant was built in the 1970s.", "the 1970s", "197", "decade"),
    ("Exports fell in the first quarter of 2021.", "the first quarter of 2021", "2021-Q1", "quarter"),
    ("He was born on Sept. 4, 1961 in Lviv.", "Sept. 4, 1961", "1961-09-04", "day"),
]


@pytest.mark.parametrize("text, surface, value, precision", EXPLICIT_CASES)
def test_explicit_dates_are_resolved_with_their_precision(text, surface, value, precision):
    mention = _mention(text, surface)
    assert (mention.value, mention.precision) == (value, precision)


RELATIVE_CASES = [
    ("Talks resumed today in Antalya.", "today", "2022-03-31", "day"),
    ("Talks collapsed yesterday in Antalya.", "yesterday", "2022-03-30", "day"),
    ("Talks resume tomorrow in Antalya.", "tomorrow", "2022-04-01", "day"),
    ("Convoys have moved this week towards the city.", "this week", "2022-W13", "week"),
    ("The bridge was destroyed last month.", "last month", "2022-02", "month"),
    ("Elections are planned for next year.", "next year", "2023", "year"),
    ("The bridge was destroyed two weeks ago.", "two weeks ago", "2022-03-17", "day"),
    ("A decision is due in three days.", "three days", "2022-04-03", "day"),
    ("The ministry said earlier this month that stocks were low.", "earlier this month", "2022-03", "month"),
    ("Profits fell in the third quarter of last year.", "the third quarter of last year", "2021-Q3", "quarter"),
    ("Refugees are now crossing at three points.", "now", "PRESENT_REF", "ref"),
    ("The airport is currently closed.", "currently", "PRESENT_REF", "ref"),
    ("Troops recently pulled back from the airfield.", "recently", "PAST_REF", "ref"),
    ("The mayor formerly served as a general.", "formerly", "PAST_REF", "ref"),
    ("More aid will be needed in the future.", "the future", "FUTURE_REF", "ref"),
]


@pytest.mark.parametrize("text, surface, value, precision", RELATIVE_CASES)
def test_relative_expressions_resolve_against_the_bulletin_date(text, surface, value, precision):
    mention = _mention(text, surface)
    assert (mention.value, mention.precision, mention.explicit) == (value, precision, False)


WEEKDAY_CASES = [
    ("past tense looks back", "Drones struck the depot Monday, officials said.", "Monday", "2022-03-28"),
    ("an irregular past verb looks back", "The two leaders met on Saturday in Warsaw.", "Saturday", "2022-03-26"),
    ("future tense looks ahead", "The leaders will meet Monday in Warsaw.", "Monday", "2022-04-04"),
    ("scheduled looks ahead", "A vote is scheduled for Tuesday.", "Tuesday", "2022-04-05"),
    ("expected to looks ahead", "Parliament is expected to vote Wednesday.", "Wednesday", "2022-04-06"),
    ("'last' looks back a full week", "The convoy left last Thursday.", "last Thursday", "2022-03-24"),
    ("'next' looks ahead", "The summit opens next Tuesday.", "next Tuesday", "2022-04-05"),
    ("the bulletin's own weekday is the bulletin date", "Shelling resumed Thursday.", "Thursday", "2022-03-31"),
    ("no tense cue takes the nearest", "Schools in Kharkiv: Saturday.", "Saturday", "2022-04-02"),
]


@pytest.mark.parametrize("rule, text, surface, value", WEEKDAY_CASES, ids=[c[0] for c in WEEKDAY_CASES])
def test_weekdays_resolve_by_tense(rule, text, surface, value):
    assert _mention(text, surface).value == value


def test_a_month_day_without_a_year_takes_the_year_nearest_the_bulletin():
    assert _mention("Fighting began on December 30 near the city.", "December 30").value == "2021-12-30"
    assert _mention("Fighting began on December 30 near the city.", "December 30", date(2022, 11, 2)).value == "2022-12-30"


COUNTED_CASES = [
    ("later counts forward", "Shelling hit Irpin on Monday. Two days later the mayor asked for help.", "Two days later", "2022-03-30"),
    ("earlier counts back", "The convoy arrived on March 20; three days earlier it had left Minsk.", "three days earlier", "2022-03-17"),
    ("after a clause counts back from the date", "Forces shelled Kyiv on Tuesday, two days after Moscow announced a pause.", "two days after", "2022-03-27"),
]


@pytest.mark.parametrize("rule, text, surface, value", COUNTED_CASES, ids=[c[0] for c in COUNTED_CASES])
def test_counted_expressions_count_from_the_date_they_refer_to(rule, text, surface, value):
    assert _mention(text, surface).value == value


SPAN_CASES = [
    ("Evacuations ran from March 1 to 3 in Bucha.", "from March 1 to 3", "2022-03-01/2022-03-03", "2022-03-01", "2022-03-03"),
    ("Prices rose between 2019 and 2021.", "between 2019 and 2021", "2019/2021", "2019-01-01", "2021-12-31"),
    ("Over the past three days, 40 people were evacuated.", "the past three days", "2022-03-28/2022-03-31", "2022-03-28", "2022-03-31"),
]


@pytest.mark.parametrize("text, surface, value, first, last", SPAN_CASES)
def test_spans_are_ranges_with_first_and_last_day(text, surface, value, first, last):
    mention = _mention(text, surface)
    assert (mention.precision, mention.value, mention.range_start, mention.range_end) == ("range", value, first, last)


@pytest.mark.parametrize(
    "text",
    [
        "Theresa May said the plan may work.",
        "Former prime minister Theresa May visited Kyiv.",
        "Officials may reopen the corridor if shelling stops.",
    ],
)
def test_may_the_verb_or_the_surname_is_not_a_month(text):
    assert [m.surface for m in tag_dates(text, THURSDAY) if "may" in m.surface.lower()] == []


def test_may_the_month_is_still_a_month():
    assert _mention("The offensive is expected in May, analysts said.", "May").value == "2022-05"


def test_without_a_reference_date_relative_values_stay_empty_and_explicit_ones_resolve():
    mentions = {m.surface: m.value for m in tag_dates("On March 3, 2022 troops left; on Friday they returned.", None)}
    assert mentions == {"March 3, 2022": "2022-03-03", "Friday": None}


def test_mentions_are_sorted_by_start_with_offsets_into_the_text():
    text = "On Friday, after talks on 2022-03-29, the envoy flew home yesterday."
    mentions = tag_dates(text, THURSDAY)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(text[m.start : m.end] == m.surface for m in mentions)
    assert len(mentions) == 3


def test_tagging_does_not_depend_on_the_day_it_runs():
    text = "The bridge was destroyed last month and rebuilt on Friday."
    assert tag_dates(text, THURSDAY) == tag_dates(text, THURSDAY)
    assert _mention(text, "last month", date(2015, 7, 1)).value == "2015-06"


def test_a_long_article_is_scanned_to_its_end():
    # Its speed is measured by `make bench`; here: a long run of near-misses still finds every vague date.
    text = "the a 1 2 3 , , ; the past of the first " * 5000
    mentions = tag_dates(text, THURSDAY)
    assert len(mentions) == 5000
    assert {mention.value for mention in mentions} == {"PAST_REF"}
    assert text[mentions[-1].start : mentions[-1].end] == "the past"


EVENT_CASES = [
    ("main verb's date wins over a background date",
     "Missiles struck Lviv Saturday, a day after officials said the city was safe.", "2022-03-26", "day"),
    ("a future event takes its coming date", "Negotiators will meet again on April 1 in Istanbul.", "2022-04-01", "day"),
    # An undated past-tense report tells of the day before the bulletin (see test_temporal_rules for the whole rule).
    ("a date after 'since' is background", "Since 2014 the region has been contested; shelling hit a school.", "2022-03-30", "reported"),
    ("no date falls back to the report's day", "A school was hit in Chernihiv, the governor said.", "2022-03-30", "reported"),
]


@pytest.mark.parametrize("rule, text, value, precision", EVENT_CASES, ids=[c[0] for c in EVENT_CASES])
def test_event_date_is_the_date_of_the_main_event(rule, text, value, precision):
    event = choose_event_date(text, tag_dates(text, THURSDAY), THURSDAY)
    assert (event.value, event.precision) == (value, precision)


def test_event_date_without_a_reference_date_is_reported_and_empty():
    text = "A school was hit in Chernihiv."
    event = choose_event_date(text, tag_dates(text, None), None)
    assert (event.value, event.precision) == (None, "reported")
