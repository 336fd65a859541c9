"""ingest: HTTP POST /v1/bulletins -> BulletinReceived events on wirelog:raw (answers 202 once they are in Redis)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from redis.exceptions import RedisError

from schemas import Bulletin
from services.common.redis import async_client
from services.common.settings import Settings
from services.ingest.identity import bulletin_received
from services.ingest.log_writer import RawLog
from services.ingest.parsing import ParseError, Rejected, parse_body

log = structlog.get_logger()


def error(status: int, field: str, reason: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"field": field, "reason": reason}})


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        redis = async_client(settings.redis_url)
        app.state.redis = redis
        app.state.raw_log = RawLog(redis, settings.streams, strict=settings.durability == "strict")
        log.info("ingest ready", url=f"http://{settings.ingest_host}:{settings.ingest_port}")
        yield
        await redis.aclose()

    app = FastAPI(title="Wirelog ingest", version="1.0.0", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        try:
            await request.app.state.redis.ping()
        except RedisError as exc:
            return JSONResponse(status_code=503, content={"status": "unavailable", "reason": f"redis: {exc}"})
        return JSONResponse(content={"status": "ready"})

    @app.post("/v1/bulletins", status_code=202)
    async def push_bulletins(
        request: Request,
        content_type: Annotated[str, Header()] = "",
        source: Annotated[str | None, Query(max_length=128)] = None,
        x_wirelog_source: Annotated[str | None, Header(max_length=128)] = None,
    ) -> JSONResponse:
        try:
            body = await read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return error(413, "body", f"larger than the limit of {settings.max_body_bytes} bytes")
        try:
            parsed = parse_body(body, content_type or "application/octet-stream", source or x_wirelog_source)
        except ParseError as exc:
            status = 415 if exc.field == "content-type" else 422
            return error(status, exc.field, exc.reason)
        if len(parsed) > settings.max_bulletins_per_request:
            return error(413, "body", f"more than {settings.max_bulletins_per_request} bulletins in one request")
        if not parsed:
            return error(422, "body", "no bulletin in the request")
        parsed = [_check_limits(index, item, settings) for index, item in enumerate(parsed)]
        accepted = [item for item in parsed if isinstance(item, Bulletin)]
        now = datetime.now(UTC)
        try:
            appended = await request.app.state.raw_log.append([bulletin_received(b, now) for b in accepted])
        except RedisError as exc:
            log.error("raw log unavailable", error=str(exc))
            return JSONResponse(
                status_code=503,
                headers={"Retry-After": "1"},
                content={"error": {"field": "service", "reason": "event log unavailable, nothing was accepted"}},
            )
        return _answer(parsed, iter(appended))

    return app


def _check_limits(index: int, item: Bulletin | Rejected, settings: Settings) -> Bulletin | Rejected:
    if isinstance(item, Rejected):
        return item
    items = item.all_items()
    if len(items) > settings.max_items_per_bulletin:
        return Rejected(index, [{"field": "items", "reason": f"more than {settings.max_items_per_bulletin} items"}])
    for position, entry in enumerate(items):
        if len(entry.text) > settings.max_item_chars:
            reason = f"longer than {settings.max_item_chars} characters"
            return Rejected(index, [{"field": f"items.{position}.text", "reason": reason}])
    return item


def _answer(parsed: list[Bulletin | Rejected], appended: Any) -> JSONResponse:
    results: list[dict[str, Any]] = []
    for index, item in enumerate(parsed):
        if isinstance(item, Rejected):
            results.append({"index": item.index, "status": "rejected", "errors": item.errors})
            continue
        done = next(appended)
        results.append(
            {
                "index": index,
                "status": "duplicate" if done.duplicate else "accepted",
                "bulletin_id": done.bulletin_id,
                "entry_id": done.entry_id,
                "items": len(item.all_items()),
            }
        )
    counts = {status: sum(r["status"] == status for r in results) for status in ("accepted", "duplicate", "rejected")}
    for result in results:
        if result["status"] != "rejected":
            log.info("bulletin " + result["status"], bulletin_id=result["bulletin_id"], items=result["items"])
    status = 422 if counts["rejected"] == len(results) else 202
    return JSONResponse(status_code=status, content={**counts, "bulletin_ids": _ids(results), "results": results})


def _ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["bulletin_id"] for r in results if "bulletin_id" in r]
