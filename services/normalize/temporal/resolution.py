"""What resolving one matched expression yields, the context it is resolved in, and TIMEX3 value formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from schemas import DateMention
from services.normalize.temporal.arithmetic import quarter_of, week_value
from services.normalize.temporal.sentences import SentenceIndex
from services.normalize.temporal.tense import tense_around

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-WE)?$")


@dataclass(frozen=True)
class Resolution:
    value: str | None
    precision: str
    explicit: bool
    range_start: str | None = None
    range_end: str | None = None
    # Counted from another mention ('the 1988 period' takes its quarter from the one under report), so no anchor itself.
    derived: bool = False


UNRESOLVED_DAY = Resolution(None, "day", False)


@dataclass
class Scene:
    """One text being tagged: what a resolver may look at besides the matched words."""

    text: str
    reference: date | None
    sentences: SentenceIndex
    found: list[DateMention]
    # Offsets of mentions counted from another date; they are never anchors themselves, so shifts do not chain.
    derived: set[int] = field(default_factory=set)
    # The last quarter named that is not counted from another date: what "the quarter" of a results story means.
    last_quarter: DateMention | None = None

    def tense(self, start: int, end: int) -> str | None:
        return tense_around(self.text, self.sentences, start, end)

    def anchor_before(self, start: int, same_sentence: bool, window: int = 400) -> DateMention | None:
        """The closest earlier mention with a calendar value, in the same sentence or within `window` characters."""
        for mention in reversed(self.found):
            if mention.end > start:
                continue
            if same_sentence and not self.sentences.same_sentence(mention.start, start):
                return None
            if start - mention.end > window:
                return None
            if mention.start not in self.derived and anchor_date(mention) is not None:
                return mention
        return None


def value_at(day: date, precision: str) -> str:
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "week":
        return week_value(day)
    if precision == "quarter":
        return f"{day.year:04d}-Q{quarter_of(day)}"
    if precision == "decade":
        return f"{day.year // 10:03d}"
    raise ValueError(f"no calendar value at precision {precision!r}")


def anchor_date(mention: DateMention) -> date | None:
    """First day a mention's value stands for, or None when it has no calendar value (PAST_REF, unresolved)."""
    value = mention.range_start if mention.precision == "range" else mention.value
    if not value:
        return None
    if m := _DAY.match(value):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH.match(value):
        return date(int(m[1]), int(m[2]), 1)
    if m := _YEAR.match(value):
        return date(int(m[1]), 1, 1)
    if m := _QUARTER.match(value):
        return date(int(m[1]), 3 * int(m[2]) - 2, 1)
    if m := _WEEK.match(value):
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
    return None
