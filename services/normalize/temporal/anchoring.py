"""Resolvers for expressions counted from another date: 'a day after', 'two days later', 'a year earlier', 'the quarter'."""

from __future__ import annotations

from datetime import date

from schemas import DateMention
from services.normalize.temporal.arithmetic import quarter_of, shift
from services.normalize.temporal.relative import UNIT_PRECISION, ago, counted
from services.normalize.temporal.resolution import Resolution, Scene, anchor_date, value_at

_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4, "decade": 5}


def _shifted(anchor: DateMention | None, base: date, unit: str, count: int) -> Resolution:
    """`base` moved by count units, kept at the anchor's granularity when the unit is no finer than it."""
    precision = UNIT_PRECISION[unit]
    if anchor is not None and anchor.precision in _RANK and _RANK[anchor.precision] <= _RANK[precision]:
        precision = anchor.precision
    return Resolution(value_at(shift(base, unit, count), precision), precision, False)


def shifted(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if lowered.startswith("the "):
        count, unit = 1, "day"
    else:
        count, unit = counted(surface, start, end, scene)
    if count is None:
        return None
    word = lowered.split()[-1]
    same_sentence = scene.anchor_before(start, same_sentence=True)
    following = scene.text[end : end + 2].strip()[:1]
    adverbial = word in ("later", "earlier") or following in ("", ",", ".", ";", ")")
    if adverbial:
        anchor = same_sentence or scene.anchor_before(start, same_sentence=False)
        sign = 1 if word in ("later", "after") else -1
    else:
        # "Wednesday - a day after Moscow said": the phrase dates what follows it, a day before the anchor.
        anchor = same_sentence
        sign = -1 if word == "after" else 1
    base = anchor_date(anchor) if anchor else scene.reference
    if base is None:
        return Resolution(None, UNIT_PRECISION[unit], False)
    return _shifted(anchor, base, unit, sign * count)


def _latest_quarter(scene: Scene) -> DateMention | None:
    for mention in reversed(scene.found):
        if mention.precision == "quarter" and mention.value and "-Q" in mention.value and mention.start not in scene.derived:
            return mention
    return None


def _previous_quarter(reference: date) -> date:
    return shift(date(reference.year, 3 * quarter_of(reference) - 2, 1), "quarter", -1)


def year_ago(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'a year ago' beside a quarter's results means that quarter a year back, as financial news uses it."""
    count, unit = counted(surface, start, end, scene)
    if count == 1 and unit == "year":
        anchor = scene.anchor_before(start, same_sentence=False, window=300)
        if anchor is not None and anchor.precision == "quarter":
            return _shifted(anchor, anchor_date(anchor), "year", -1)
    return ago(surface, start, end, scene)


def year_word(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if scene.reference is None:
        return Resolution(None, "day" if lowered == "year-end" else "year", False)
    if lowered == "year-end":
        year = scene.reference.year - (scene.tense(start, end) == "past")
        return Resolution(f"{year}-12-31", "day", False)
    anchor = scene.anchor_before(start, same_sentence=False)
    if anchor is not None:
        return _shifted(anchor, anchor_date(anchor), "year", -1)
    return Resolution(str(scene.reference.year - 1), "year", False)


def quarter_relative(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if scene.reference is None:
        return Resolution(None, "quarter", False)
    current = date(scene.reference.year, 3 * quarter_of(scene.reference) - 2, 1)
    if "this" in lowered or "current" in lowered:
        day = current
    elif "next" in lowered:
        day = shift(current, "quarter", 1)
    elif lowered.startswith("last") or "previous" in lowered or "past" in lowered:
        day = _previous_quarter(scene.reference)
    else:
        latest = _latest_quarter(scene)
        day = anchor_date(latest) if latest else _previous_quarter(scene.reference)
    if "year-earlier" in lowered or "year-ago" in lowered:
        day = shift(day, "year", -1)
    return Resolution(value_at(day, "quarter"), "quarter", False)
