"""Datelines: the day an agency item says it was filed ("BRUSSELS, February 10 (Xinhua) --"), which its dates count from."""

from __future__ import annotations

import re
from datetime import date

from services.normalize.temporal.arithmetic import nearest_year, safe_date
from services.normalize.temporal.lexicon import MONTHS
from services.normalize.temporal.patterns import DAY, MONTH_WITH_DAY

# A place in capitals, a comma, month and day, an optional agency in brackets, then the dash that opens the story.
_DATELINE = re.compile(
    rf"\s*(?-i:[A-Z][A-Z.'’ -]{{1,40}}),\s+({MONTH_WITH_DAY})\s+({DAY})\s*(?:\([^()\n]{{1,40}}\)\s*)?(?:--|—|–|_|-)",
    re.IGNORECASE,
)


def dateline_day(text: str, reference: date | None) -> date | None:
    """The filing day a dateline at the head of `text` states, in the year nearest the bulletin date; else None.

    A wire item filed late is published the next day: its "Friday" and "today" count from the dateline, not the bulletin.
    """
    match = _DATELINE.match(text)
    if match is None or reference is None:
        return None
    month = MONTHS[match.group(1).rstrip(".").lower()]
    day = int("".join(ch for ch in match.group(2) if ch.isdigit()))
    return safe_date(nearest_year(month, day, reference), month, day)
