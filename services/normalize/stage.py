"""Consumes wirelog:raw, emits wirelog:normalized: normalises raw entries and commits their items with the ack."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from redis.asyncio import Redis

from services.common.eventlog import REDIS_ERRORS, Entry, Failures
from services.common.settings import Partition
from services.normalize.log_writer import NormalizedLog
from services.normalize.workers import Normalized, NormalizerLike, NormalizerPool

log = structlog.get_logger()

Clock = Callable[[], datetime]


def as_pool(normalizer: NormalizerLike | NormalizerPool) -> NormalizerPool:
    """A pool as given, or a pool normalising with this normaliser in this process (on the event loop's thread)."""
    return normalizer if isinstance(normalizer, NormalizerPool) else NormalizerPool(normalizer)


def _ids(entry: Entry, items: list[Normalized]) -> dict[str, str]:
    ids = {"entry_id": entry.id}
    if items:
        ids["bulletin_id"] = items[0][0].rpartition(":")[0]  # item ids are '<bulletin id>:<position>'
    return ids


class NormalizeStage:
    def __init__(
        self,
        redis: Redis,
        partition: Partition,
        group: str,
        normalizer: NormalizerLike | NormalizerPool,
        clock: Clock | None = None,
    ) -> None:
        self.redis = redis
        self.group = group
        self.pool = as_pool(normalizer)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.output = NormalizedLog(redis, partition)
        # Bound once: resolving structlog's lazy proxy on every call costs more than the call when filtered out.
        self.log = log.bind(stage="normalize")

    async def handle(self, entries: list[Entry]) -> Failures:
        """Each run of the batch is committed, with its acks, as soon as it is normalised, in log order. A run that
        could not be normalised at all fails its own entries only; the runs committed before it stay committed."""
        failures: Failures = {}
        committed, last_id = 0, ""
        per_bulletin = self.log.is_enabled_for(logging.DEBUG)  # else its arguments are built for nothing
        runs = self.pool.submit(entries, self.clock())
        try:
            for run, pending in runs:
                try:
                    outcomes = await pending
                except Exception as exc:  # the pool itself failed (closed while stopping, a bug): retry the run
                    failures.update((entry.id, exc) for entry in run)
                    continue
                done: list[tuple[Entry, list[Normalized]]] = []
                for entry, outcome in zip(run, outcomes, strict=True):
                    if isinstance(outcome, Exception):
                        failures[entry.id] = outcome
                    else:
                        done.append((entry, outcome))
                try:
                    replies = await self.output.commit([(entry.id, items) for entry, items in done], self.group)
                except REDIS_ERRORS:
                    raise  # the loop reconnects; what is not committed stays pending and comes back
                except Exception as exc:  # noqa: BLE001 - this run is retried; the runs before it stay committed
                    failures.update((entry.id, exc) for entry, _ in done)
                    continue
                for (entry, items), (written, unchanged) in zip(done, replies, strict=True):
                    if written == -1:
                        self.log.info("entry already processed elsewhere", **_ids(entry, items))
                    elif per_bulletin:
                        self.log.debug("bulletin normalized", **_ids(entry, items), items_written=written,
                                       items_unchanged=unchanged)
                committed += len(done)
                last_id = done[-1][0].id if done else last_id
        finally:
            # Left by a Redis error: the runs not yet committed are dropped (their entries stay pending and come back)
            # and waited for, so none of their errors goes unseen (a run already in a worker still finishes there).
            for _, pending in runs:
                pending.cancel()
            await asyncio.gather(*(pending for _, pending in runs), return_exceptions=True)
        if committed:
            self.log.info("batch normalized", entries=committed, failed=len(failures), last_entry_id=last_id)
        return failures
