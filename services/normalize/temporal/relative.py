"""Resolvers for expressions relative to the bulletin date: weekdays, bare months, this/last/next, ago, spans, REF words."""

from __future__ import annotations

import re
from datetime import date, timedelta

from services.normalize.temporal.arithmetic import (
    month_year,
    resolve_weekday,
    shift,
    week_value,
)
from services.normalize.temporal.lexicon import MONTHS, SEASON_START_MONTH, SEASONS, WEEKDAYS, count_of, unit_of
from services.normalize.temporal.patterns import COUNT_UNIT_IN, MONTH_IN, SEASON_IN, WEEKDAY_IN, word_in
from services.normalize.temporal.resolution import Resolution, Scene, anchor_date, value_at

# Words that let a bare "May" be the month rather than the verb or a surname.
_MONTH_CUES = {"in", "since", "until", "till", "by", "of", "during", "through", "from", "to", "before", "after",
               "early", "late", "mid", "between", "and", "or", "last", "next", "this", "since", "for"}
_SEASON_CUES = {"in", "since", "until", "till", "by", "during", "through", "over", "before", "after", "early", "late",
                "mid", "last", "next", "this", "each"}
UNIT_PRECISION = {"hour": "day", "day": "day", "week": "day", "fortnight": "day", "month": "month",
                  "year": "year", "decade": "year"}
_PRESENT = ("now", "current", "nowaday", "present", "these days")
_FUTURE = ("future", "soon", "coming", "next few", "upcoming")
_MARCH_NAMED = re.compile(r"\s+(?:for|of|on|against)\s+(?:the\s+)?[A-Z]")
_ERA_NOUN = re.compile(r"['’]s\s+(?:world|youth|society|generations?|young|kids|children)\b", re.IGNORECASE)
# Words that open a sentence as a turn of the story ("Now, ...", "Currently, ...") rather than as a time.
_DISCOURSE = frozenset({"now", "currently"})


def _previous_word(scene: Scene, start: int) -> str:
    words = scene.text[max(0, start - 12) : start].replace("-", " ").split()
    return words[-1].lower() if words else ""


def weekday(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    if scene.reference is None:
        return Resolution(None, "day", False)
    wanted = WEEKDAYS.index(word_in(WEEKDAY_IN, surface).lower())
    # "Friday's vote" names something that has happened, whatever the verb of the clause around it
    # ("relatives will look for ways around Wednesday's ruling").
    possessive = scene.text[end : end + 2] in ("'s", "’s")
    tense = "past" if possessive else scene.tense(start, end)
    day = resolve_weekday(wanted, scene.reference, tense)
    return Resolution(day.isoformat(), "day", False)


def month(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    name = word_in(MONTH_IN, surface)
    if name == "May" and surface == "May" and _previous_word(scene, start) not in _MONTH_CUES:
        return None
    if surface == "March" and _MARCH_NAMED.match(scene.text, end):
        return None  # "the March for Life", "the March of the Combatant Mothers": a procession's name
    if scene.reference is None:
        return Resolution(None, "month", False)
    number = MONTHS[name.lower()]
    year = month_year(number, scene.reference, scene.tense(start, end))
    return Resolution(f"{year}-{number:02d}", "month", False)


def season(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """A bare season ('over the summer'): the coming one in future context, else the latest one begun."""
    lowered = surface.lower()
    name = word_in(SEASON_IN, lowered)
    # Bare "fall" and "spring" are mostly the verb and the noun; only "the" or a time preposition makes them seasons.
    if not lowered.startswith("the") and _previous_word(scene, start) not in _SEASON_CUES:
        return None
    if scene.reference is None:
        return Resolution(None, "quarter", False)
    code = SEASONS[name]
    start_month = SEASON_START_MONTH[code]
    if scene.tense(start, end) == "future":
        year = scene.reference.year + (start_month <= scene.reference.month)
    else:
        year = scene.reference.year - (start_month > scene.reference.month)
    return Resolution(f"{year}-{code}", "quarter", False)


def month_of_relative_year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    if scene.reference is None:
        return Resolution(None, "month", False)
    number = MONTHS[word_in(MONTH_IN, surface).lower()]
    lowered = surface.lower()
    year = scene.reference.year + (1 if "next year" in lowered else -1 if "last year" in lowered else 0)
    return Resolution(f"{year}-{number:02d}", "month", False)


def _direction(lowered: str) -> int | None:
    """+1, 0 or -1 relative to the bulletin date; None when the expression points at an earlier-mentioned date."""
    if "this coming" in lowered or "next" in lowered or "coming" in lowered:
        return 1
    if "last" in lowered or "past" in lowered or "previous" in lowered or "preceding" in lowered:
        return -1
    if "following" in lowered or "that" in lowered.split() or "same" in lowered:
        return None
    return 0


def _is_title(surface: str, start: int, scene: Scene) -> bool:
    """'ABC's "This Week"': a capitalised phrase opened by a quote mark mid-sentence names a programme, not a time.

    Title-case headlines ("Shelling Resumes Last Friday") stay dates: only the opening quote marks a title.
    """
    words = surface.split()
    quoted = start > 0 and scene.text[start - 1] in "\"“‘'"
    return quoted and len(words) > 1 and all(w[0].isupper() for w in words) and scene.sentences.bounds(start)[0] != start


def relative(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    if _is_title(surface, start, scene):
        return None
    lowered = surface.lower()
    unit = lowered.split()[-1] if not WEEKDAY_IN.search(lowered) else "weekday"
    direction = _direction(lowered)
    base = scene.reference
    if lowered.startswith(("the previous", "the preceding")):
        # "down 4.5% from the previous Friday" counts back from the date just mentioned, not from the bulletin.
        anchor = scene.anchor_before(start, same_sentence=False)
        base = anchor_date(anchor) if anchor is not None and anchor.precision == "day" else base
    if direction is None:
        anchor = scene.anchor_before(start, same_sentence=False)
        base = anchor_date(anchor) if anchor else scene.reference
        direction = 1 if "following" in lowered else 0
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "weekday"
    if base is None:
        return Resolution(None, UNIT_PRECISION.get(unit, "day"), False)
    if unit == "weekday":
        wanted = WEEKDAYS.index(word_in(WEEKDAY_IN, lowered))
        modifier = "last" if direction < 0 else "next" if direction > 0 and "this" not in lowered else None
        tense = "future" if direction > 0 else scene.tense(start, end)
        return Resolution(resolve_weekday(wanted, base, tense, modifier).isoformat(), "day", False)
    if unit == "weekend":
        return _weekend(base, direction, scene.tense(start, end))
    if unit in ("week", "month", "year"):
        return Resolution(value_at(shift(base, unit, direction), unit if unit != "week" else "week"), unit, False)
    if unit == "decade":
        return Resolution(value_at(shift(base, "decade", direction), "decade"), "decade", False)
    if unit == "century":
        return Resolution(f"{base.year // 100 + direction:02d}", "decade", False)
    if SEASON_IN.fullmatch(unit):
        return _season(SEASONS[unit], base, direction)
    if unit in MONTHS:
        number = MONTHS[unit]
        year = base.year
        if direction < 0:
            year = base.year if number < base.month else base.year - 1
        elif direction > 0:
            year = base.year if number > base.month else base.year + 1
        return Resolution(f"{year}-{number:02d}", "month", False)
    return None


def _weekend(base: date, direction: int, tense: str | None) -> Resolution:
    saturday = resolve_weekday(5, base, "past" if direction < 0 else "future" if direction > 0 else tense)
    if base.weekday() >= 5 and direction:
        saturday = base - timedelta(days=base.weekday() - 5) + timedelta(weeks=direction)
    return Resolution(f"{week_value(saturday)}-WE", "week", False)


def _season(code: str, base: date, direction: int) -> Resolution:
    start_month = SEASON_START_MONTH[code]
    # The season's year is the year it starts in; "last" is the latest one already over, "next" the first not begun.
    year = base.year
    if direction < 0:
        year = base.year if start_month + 2 < base.month else base.year - 1
    elif direction > 0:
        year = base.year if start_month > base.month else base.year + 1
    elif code == "WI" and base.month <= 2:
        year = base.year - 1
    return Resolution(f"{year}-{code}", "quarter", False)


def relative_in(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    unit = surface.lower().split()[-1]
    if scene.reference is None:
        return Resolution(None, unit, False)
    return Resolution(value_at(scene.reference, unit), unit, False)


def this_year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'the year', 'the fiscal year': the bulletin's year, as reporting on results uses it; 'the latest fiscal year' is
    the last one closed, the year before."""
    if scene.reference is None:
        return Resolution(None, "year", False)
    closed = "latest" in surface.lower()
    return Resolution(str(scene.reference.year - closed), "year", False)


def day_word(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if lowered in ("today", "tomorrow") and _previous_word(scene, start) == "of":
        return None  # "the youth of today", "many of today's computers", "the people of tomorrow": an era, not a day
    if lowered == "today" and _ERA_NOUN.match(scene.text, end):
        return None  # "in today's world", "today's youth": the present age
    if scene.reference is None:
        return Resolution(None, "day", False)
    offset = 0
    if "day before yesterday" in lowered:
        offset = -2
    elif "day after tomorrow" in lowered:
        offset = 2
    elif "yesterday" in lowered:
        offset = -1
    elif "tomorrow" in lowered:
        offset = 1
    return Resolution((scene.reference + timedelta(days=offset)).isoformat(), "day", False)


def count_and_unit(surface: str) -> tuple[int | None, str]:
    """(3, 'day') for "three days ago"; None for a vague count ("a few days")."""
    match = COUNT_UNIT_IN.search(surface)
    assert match is not None, surface  # only counted expressions ("three days ago") come here
    return count_of(match.group(1)), unit_of(match.group(2))


def ago(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    count, unit = count_and_unit(surface)
    return _offset(scene, -count if count is not None else None, unit, "PAST_REF")


def in_count(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    count, unit = count_and_unit(surface)
    if count is not None and scene.reference is not None and scene.tense(start, end) == "past":
        # "killed seven civilians in a day" is the span just ended, not a day still to come.
        first = shift(scene.reference, unit, -count)
        return Resolution(f"{first.isoformat()}/{scene.reference.isoformat()}", "range", False,
                          first.isoformat(), scene.reference.isoformat())
    return _offset(scene, count, unit, "FUTURE_REF")


def _offset(scene: Scene, count: int | None, unit: str, vague_value: str) -> Resolution:
    if count is None:
        return Resolution(vague_value, "ref", False)
    precision = UNIT_PRECISION[unit]
    if scene.reference is None:
        return Resolution(None, precision, False)
    return Resolution(value_at(shift(scene.reference, unit, count), precision), precision, False)


def span(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    count, unit = count_and_unit(surface)
    if count is None:
        return None
    if scene.reference is None:
        return Resolution(None, "range", False)
    ahead = any(word in surface.lower() for word in ("next", "coming"))
    other = shift(scene.reference, unit, count if ahead else -count)
    first, last = (scene.reference, other) if ahead else (other, scene.reference)
    return Resolution(f"{first.isoformat()}/{last.isoformat()}", "range", False, first.isoformat(), last.isoformat())


def ref_word(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if lowered == "soon" and _previous_word(scene, start) == "as":
        return None
    if lowered.endswith("foreseeable future") and _previous_word(scene, start) == "for":
        return None  # "for the foreseeable future": a stretch of time from now on, not a time
    if lowered.endswith("future") and scene.text.startswith(" of ", end):
        return None  # "the future of our peoples" is their fate
    if lowered in _DISCOURSE and scene.text.startswith(",", end) and scene.sentences.bounds(start)[0] == start:
        return None  # "Now, he says, ..." turns the story; it does not date anything
    if any(word in lowered for word in _FUTURE):
        return Resolution("FUTURE_REF", "ref", False)
    if any(word in lowered for word in _PRESENT):
        return Resolution("PRESENT_REF", "ref", False)
    return Resolution("PAST_REF", "ref", False)
