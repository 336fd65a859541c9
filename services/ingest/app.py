"""ingest: HTTP POST /v1/bulletins -> BulletinReceived events on wirelog:raw (answers 202 once they are in Redis)."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError
from starlette.exceptions import HTTPException

from schemas import Bulletin
from services.common import metrics
from services.common.auth import Grant, access_from_settings, require
from services.common.redis import async_client
from services.common.settings import Settings
from services.ingest.backpressure import Backpressure
from services.ingest.contract import PUSH_RESPONSES, push_request_body
from services.ingest.identity import bulletin_received
from services.ingest.limits import Limits, bulletin_problems
from services.ingest.log_writer import NotDurable, RawLog
from services.operations.partitions import check_partition_count
from services.ingest.parsing import ParseError, Rejected, parse_body

log = structlog.get_logger()

# Bodies larger than this are parsed on a worker thread: the event loop keeps answering meanwhile.
PARSE_ON_THREAD_BYTES = 64 * 1024


def error(status: int, field: str, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"field": field, "reason": reason}}, headers=headers)


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


def _unavailable(reason: str, retry_after: int) -> JSONResponse:
    return error(503, "service", reason, {"Retry-After": str(retry_after)})


def create_app(settings: Settings) -> FastAPI:
    access = access_from_settings(settings)  # a bad token configuration stops the service here
    limits = Limits(
        settings.max_items_per_bulletin,
        settings.max_item_chars,
        settings.max_published_age_days,
        settings.max_published_ahead_days,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        redis = async_client(settings.redis_url, settings.redis_cluster)
        await check_partition_count(redis, settings.streams)
        app.state.redis = redis
        app.state.raw_log = RawLog(redis, settings.streams, strict=settings.durability == "strict")
        await app.state.raw_log.check_durability()
        app.state.backpressure = Backpressure(app.state.raw_log, settings.max_raw_backlog)
        log.info("ingest ready", url=f"http://{settings.ingest_host}:{settings.ingest_port}", open=access.open)
        yield
        await redis.aclose()

    app = FastAPI(title="Wirelog ingest", version="1.0.0", lifespan=lifespan)
    log_gauges = metrics.event_log_collector(settings.redis_url, settings.streams, settings.redis_cluster)
    app.state.settings = settings
    app.state.access = access

    @app.exception_handler(HTTPException)
    async def in_ingest_shape(_: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else {"field": "request", "reason": str(exc.detail)}
        return JSONResponse(status_code=exc.status_code, content={"error": detail}, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def parameters_in_ingest_shape(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = first.get("loc") or ("request",)
        return error(422, str(where[-1]), str(first.get("msg", "invalid")))

    @app.middleware("http")
    async def time_pushes(request: Request, call_next: Any) -> Any:
        if request.url.path != "/v1/bulletins":
            return await call_next(request)
        started = time.perf_counter()
        response = await call_next(request)
        metrics.INGEST_SECONDS.observe(time.perf_counter() - started)
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(metrics.exposition(log_gauges), media_type=CONTENT_TYPE_LATEST)

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        try:
            await request.app.state.redis.ping()
        except RedisError as exc:
            return JSONResponse(status_code=503, content={"status": "unavailable", "reason": f"redis: {exc}"})
        return JSONResponse(content={"status": "ready"})

    @app.post("/v1/bulletins", status_code=202, responses=PUSH_RESPONSES, openapi_extra=push_request_body())
    async def push_bulletins(
        request: Request,
        grant: Annotated[Grant, require("push")],
        source: Annotated[str | None, Query(max_length=128)] = None,
        x_wirelog_source: Annotated[str | None, Header(max_length=128)] = None,
    ) -> JSONResponse:
        try:
            wait = await request.app.state.backpressure.retry_after()
        except RedisError as exc:
            log.error("raw log unavailable", error=str(exc))
            return _unavailable("event log unavailable, nothing was accepted", 1)
        if wait is not None:
            return _unavailable(f"more than {settings.max_raw_backlog} raw entries await normalize", wait)
        try:
            body = await read_body(request, settings.max_body_bytes)
        except BodyTooLarge:
            return error(413, "body", f"larger than the limit of {settings.max_body_bytes} bytes")
        content_type = request.headers.get("content-type") or "application/octet-stream"
        def parse() -> list:
            return parse_body(
                body,
                content_type,
                source or x_wirelog_source,
                max_depth=settings.max_json_depth,
                max_bulletins=settings.max_bulletins_per_request,
            )

        try:
            parsed = await asyncio.to_thread(parse) if len(body) > PARSE_ON_THREAD_BYTES else parse()
        except ParseError as exc:
            return error(exc.status, exc.field, exc.reason)
        if len(parsed) > settings.max_bulletins_per_request:
            return error(413, "body", f"more than {settings.max_bulletins_per_request} bulletins in one request")
        if not parsed:
            return error(422, "body", "no bulletin in the request")
        foreign = sorted({b.source for b in parsed if isinstance(b, Bulletin) and not grant.may_push_for(b.source)})
        if foreign:
            log.warning("push refused for source", token=grant.name, source=foreign[0])
            return error(403, "source", f"this token may not push for source {foreign[0]!r}; nothing was accepted")
        today = datetime.now(UTC).date()
        parsed = [_check_limits(index, item, limits, today) for index, item in enumerate(parsed)]
        accepted = [item for item in parsed if isinstance(item, Bulletin)]
        now = datetime.now(UTC)
        try:
            appended = await request.app.state.raw_log.append([bulletin_received(b, now) for b in accepted])
        except NotDurable as exc:
            log.error("appended bulletins not confirmed on disk", error=str(exc))
            return _unavailable(
                "appended, but the event log did not confirm it on disk in time; push again: what was appended is "
                "then answered as a duplicate",
                1,
            )
        except RedisError as exc:
            log.error("raw log unavailable", error=str(exc))
            return _unavailable("event log unavailable, nothing was accepted", 1)
        return _answer(parsed, iter(appended))

    return app


def _check_limits(index: int, item: Bulletin | Rejected, limits: Limits, today: Any) -> Bulletin | Rejected:
    if isinstance(item, Rejected):
        return item
    problems = bulletin_problems(item, limits, today)
    return Rejected(index, problems) if problems else item


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
        metrics.BULLETINS_INGESTED.labels(result["status"]).inc()
        if result["status"] != "rejected":
            log.info("bulletin " + result["status"], bulletin_id=result["bulletin_id"], items=result["items"])
        if result["status"] == "accepted":
            metrics.ITEMS_INGESTED.inc(result["items"])
    status = 422 if counts["rejected"] == len(results) else 202
    return JSONResponse(status_code=status, content={**counts, "bulletin_ids": _ids(results), "results": results})


def _ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["bulletin_id"] for r in results if "bulletin_id" in r]
