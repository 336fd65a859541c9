"""The query parameters shared by every endpoint that lists events, as one FastAPI dependency."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from services.store.queries import EventFilters


def event_filters(
    bulletin: Annotated[str | None, Query(max_length=64)] = None,
    source: Annotated[str | None, Query(max_length=128)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="Event date on or after (ISO day).")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Event date on or before (ISO day).")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place name or GeoNames id.")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Actor name or id.")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")] = None,
    q: Annotated[str | None, Query(max_length=500, description="Free text in the item.")] = None,
) -> EventFilters:
    return EventFilters(bulletin, date_from, date_to, place, actor, country, q, source)
