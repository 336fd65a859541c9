"""The query parameters shared by every endpoint that lists events, as one FastAPI dependency."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import HTTPException, Query
from pydantic import BeforeValidator

from services.store.queries import EventFilters


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic alone would also read '1718236800' as a Unix time."""
    if value is not None and not (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        raise ValueError("expected an ISO day, YYYY-MM-DD")
    return value


IsoDay = Annotated[date | None, BeforeValidator(_iso_day)]


def event_filters(
    bulletin: Annotated[str | None, Query(max_length=64)] = None,
    source: Annotated[str | None, Query(max_length=128)] = None,
    date_from: Annotated[IsoDay, Query(alias="from", description="Event date on or after (ISO day).")] = None,
    date_to: Annotated[IsoDay, Query(alias="to", description="Event date on or before (ISO day).")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place name or GeoNames id.")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Actor name or id.")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")] = None,
    q: Annotated[str | None, Query(max_length=500, description="Free text in the item.")] = None,
) -> EventFilters:
    texts = {"bulletin": bulletin, "source": source, "place": place, "actor": actor, "country": country, "q": q}
    for name, value in texts.items():
        if value and "\x00" in value:  # no database stores it in text; PostgreSQL refuses it outright
            raise HTTPException(status_code=422, detail={"field": name, "reason": "contains a NUL character"})
    if date_from and date_to and date_from > date_to:
        raise HTTPException(status_code=422, detail={"field": "from", "reason": f"{date_from} is after to={date_to}"})
    return EventFilters(bulletin, date_from, date_to, place, actor, country, q, source)
