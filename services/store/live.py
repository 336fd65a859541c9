"""GET /v1/events/stream: server-sent events of items as the store commits them, resumable by stream id.

What is sent is exactly what the read model holds. The store records, in the transaction that writes a batch,
the last wirelog:normalized id it applied; this follower waits for that position to move, reads the ids in
between from the log (XRANGE) to keep the log's order, and sends the rows the read model holds for them, with
the same filters as GET /v1/events. An entry the store ignored (a stale or repeated revision) or dead-lettered
has no row of its own and is passed over. Each SSE id is the entry's stream id: a reconnecting EventSource
sends it back as Last-Event-ID and resumes right after it; a first connection may pass `after` (the `position`
of GET /v1/overview) to continue from a snapshot, else it starts at the current position.

With several partitions a position is one stream id per partition, joined by commas in partition order; items
come in log order within a partition, and the partitions are interleaved batch by batch.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sse_starlette import EventSourceResponse, ServerSentEvent

from schemas.streams import STORE_GROUP
from services.common.auth import require, with_bad_request
from services.common.eventlog import MAX_ID_PART, is_stream_id
from services.common.redis import async_client
from services.common.settings import Settings
from services.store.database import Database
from services.store.filters import event_filters
from services.store.queries import EventFilters, _filtered, row_view

POSITION_CHARS = 41 * 64  # a stream id per partition, up to 64 partitions
POLL_SECONDS = 0.25
BATCH = 500


def _key(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def parse_position(value: str, partitions: int) -> list[str]:
    """A position as sent by the API: one stream id per partition, comma-joined; ValueError when it is not."""
    ids = value.split(",")
    if len(ids) != partitions or not all(is_stream_id(stream_id) for stream_id in ids):
        raise ValueError(f"expected {partitions} stream id(s) joined by commas")
    return ids


def format_position(ids: list[str | None]) -> str | None:
    """The inverse of parse_position; None while nothing is stored on a single partition, as before partitions."""
    if len(ids) == 1:
        return ids[0]
    return ",".join(stream_id or "0-0" for stream_id in ids)


def stored_rows(db: Database, filters: EventFilters, entries: list[tuple[str, str]]) -> list[tuple[str, dict]]:
    """(stream id, item) for the entries whose own revision the read model holds and the filters match."""
    wanted = dict(entries)  # event id -> stream id
    with db.reader.connect() as conn:
        tables = db.live_tables(conn)
        items = tables["items"]
        rows = conn.execute(_filtered(tables, filters).where(items.c.event_id.in_(list(wanted)))).all()
    # A row stored from a later entry of the same event id is that entry's to send, not this one's.
    found = [(row.stream_id, row_view(row)) for row in rows if wanted[row.event_id] == row.stream_id]
    return sorted(found, key=lambda pair: _key(pair[0]))


def _before(stream_id: str) -> str:
    """The largest stream id below `stream_id`: an exclusive lower bound that keeps `stream_id` itself."""
    ms, seq = _key(stream_id)
    if seq:
        return f"{ms}-{seq - 1}"
    return f"{ms - 1}-{MAX_ID_PART}" if ms else "0-0"


async def settled_up_to(redis: Redis, stream: str, after: str | None, position: str) -> str:
    """`position`, or just before the first entry after `after` that the store has not finished with (pending in
    its group: failed and waiting for a retry, or being acked): a follower waits for that entry rather than pass it,
    so an entry stored after later ones is still sent, in log order."""
    try:
        pending = await redis.xpending_range(
            stream, STORE_GROUP, min=f"({after}" if after else "-", max=position, count=1
        )
    except ResponseError:  # no store group yet: nothing is pending
        return position
    return _before(pending[0]["message_id"]) if pending else position


async def follow(
    redis: Redis, db: Database, streams: list[str], filters: EventFilters, after: list[str] | None, poll: float = POLL_SECONDS
) -> AsyncIterator[tuple[str, dict]]:
    """Yields (position, item) for every item the store commits after `after`, in log order per partition, forever."""
    if after:
        last = list(after)
    else:
        stored = [await asyncio.to_thread(db.position, stream) for stream in streams]
        last = [await settled_up_to(redis, stream, None, position) if position else "0-0"
                for stream, position in zip(streams, stored, strict=True)]
    while True:
        moved = False
        for index, stream in enumerate(streams):
            position = await asyncio.to_thread(db.position, stream)
            if position is None or _key(position) <= _key(last[index]):
                continue
            position = await settled_up_to(redis, stream, last[index], position)
            if _key(position) <= _key(last[index]):
                continue  # waiting for an entry the store has yet to finish
            moved = True
            entries = await redis.xrange(stream, min=f"({last[index]}", max=position, count=BATCH)
            if not entries:  # the log was trimmed or replaced under us: nothing between, catch up
                last[index] = position
                continue
            event_ids = [(json.loads(fields["event"])["id"], entry_id) for entry_id, fields in entries]
            for stream_id, item in await asyncio.to_thread(stored_rows, db, filters, event_ids):
                last[index] = stream_id
                yield format_position(last), item
            last[index] = entries[-1][0]
        if not moved:
            await asyncio.sleep(poll)


def live_routes() -> APIRouter:
    router = APIRouter()

    @router.get(
        "/v1/events/stream",
        response_class=EventSourceResponse,
        dependencies=[require("read")],
        responses=with_bad_request("Last-Event-ID or `after` is not a position."),
    )
    async def stream(
        request: Request,
        filters: Annotated[EventFilters, Depends(event_filters)],
        after: Annotated[
            str | None, Query(max_length=POSITION_CHARS, description="Position (an SSE id, or overview's) to start after.")
        ] = None,
        last_event_id: Annotated[str | None, Header(max_length=POSITION_CHARS)] = None,
    ) -> EventSourceResponse:
        settings = request.app.state.settings
        streams = [partition.normalized for partition in settings.streams.partitions]
        # The browser's Last-Event-ID on a reconnect is newer than the `after` still in the URL.
        start = last_event_id or after
        try:
            position = parse_position(start, len(streams)) if start is not None else None
        except ValueError as exc:
            field = "Last-Event-ID" if last_event_id else "after"
            raise HTTPException(status_code=400, detail={"field": field, "reason": str(exc)}) from exc
        return EventSourceResponse(_events(settings, request.app.state.db, streams, filters, position), ping=15)

    return router


async def _events(
    settings: Settings, db: Database, streams: list[str], filters: EventFilters, after: list[str] | None
) -> AsyncIterator[ServerSentEvent]:
    redis = async_client(settings.redis_url, settings.redis_cluster)
    try:
        async for position, item in follow(redis, db, streams, filters, after):
            yield ServerSentEvent(data=json.dumps(item, ensure_ascii=False), id=position, event="item")
    finally:
        await redis.aclose()
