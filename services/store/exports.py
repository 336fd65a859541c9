"""Exports of the read model in JSON, NDJSON or CSV (one row per item), streamed page by page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from services.common.auth import ACCESS_RESPONSES, require
from services.store.database import Database
from services.store.filters import event_filters
from services.store.queries import EventFilters, list_events

CSV_COLUMNS = [
    "item_id", "event_id", "revision", "normalizer_version", "bulletin_id", "position", "source", "reference_date",
    "event_date", "event_date_precision", "event_date_start", "event_date_end", "location_name",
    "location_geonames_id", "location_country", "location_lat", "location_lon", "places", "actors", "actor_ids",
    "label", "text",
]
MEDIA_TYPES = {"json": "application/json", "ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
PAGE = 500


def all_events(db: Database, filters: EventFilters) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        page = list_events(db, filters, PAGE, cursor)
        yield from page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return


def csv_row(event: dict[str, Any]) -> list[Any]:
    location = event.get("event_location") or {}
    when = event["event_date"]
    return [
        event["item_id"], event["id"], event["revision"], event["normalizer_version"], event["bulletin_id"],
        event["position"], event["source"], event["reference_date"], when.get("value"), when.get("precision"),
        when.get("range_start"), when.get("range_end"), location.get("name"), location.get("geonames_id"),
        location.get("country_code"), location.get("lat"), location.get("lon"),
        ";".join(sorted({p["name"] for p in event["places"]})),
        ";".join(sorted({a["name"] for a in event["actors"]})),
        ";".join(sorted({a["actor_id"] for a in event["actors"] if a.get("actor_id")})),
        event.get("label"), event["text"],
    ]


def render(events: Iterator[dict[str, Any]], fmt: str) -> Iterator[str]:
    if fmt == "ndjson":
        for event in events:
            yield json.dumps(event, ensure_ascii=False) + "\n"
    elif fmt == "json":
        yield "["
        for n, event in enumerate(events):
            yield ("," if n else "") + json.dumps(event, ensure_ascii=False)
        yield "]\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for event in events:
            writer.writerow(csv_row(event))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()


def export_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/exports/events", dependencies=[require("read")], responses=ACCESS_RESPONSES)
    def export_events(
        request: Request,
        filters: Annotated[EventFilters, Depends(event_filters)],
        format: Annotated[Literal["json", "ndjson", "csv"], Query(description="json, ndjson or csv")] = "ndjson",
    ) -> StreamingResponse:
        body = render(all_events(request.app.state.db, filters), format)
        headers = {"Content-Disposition": f'attachment; filename="wirelog-events.{format}"'}
        return StreamingResponse(body, media_type=MEDIA_TYPES[format], headers=headers)

    return router
