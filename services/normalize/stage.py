"""Consumes wirelog:raw, emits wirelog:normalized: decodes raw entries and commits their items with the ack."""

from __future__ import annotations

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


class NormalizeStage:
    def __init__(
        self, redis: Redis, partition: Partition, group: str, normalizer: Normalizer, clock: Clock | None = None
    ) -> None:
        self.redis = redis
        self.group = group
        self.normalizer = normalizer
        self.clock = clock or (lambda: datetime.now(UTC))
        self.output = NormalizedLog(redis, partition)

    async def handle(self, entries: list[Entry]) -> Failures:
        failures: Failures = {}
        done: list[tuple[Entry, list[ItemNormalized]]] = []
        for entry in entries:
            try:
                done.append((entry, normalize_entry(entry, self.normalizer, self.clock)))
            except Exception as exc:  # one bad bulletin never holds up the others
                failures[entry.id] = exc
        replies = await self.output.commit([(entry.id, events) for entry, events in done], self.group)
        for (entry, events), (written, unchanged) in zip(done, replies, strict=True):
            ids = {"entry_id": entry.id}
            if events:
                ids.update(event_id=events[0].causation_id, bulletin_id=events[0].correlation_id)
            if written == -1:
                log.info("entry already processed elsewhere", **ids)
            else:
                log.debug("bulletin normalized", **ids, items_written=written, items_unchanged=unchanged)
        if done:
            log.info("batch normalized", entries=len(done), failed=len(failures), last_entry_id=done[-1][0].id)
        return failures
