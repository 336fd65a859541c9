"""Calendar arithmetic the resolver needs: shifting by units, TIMEX3 values for weeks and quarters, nearest years."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def shift(day: date, unit: str, count: int) -> date:
    """`day` moved by `count` units (negative goes back); hours round to whole days."""
    if unit == "hour":
        days = -(-abs(count) // 24)
        return day + timedelta(days=days if count >= 0 else -days)
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    if unit == "fortnight":
        return day + timedelta(weeks=2 * count)
    if unit == "month":
        return add_months(day, count)
    if unit == "quarter":
        return add_months(day, 3 * count)
    if unit == "year":
        return add_months(day, 12 * count)
    if unit == "decade":
        return add_months(day, 120 * count)
    raise ValueError(f"unknown unit {unit!r}")


def week_value(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_value(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nearest_year(month: int, day: int, reference: date) -> int:
    """The year that puts month/day closest to the reference date ("April 1" in late March is this April)."""
    best_year, best_gap = reference.year, None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        gap = abs((candidate - reference).days)
        if best_gap is None or gap < best_gap:
            best_year, best_gap = year, gap
    return best_year


def month_year(month: int, reference: date, tense: str | None) -> int:
    """Year of a bare month name: the most recent one in past context, the coming one in future, else nearest."""
    if tense == "past":
        return reference.year if month <= reference.month else reference.year - 1
    if tense == "future":
        return reference.year if month >= reference.month else reference.year + 1
    # Without a cue news looks back more often than ahead: up to three months ahead, otherwise behind.
    ahead = (month - reference.month) % 12
    return reference.year + (month < reference.month) if ahead <= 3 else reference.year - (month > reference.month)


def resolve_weekday(wanted: int, reference: date, tense: str | None, modifier: str | None = None) -> date:
    """A bare weekday against the bulletin date: 'last' and past tense look back, 'next' and future look ahead."""
    back = (reference.weekday() - wanted) % 7
    forward = (wanted - reference.weekday()) % 7
    if modifier == "last":
        return reference - timedelta(days=back or 7)
    if modifier == "next":
        return reference + timedelta(days=forward or 7)
    if back == 0:
        return reference
    if tense == "past":
        return reference - timedelta(days=back)
    if tense == "future":
        return reference + timedelta(days=forward)
    return reference - timedelta(days=back) if back <= forward else reference + timedelta(days=forward)


def thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def election_day(year: int) -> date:
    """US Election Day: the Tuesday after the first Monday of November."""
    second = date(year, 11, 2)
    return second + timedelta(days=(1 - second.weekday()) % 7)


def nearest_occurrence(rule: Callable[[int], date], reference: date) -> date:
    """The yearly day `rule` gives (a movable holiday) in the year that puts it closest to the reference date."""
    return min((rule(year) for year in (reference.year - 1, reference.year, reference.year + 1)),
               key=lambda day: abs((day - reference).days))
