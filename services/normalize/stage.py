"""Consumes wirelog:raw, emits wirelog:normalized: decodes raw entries and commits their items with the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from redis.asyncio import Redis

from schemas import BulletinReceived, ItemNormalized
from services.common.eventlog import Entry, Failures, decode_event
from services.common.settings import Partition
from services.normalize.log_writer import NormalizedLog
from services.normalize.normalizer import Normalizer

log = structlog.get_logger()

Clock = Callable[[], datetime]


def decode_bulletin(entry: Entry) -> BulletinReceived:
    return decode_event(entry, BulletinReceived)


def normalize_entry(entry: Entry, normalizer: Normalizer, clock: Clock) -> list[ItemNormalized]:
    """The pure part, shared by the live stage and replay."""
    return normalizer.normalize(decode_bulletin(entry), recorded_at=clock())


def _ids(entry: Entry, events: list[ItemNormalized]) -> dict[str, str]:
    ids = {"entry_id": entry.id}
    if events:
        ids.update(event_id=events[0].causation_id, bulletin_id=events[0].correlation_id)
    return ids


class NormalizeStage:
    def __init__(
        self, redis: Redis, partition: Partition, group: str, normalizer: Normalizer, clock: Clock | None = None
    ) -> None:
        self.redis = redis
        self.group = group
        self.normalizer = normalizer
        self.clock = clock or (lambda: datetime.now(UTC))
        self.output = NormalizedLog(redis, partition)
        # Bound once: resolving structlog's lazy proxy on every call costs more than the call when filtered out.
        self.log = log.bind(stage="normalize")

    async def handle(self, entries: list[Entry]) -> Failures:
        failures: Failures = {}
        done: list[tuple[Entry, list[ItemNormalized]]] = []
        for entry in entries:
            try:
                done.append((entry, normalize_entry(entry, self.normalizer, self.clock)))
            except Exception as exc:  # one bad bulletin never holds up the others
                failures[entry.id] = exc
        replies = await self.output.commit([(entry.id, events) for entry, events in done], self.group)
        per_bulletin = self.log.is_enabled_for(logging.DEBUG)  # else its arguments are built for nothing
        for (entry, events), (written, unchanged) in zip(done, replies, strict=True):
            if written == -1:
                self.log.info("entry already processed elsewhere", **_ids(entry, events))
            elif per_bulletin:
                ids = _ids(entry, events)
                self.log.debug("bulletin normalized", **ids, items_written=written, items_unchanged=unchanged)
        if done:
            self.log.info("batch normalized", entries=len(done), failed=len(failures), last_entry_id=done[-1][0].id)
        return failures
