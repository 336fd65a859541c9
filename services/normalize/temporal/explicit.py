"""Resolvers for expressions that state their own calendar position: ISO dates, month-day(-year), years, decades, quarters."""

from __future__ import annotations

import calendar
import re
from datetime import date

from schemas import DateMention
from services.normalize.temporal.arithmetic import (
    election_day,
    nearest_occurrence,
    nearest_year,
    quarter_of,
    safe_date,
    thanksgiving,
    week_value,
)
from services.normalize.temporal.lexicon import DECADE_WORDS, MONTHS, ORDINALS, SEASONS, spoken_year
from services.normalize.temporal.patterns import (
    DAY_IN,
    MONTH_IN,
    MONTH_WITH_DAY,
    ORDINAL_IN,
    SCANNER,
    SEASON_IN,
    WEEKDAY,
    YEAR_IN,
    word_in,
)
from services.normalize.temporal.resolution import Resolution, Scene

# Within this many days of the bulletin date a day-month without a year is simply the nearest one.
TENSE_FREE_DAYS = 90
# Holidays whose day moves with the weekdays, by the word that names them.
_MOVABLE_HOLIDAYS = {"thanksgiving": thanksgiving, "election": election_day}
# Words that may introduce a bare four-digit number below 1900 as a year ("in 1812").
_OLD_YEAR_CUES = ("in", "since", "of", "by", "until", "from", "year", "before", "after", "around", "circa")


def _years(surface: str) -> list[int]:
    return [_year(digits, words) for digits, words in YEAR_IN.findall(surface)]


def _year(digits: str, words: str) -> int:
    if digits:
        return int(digits)
    spoken = spoken_year(words)
    assert spoken is not None, words  # YEAR_IN only captures words that spell out a year
    return spoken


def _month_day(surface: str, scene: Scene) -> tuple[int, list[int], list[int]] | None:
    months = [MONTHS[m.lower()] for m in MONTH_IN.findall(surface)]
    # Day numbers are read after removing year digits so "Sept. 30, 1989" yields only 30.
    days = [int(d) for d in DAY_IN.findall(YEAR_IN.sub(" ", surface))]
    if not months or not days:
        return None
    return months[0], months, days


def _year_for(month: int, day: int, years: list[int], scene: Scene, start: int = -1, end: int = -1) -> int | None:
    if years:
        return years[-1]
    if scene.reference is None:
        return None
    year = nearest_year(month, day, scene.reference)
    if start < 0:
        return year
    gap = (date(year, month, min(day, calendar.monthrange(year, month)[1])) - scene.reference).days
    if abs(gap) <= TENSE_FREE_DAYS:
        return year
    # Months away, the clause's tense beats nearness: "the year ended March 31" in November is the past March.
    # Without a cue, news looks back more often than ahead, as for a bare month: "its record high set on Aug. 6".
    tense = scene.tense(start, end)
    if tense != "future" and gap > 0:
        return year - 1
    if tense == "future" and gap < 0:
        return year + 1
    return year


def iso(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    parts = surface.split("-")
    if len(parts) == 2:
        return Resolution(surface, "month", True)
    day = safe_date(int(parts[0]), int(parts[1]), int(parts[2]))
    return Resolution(day.isoformat(), "day", True) if day else None


def month_day(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    parsed = _month_day(surface, scene)
    if parsed is None:
        return None
    month, _, days = parsed
    years = _years(surface)
    year = _year_for(month, days[0], years, scene, start, end)
    if year is None:
        return Resolution(None, "day", False)
    day = safe_date(year, month, days[0])
    return Resolution(day.isoformat(), "day", bool(years)) if day else None


def week_of(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'the week of March 6': the ISO week holding that day, as TIMEX3 writes it."""
    day = month_day(surface, start, end, scene)
    if day is None or day.value is None:
        return None if day is None else Resolution(None, "week", day.explicit)
    return Resolution(week_value(date.fromisoformat(day.value)), "week", day.explicit)


def day_range(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    parsed = _month_day(surface, scene)
    if parsed is None or len(parsed[2]) < 2:
        return None
    first_month, months, days = parsed
    last_month = months[-1]
    years = _years(surface)
    year = _year_for(first_month, days[0], years, scene)
    if year is None:
        return Resolution(None, "range", False)
    first = safe_date(year, first_month, days[0])
    last = safe_date(year + (last_month < first_month), last_month, days[-1])
    if first is None or last is None or last < first:
        return None
    return _range(first, last, f"{first.isoformat()}/{last.isoformat()}", bool(years))


def year_range(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    years = _years(surface)
    if len(years) < 2 or years[1] <= years[0]:
        return None
    return _range(date(years[0], 1, 1), date(years[1], 12, 31), f"{years[0]}/{years[1]}", True)


def _range(first: date, last: date, value: str, explicit: bool) -> Resolution:
    return Resolution(value, "range", explicit, first.isoformat(), last.isoformat())


def month_year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    month = MONTHS[word_in(MONTH_IN, surface).lower()]
    return Resolution(f"{_years(surface)[-1]:04d}-{month:02d}", "month", True)


def year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    value = _years(surface)[-1]
    if value < 1900:
        previous = scene.text[max(0, start - 12) : start].split()
        if not previous or previous[-1].lower() not in _OLD_YEAR_CUES:
            return None
    return Resolution(f"{value:04d}", "year", True)


def decade(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    if "century" in lowered:
        number = int("".join(ch for ch in lowered.split("century")[0] if ch.isdigit()))
        return Resolution(f"{number - 1:02d}", "decade", True)
    digits = "".join(ch for ch in lowered if ch.isdigit())
    if len(digits) == 4:
        return Resolution(digits[:3], "decade", True)
    if len(digits) == 2:
        century = 20 if scene.reference and 2000 + int(digits) <= scene.reference.year else 19
        return Resolution(f"{century}{digits[0]}", "decade", False)
    word = next(w for w in DECADE_WORDS if w in lowered)
    return Resolution(f"19{DECADE_WORDS[word]}", "decade", False)


def quarter(surface: str, start: int, end: int, scene: Scene) -> Resolution:
    match = ORDINAL_IN.search(surface)
    assert match is not None, surface  # "the third quarter", "Q3": a quarter is always numbered
    number = ORDINALS[match.group(1).lower()] if match.group(1) else int(match.group(2))
    years = _years(surface)
    if years:
        return Resolution(f"{years[-1]}-Q{number}", "quarter", True)
    if scene.reference is None:
        return Resolution(None, "quarter", False)
    lowered = surface.lower()
    if "next year" in lowered:
        year = scene.reference.year + 1
    elif "last year" in lowered:
        year = scene.reference.year - 1
    elif "this year" in lowered:
        year = scene.reference.year
    else:
        # A quarter named without a year is the latest one that has begun, or the one about to.
        year = scene.reference.year if number <= quarter_of(scene.reference) + 1 else scene.reference.year - 1
    return Resolution(f"{year}-Q{number}", "quarter", False)


def half(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    """'the second half of 1989': TIMEX3 writes a half-year as 1989-H2; the bounds say which six months it covers."""
    year = _years(surface)[-1]
    if "first" in surface.lower():
        return Resolution(f"{year}-H1", "quarter", True, date(year, 1, 1).isoformat(), date(year, 6, 30).isoformat())
    return Resolution(f"{year}-H2", "quarter", True, date(year, 7, 1).isoformat(), date(year, 12, 31).isoformat())


def season_year(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    season = SEASONS[word_in(SEASON_IN, surface).lower()]
    return Resolution(f"{_years(surface)[-1]}-{season}", "quarter", True)


def holiday(surface: str, start: int, end: int, scene: Scene) -> Resolution | None:
    lowered = surface.lower()
    month, day = (12, 24 if "eve" in lowered else 25) if "christmas" in lowered else (1, 1)
    if "new year" in lowered and "eve" in lowered:
        month, day = 12, 31
    years = _years(surface)
    movable = next((rule for word, rule in _MOVABLE_HOLIDAYS.items() if word in lowered), None)
    if movable is not None:
        if years:
            return Resolution(movable(years[-1]).isoformat(), "day", True)
        if scene.reference is None:
            return Resolution(None, "day", False)
        return Resolution(nearest_occurrence(movable, scene.reference).isoformat(), "day", False)
    year = _year_for(month, day, years, scene)
    if year is None:
        return Resolution(None, "day", False)
    return Resolution(date(year, month, min(day, calendar.monthrange(year, month)[1])).isoformat(), "day", bool(years))


# "April 24 and 25", "December 13 or 14": a second day number of the month just named, when nothing makes it a count
# ("April 24 and 25 people") or a clock time ("May 1 and 2 p.m.", "May 1 and 2:30").
_CONJOINED_DAY = re.compile(
    r"\s+(?:and|or|&)\s+(3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+(1[6-9]\d\d|20\d\d))?"
    r"(?=\s*(?:[,;)!?]|[.:](?!\d)|$)|\s+(?:in|on|at|with|when|as|and|or|before|after|to|the|for|from|respectively)\b)"
)
_ENDS_WITH_DAY = re.compile(r"\d(?:st|nd|rd|th)?$")
# "fell to 9 on May 1 and 14 on May 2": a number dated by what follows it is a count.
_COUNT_BEFORE_DATE = re.compile(rf"\s+(?:on|in)\s+(?:{MONTH_WITH_DAY}|{WEEKDAY})\b", re.IGNORECASE)


def conjoined_day(mention: DateMention, text: str) -> tuple[DateMention, DateMention] | None:
    """For a month-day mention followed by "and <day>": the mention, with the year stated after the second day when
    it had none ("May 16 and 18, 2023"), and the second day's own mention, in the same month. Else None."""
    if mention.precision != "day" or not mention.value or not _ENDS_WITH_DAY.search(mention.surface):
        return None
    match = _CONJOINED_DAY.match(text, mention.end)
    # "June 3 and 10 to 12 July", "May 31 and 1 June": the number opens an expression of its own.
    if match is None or SCANNER.match(text, match.start(1)) or _COUNT_BEFORE_DATE.match(text, match.end()):
        return None
    first = date.fromisoformat(mention.value)
    year = int(match.group(2)) if match.group(2) else first.year
    second, restated = safe_date(year, first.month, int(match.group(1))), safe_date(year, first.month, first.day)
    if second is None or restated is None or second.day <= first.day:
        return None
    if match.group(2) and not mention.explicit:
        mention = mention.model_copy(update={"value": restated.isoformat(), "explicit": True})
    return mention, DateMention(surface=text[match.start(1) : match.end()], start=match.start(1), end=match.end(),
                                value=second.isoformat(), precision="day", explicit=mention.explicit)
