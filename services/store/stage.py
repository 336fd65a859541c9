"""Consumes wirelog:normalized into the read model: one DB transaction per batch (rows + position), then XACK."""

from __future__ import annotations

import asyncio

import structlog
from redis.asyncio import Redis

from schemas import ItemNormalized
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, Failures, PermanentError, decode_event
from services.store.database import Database

log = structlog.get_logger()


def decode_item(entry: Entry) -> ItemNormalized:
    return decode_event(entry, ItemNormalized)


def stored_form(entry: Entry) -> tuple[str, ItemNormalized, str]:
    """What the database applies: the stream id, the event, and its JSON exactly as logged."""
    return entry.id, decode_item(entry), entry.fields[EVENT_FIELD]


class StoreStage:
    def __init__(self, redis: Redis, db: Database, stream: str, group: str) -> None:
        self.redis = redis
        self.db = db
        self.stream = stream
        self.group = group

    async def handle(self, entries: list[Entry]) -> Failures:
        failures: Failures = {}
        decoded: list[tuple[str, ItemNormalized, str]] = []
        for entry in entries:
            try:
                decoded.append(stored_form(entry))
            except PermanentError as exc:
                failures[entry.id] = exc
        if decoded:
            # The database call blocks: run it off the event loop so the API stays responsive.
            applied = await asyncio.to_thread(self.db.apply_batch, decoded, self.stream)
            await self.redis.xack(self.stream, self.group, *[stored[0] for stored in decoded])
            log.debug("batch stored", written=applied.written, unchanged=applied.unchanged, stale=applied.stale)
        return failures
