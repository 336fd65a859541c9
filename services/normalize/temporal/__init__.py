"""Temporal tagging: date expressions in an item, resolved against the bulletin date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from schemas import DateMention, EventDate

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def tag_dates(text: str, reference_date: date | None) -> list[DateMention]:
    mentions = []
    for m in _ISO_RE.finditer(text):
        mentions.append(
            DateMention(surface=m.group(0), start=m.start(), end=m.end(), value=m.group(0), precision="day", explicit=True)
        )
    for m in _WEEKDAY_RE.finditer(text):
        value = None
        if reference_date is not None:
            wanted = _WEEKDAYS.index(m.group(1).lower())
            back = (reference_date.weekday() - wanted) % 7
            value = (reference_date - timedelta(days=back)).isoformat()
        mentions.append(
            DateMention(surface=m.group(0), start=m.start(), end=m.end(), value=value, precision="day", explicit=False)
        )
    return sorted(mentions, key=lambda d: d.start)


def choose_event_date(text: str, dates: list[DateMention], reference_date: date | None) -> EventDate | None:
    for mention in dates:
        if mention.value and mention.precision == "day":
            return EventDate(value=mention.value, precision="day")
    if reference_date is None:
        return EventDate(value=None, precision="reported")
    return EventDate(value=reference_date.isoformat(), precision="reported")
