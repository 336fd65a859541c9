"""choose_event_date: the date of an item's main event (ACLED-style), from its date mentions or the bulletin date."""

from __future__ import annotations

from datetime import date

from schemas import DateMention, EventDate
from services.normalize.temporal.sentences import SentenceIndex

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
    sentences = SentenceIndex(text)
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
    return EventDate(value=reference_date.isoformat() if reference_date else None, precision="reported")
