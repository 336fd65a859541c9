"""Temporal tagging: date expressions in an item, resolved against the bulletin date (called by the normaliser)."""

from services.normalize.temporal.event_date import choose_event_date
from services.normalize.temporal.tagger import tag_dates

__all__ = ["choose_event_date", "tag_dates"]
