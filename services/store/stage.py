"""Consumes wirelog:normalized into the read model: one DB transaction per batch (rows + position), then XACK."""

from __future__ import annotations

import asyncio

import structlog
from redis.asyncio import Redis

from schemas import ItemNormalized
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, Failures, PermanentError, Unavailable, decode_event
from services.store.database import REFUSED, Database, database_down
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
        """One transaction for the batch. A database that is down stops the batch whole (the loop retries it as it
        is, counting no delivery); an event the database refuses fails alone (dead-lettered with the reason)."""
        failures: Failures = {}
        decoded: list[tuple[str, StoredItem]] = []
        for entry in entries:
            try:
                decoded.append(stored_form(entry))
            except Exception as exc:  # noqa: BLE001 - PermanentError: dead letter; anything else is retried
                failures[entry.id] = exc
        if not decoded:
            return failures
        try:
            # The database call blocks: run it off the event loop so the API stays responsive.
            try:
                applied = await asyncio.to_thread(self.db.apply_batch, decoded, self.stream)
            except REFUSED:
                applied, refused = await asyncio.to_thread(self.db.apply_batch_each, decoded, self.stream)
                for stream_id, reason in refused.items():
                    failures[stream_id] = PermanentError(f"the store database refused the event: {reason}")
                decoded = [pair for pair in decoded if pair[0] not in refused]
        except Exception as exc:
            if not database_down(exc):
                raise
            raise Unavailable(f"store database: {str(exc).strip().splitlines()[0][:300]}") from exc
        if decoded:
            await self.redis.xack(self.stream, self.group, *[stored[0] for stored in decoded])
        log.debug("batch stored", written=applied.written, unchanged=applied.unchanged, stale=applied.stale)
        return failures
