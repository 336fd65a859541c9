"""Consumes wirelog:normalized into the read model: one DB transaction per batch (rows + position), then XACK."""

from __future__ import annotations

import asyncio

import structlog
from redis.asyncio import Redis

from schemas import ItemNormalized
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, Failures, PermanentError, decode_event
from services.store.database import Database
from services.store.rows import StoredItem, from_model, read_logged

log = structlog.get_logger()


def decode_item(entry: Entry) -> ItemNormalized:
    return decode_event(entry, ItemNormalized)


def stored_form(entry: Entry) -> tuple[str, StoredItem]:
    """What the database applies: the stream id and the event's rows, its JSON kept exactly as logged.

    An event in the current schema's shape is read straight from its JSON; any other goes through the model,
    which upcasts an older version or raises PermanentError (dead letter, with the reason) for a malformed one.
    """
    raw = entry.fields.get(EVENT_FIELD)
    stored = read_logged(raw) if raw is not None else None
    return entry.id, stored if stored is not None else from_model(decode_item(entry), raw)


class StoreStage:
    def __init__(self, redis: Redis, db: Database, stream: str, group: str) -> None:
        self.redis = redis
        self.db = db
        self.stream = stream
        self.group = group

    async def handle(self, entries: list[Entry]) -> Failures:
        failures: Failures = {}
        decoded: list[tuple[str, StoredItem]] = []
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
