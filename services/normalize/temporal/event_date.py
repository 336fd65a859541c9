"""choose_event_date: the date of an item's main event (ACLED-style), from its date mentions or the bulletin date.

An item naming no usable date gets precision 'reported': the bulletin date, or the day before it when the lead is in
the past tense (see `reported_day`).
"""

from __future__ import annotations

from datetime import date, timedelta

from schemas import DateMention, EventDate
from services.normalize.temporal.sentences import SentenceIndex, sentence_index
from services.normalize.temporal.tense import lead_tense

_PRECISION_RANK = {"day": 0, "range": 0, "week": 1, "month": 2, "quarter": 3, "year": 4, "decade": 5}
# A mention right after these words dates a background event ("since 2014", "a day after Moscow said").
_SUBORDINATORS = {"after", "since", "before", "until", "till", "than", "from", "through", "following", "ahead"}
_LEAD_SENTENCES = 2


def _is_background(text: str, mention: DateMention) -> bool:
    words = text[max(0, mention.start - 20) : mention.start].lower().split()
    if words and words[-1] in _SUBORDINATORS:
        return True
    surface = mention.surface.lower().split()
    return surface[-1] in ("after", "before")


def choose_event_date(text: str, dates: list[DateMention], reference_date: date | None) -> EventDate | None:
    """The mention in the lead attached to the main clause; else the bulletin date with precision 'reported'."""
    sentences = sentence_index(text)
    candidates = []
    for mention in dates:
        if mention.value is None or mention.precision not in _PRECISION_RANK:
            continue
        sentence = sentences.sentence_number(mention.start)
        if sentence >= _LEAD_SENTENCES or _is_background(text, mention):
            continue
        candidates.append((sentence, _PRECISION_RANK[mention.precision], mention.start, mention))
    if candidates:
        chosen = min(candidates, key=lambda c: c[:3])[3]
        return EventDate(
            value=chosen.value,
            precision=chosen.precision,
            range_start=chosen.range_start,
            range_end=chosen.range_end,
        )
    if reference_date is None:
        return EventDate(value=None, precision="reported")
    return EventDate(value=reported_day(text, sentences, reference_date).isoformat(), precision="reported")


def reported_day(text: str, sentences: SentenceIndex, reference_date: date) -> date:
    """The day an undated report refers to: the day before the bulletin when it tells of something done.

    Wire reports are filed after the fact, so a past-tense lead ("shelling killed four") tells of the previous day's
    events, which is the date ACLED and UCDP code; a present, future or verbless lead ("talks resume", "will meet")
    stays on the bulletin date.
    """
    if lead_tense(text, sentences) == "past":
        return reference_date - timedelta(days=1)
    return reference_date
