"""Resolvers for expressions counted from another date: 'a day after', 'two days later', 'a year earlier', 'the quarter'."""

from __future__ import annotations

import re
from datetime import date

from schemas import DateMention
from services.normalize.temporal import explicit
from services.normalize.temporal.arithmetic import quarter_of, shift
from services.normalize.temporal.patterns import ORDINAL_IN, spaced
from services.normalize.temporal.relative import UNIT_PRECISION, ago, count_and_unit
from services.normalize.temporal.resolution import Resolution, Scene, anchor_date, value_at

# How far back a named quarter still sets the period that "a year ago" and "a year earlier" compare with.
QUARTER_REACH = 300
_GERUND = re.compile(r"\s+[a-z]+ing\b")
_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4, "decade": 5}


def _year_before(quarter: DateMention) -> Resolution:
    """The quarter a mention names, moved a year back; only mentions with a calendar value come here."""
    named = anchor_date(quarter)
    assert named is not None, quarter
    return _shifted(quarter, named, "year", -1)


def _shifted(anchor: DateMention | None, base: date, unit: str, count: int) -> Resolution:
    """`base` moved by count units, kept at the anchor's granularity when the unit is no finer than it."""
    precision = UNIT_PRECISION[unit]
    if anchor is not None and anchor.precision in _RANK and _RANK[anchor.precision] <= _RANK[precision]:
        precision = anchor.precision
    return Resolution(value_at(shift(base, unit, count), precision), precision, False)


def shifted(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    the_day = lowered.startswith("the ")  # "the day before", not a count
    if the_day and _GERUND.match(scene.text, end):
        return None  # "later in the day before returning home": 'before' opens a clause, 'the day' is no shift
    count, unit = (1, "day") if the_day else count_and_unit(surface)
    if count is None:
        return None
    word = lowered.split()[-1]
    same_sentence = scene.anchor_before(start, same_sentence=True)
    following = scene.text[end : end + 2].strip()[:1]
    adverbial = word in ("later", "earlier") or following in ("", ",", ".", ";", ")")
    if adverbial:
        anchor = same_sentence or scene.anchor_before(start, same_sentence=False)
        sign = 1 if word in ("later", "after") else -1
        if (count, unit, sign) == (1, "year", -1):
            anchor = _compared_quarter(scene, start) or anchor
    else:
        # "Wednesday - a day after Moscow said": the phrase dates what follows it, a day before the anchor.
        anchor = same_sentence
        sign = -1 if word == "after" else 1
    base = anchor_date(anchor) if anchor else scene.reference
    if base is None:
        return Resolution(None, UNIT_PRECISION[unit], False)
    return _shifted(anchor, base, unit, sign * count)


def day_of(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'that day', 'the same day', 'the next morning': the day of the last date mentioned, or one day on or back."""
    lowered = surface.lower()
    step = 1 if ("next" in lowered or "following" in lowered) else -1 if "previous" in lowered or "preceding" in lowered else 0
    anchor = scene.anchor_before(start, same_sentence=False)
    if anchor is not None and anchor.precision != "day":
        anchor = None  # "that day" after "in March" names a day the text does not give
    if anchor is None and step == 0:
        return None  # "trades made that day" with no day in sight is generic, not a date
    base = anchor_date(anchor) if anchor else scene.reference
    if base is None:
        return Resolution(None, "day", False)
    return Resolution(shift(base, "day", step).isoformat(), "day", False)


def _latest_quarter(scene: Scene, reference: date) -> date | None:
    """First day of the last quarter the text named in the past year; an older one is a comparison, not the topic."""
    mention = scene.last_quarter
    if mention is None:
        return None
    named = anchor_date(mention)
    return named if named and -366 <= (named - reference).days <= 0 else None


def _reported_quarter(scene: Scene, reference: date) -> date:
    """First day of the quarter a results story reports on: the one it named lately, else the last one ended."""
    return _latest_quarter(scene, reference) or _previous_quarter(reference)


def _previous_quarter(reference: date) -> date:
    return shift(date(reference.year, 3 * quarter_of(reference) - 2, 1), "quarter", -1)


def year_ago(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'a year ago' beside a quarter's results means that quarter a year back, as financial news uses it."""
    count, unit = count_and_unit(surface)
    if count == 1 and unit == "year":
        compared = _compared_quarter(scene, start)
        if compared is not None:
            return _year_before(compared)
    return ago(surface, start, end, scene)


def _compared_quarter(scene: Scene, start: int) -> DateMention | None:
    """The quarter a results story is about, when one was named shortly before: what 'a year ago' compares with."""
    for mention in reversed(scene.found):
        if start - mention.end > QUARTER_REACH:
            return None
        if mention.precision == "quarter" and mention.start not in scene.derived and anchor_date(mention) is not None:
            return mention
    return None


def stated_year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """A year; 'the 1988 period' or 'the 1988 quarter' in a results story is the quarter under report, in that year."""
    resolution = explicit.year(surface, start, end, scene)
    if resolution is None or not surface.lower().endswith(("period", "quarter")):
        return resolution
    compared = _compared_quarter(scene, start)
    if compared is None:
        return resolution
    assert compared.value is not None  # a compared quarter has a calendar value ("1988-Q3")
    return Resolution(f"{resolution.value}-Q{compared.value[-1]}", "quarter", False, derived=True)


def year_word(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    year_end = lowered.endswith("end")
    if scene.reference is None:
        return Resolution(None, "day" if year_end else "year", False)
    if year_end:
        year = scene.reference.year - (scene.tense(start, end) == "past")
        return Resolution(f"{year}-12-31", "day", False)
    if ORDINAL_IN.search(surface):
        # "the year-ago third quarter": that quarter of the year before the one it is compared with.
        named = explicit.quarter(surface, start, end, scene).value
        assert named is not None  # the bulletin date is known, so the quarter has a year
        named_year, number = named.split("-Q")
        return Resolution(f"{int(named_year) - 1}-Q{number}", "quarter", False)
    if lowered.endswith(("quarter", "period")):
        # "the year-ago period" in a results story: the reported quarter a year back.
        return quarter_relative(surface, start, end, scene)
    # "compared with year-earlier profit" after a named quarter means that quarter a year back; else last year.
    anchor = scene.anchor_before(start, same_sentence=False, window=300)
    if anchor is not None and anchor.precision == "quarter":
        return _year_before(anchor)
    return Resolution(str(scene.reference.year - 1), "year", False)


def year_back(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'last year's quarter', 'the same period a year earlier': the period the story reports on, a year back.

    That is the quarter named shortly before, a year back ("sales in the fourth quarter of 2021 fell from the same
    period a year earlier" is 2020-Q4); a quarter with none named is the last one ended, a year back; a period with
    none named is the year before the bulletin's.
    """
    quarter = "quarter" in surface.lower()
    if scene.reference is None:
        return Resolution(None, "quarter" if quarter else "year", False)
    compared = _compared_quarter(scene, start)
    if compared is not None:
        return _year_before(compared)
    if quarter:
        reported = _reported_quarter(scene, scene.reference)
        return Resolution(value_at(shift(reported, "year", -1), "quarter"), "quarter", False)
    return Resolution(str(scene.reference.year - 1), "year", False)


def quarter_relative(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'the quarter', 'the latest period': in company results, the last quarter that has ended, unless one is named."""
    lowered = surface.lower()
    if scene.reference is None:
        return Resolution(None, "quarter", False)
    current = date(scene.reference.year, 3 * quarter_of(scene.reference) - 2, 1)
    if "current" in lowered:
        day = current
    elif "next" in lowered:
        day = shift(current, "quarter", 1)
    elif "this" in lowered:
        # "This quarter's loss" in a results story is the quarter just reported; "will ... this quarter" is the current.
        day = current if scene.tense(start, end) == "future" else _previous_quarter(scene.reference)
    elif lowered.startswith("last") or "previous" in lowered or "past" in lowered or "latest" in lowered:
        day = _previous_quarter(scene.reference)
    else:
        day = _reported_quarter(scene, scene.reference)
    if "year-earlier" in lowered or "year-ago" in lowered:
        day = shift(day, "year", -1)
    return Resolution(value_at(day, "quarter"), "quarter", False)


def counted_from(counting: DateMention, named: DateMention, text: str) -> DateMention | None:
    """'the day before last Tuesday', 'two days after March 1': a shift followed right away by a named day is one
    mention, that day moved by the count. None unless `named` has a day and only spaces lie between the two.

    The shift was resolved before the day after it was read, so it leaned on an earlier date or the bulletin date; a
    stated day is what the words count from.
    """
    lowered = spaced(counting.surface).lower()  # as its resolver read it
    word = lowered.rsplit(None, 1)[-1]
    base = anchor_date(named) if named.precision == "day" else None
    if word not in ("before", "after") or base is None or text[counting.end : named.start].strip():
        return None
    count, unit = (1, "day") if lowered.startswith("the ") else count_and_unit(counting.surface)
    if count is None:
        return None
    day = shift(base, unit, count if word == "after" else -count)
    return DateMention(surface=text[counting.start : named.end], start=counting.start, end=named.end,
                       value=day.isoformat(), precision="day", explicit=named.explicit)
