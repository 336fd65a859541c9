"""Day bounds of a TIMEX3-style value, so date-range filters can compare plain ISO days; pure."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def day_bounds(value: str | None, range_start: str | None = None, range_end: str | None = None) -> tuple[str | None, str | None]:
    if range_start or range_end:
        return range_start, range_end
    if not value:
        return None, None
    try:
        if m := _DAY.match(value):
            return value, value
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            return date(year, month, 1).isoformat(), date(year, month, calendar.monthrange(year, month)[1]).isoformat()
        if m := _YEAR.match(value):
            return f"{m.group(1)}-01-01", f"{m.group(1)}-12-31"
        if m := _WEEK.match(value):
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
        if m := _QUARTER.match(value):
            year, quarter = int(m.group(1)), int(m.group(2))
            first = date(year, 3 * quarter - 2, 1)
            last_month = 3 * quarter
            return first.isoformat(), date(year, last_month, calendar.monthrange(year, last_month)[1]).isoformat()
    except ValueError:
        return None, None
    if "/" in value:
        start, _, end = value.partition("/")
        return day_bounds(start)[0], day_bounds(end)[1]
    return None, None
