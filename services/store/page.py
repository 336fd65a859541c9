"""The web view, served by the store itself: the page at /, its assets under /web/, /v1/overview and the live stream.

Everything the page needs comes from this service (country outlines included), so it works offline.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse

from services.common.auth import require, with_bad_request
from services.store.live import format_position, live_routes, parse_position, settled_up_to
from services.store.filters import event_filters
from services.store.overview import overview
from services.store.queries import BadCursor, EventFilters

WEB = Path(__file__).parent / "web"
MEDIA_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


def web_routes() -> APIRouter:
    """Include before the query routes: /v1/events/stream must win over /v1/events/{event_id}."""
    router = APIRouter()
    router.include_router(live_routes())
    # Only the files shipped in web/ are served, named exactly: no path from the request reaches the disk.
    assets = {path.name: path for path in WEB.iterdir() if path.suffix in MEDIA_TYPES}

    @router.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(assets["index.html"], media_type="text/html", headers={"Cache-Control": "no-cache"})

    @router.get("/web/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        path = assets.get(name)
        if path is None:
            raise HTTPException(status_code=404, detail={"field": "name", "reason": "no such asset"})
        return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

    @router.get(
        "/v1/overview", dependencies=[require("read")], responses=with_bad_request("Bad cursor.")
    )
    async def summary(
        request: Request,
        filters: Annotated[EventFilters, Depends(event_filters)],
        limit: Annotated[int, Query(ge=0, le=500, description="How many of the newest items to include.")] = 50,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> dict[str, Any]:
        """Places with item counts, items per event day and the newest items, for the same filters as /v1/events."""
        streams = [partition.normalized for partition in request.app.state.settings.streams.partitions]
        try:
            found = await asyncio.to_thread(overview, request.app.state.db, filters, streams, limit, cursor)
        except BadCursor as exc:
            raise HTTPException(status_code=400, detail={"field": "cursor", "reason": str(exc)}) from exc
        if found["position"] is not None:
            # Before any entry the store is still retrying: a stream resumed here sends it once it is stored
            # (items after it may come again; the page replaces an item it already shows).
            stored = parse_position(found["position"], len(streams))
            redis = request.app.state.redis
            found["position"] = format_position(
                [await settled_up_to(redis, stream, None, at) for stream, at in zip(streams, stored, strict=True)]
            )
        return found

    return router
