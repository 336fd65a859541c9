"""The query API over the read model: /v1/events, /v1/events/{id}, /v1/bulletins/{id}, health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.common.auth import ACCESS_RESPONSES, require, with_bad_request
from services.store.filters import event_filters
from services.store.queries import BadCursor, EventFilters, get_bulletin, get_event, list_events

# Every query route needs the read scope (open when no tokens are configured); health probes stay open.
READ = [require("read")]
NOT_FOUND = {**ACCESS_RESPONSES, 404: {"description": "No such event, item or bulletin."}}


def query_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    def readyz(request: Request) -> JSONResponse:
        try:
            with request.app.state.db.reader.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means not ready
            return JSONResponse(status_code=503, content={"status": "unavailable", "reason": str(exc)[:200]})
        return JSONResponse(content={"status": "ready"})

    @router.get("/v1/events", dependencies=READ, responses=with_bad_request("Bad cursor."))
    def events(
        request: Request,
        filters: Annotated[EventFilters, Depends(event_filters)],
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        cursor: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> dict[str, Any]:
        try:
            return list_events(request.app.state.db, filters, limit, cursor)
        except BadCursor as exc:
            raise HTTPException(status_code=400, detail={"field": "cursor", "reason": str(exc)}) from exc

    @router.get("/v1/events/{event_id}", dependencies=READ, responses=NOT_FOUND)
    def event(request: Request, event_id: str) -> dict[str, Any]:
        found = get_event(request.app.state.db, event_id)
        if found is None:
            raise HTTPException(status_code=404, detail={"field": "id", "reason": "no such event or item"})
        return found

    @router.get("/v1/bulletins/{bulletin_id}", dependencies=READ, responses=NOT_FOUND)
    def bulletin(request: Request, bulletin_id: str) -> dict[str, Any]:
        found = get_bulletin(request.app.state.db, bulletin_id)
        if found is None:
            raise HTTPException(status_code=404, detail={"field": "id", "reason": "no such bulletin"})
        return found

    return router
