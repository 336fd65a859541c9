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
Done = tuple[Entry, list[Normalized]]  # an entry normalised, with its items


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
        """Each run of the batch is committed, with its acks, as soon as it is normalised, in log order; while a
        commit is under way the next run is normalised (or waited for), and it is sent only once the one before it
        has answered. A run that could not be normalised at all, or whose commit failed, fails its own entries
        only; the runs committed before it stay committed."""
        failures: Failures = {}
        committed: list[Entry] = []
        recorded_at = self.clock()
        started: list[asyncio.Future] = []
        in_flight: tuple[list[Done], asyncio.Future] | None = None
        try:
            for part in self.pool.parts(entries):
                runs = self.pool.submit(part, recorded_at)
                started += [pending for _, pending in runs]
                for run, pending in runs:
                    try:
                        outcomes = await pending
                    except Exception as exc:  # the pool itself failed (closed while stopping, a bug): retry the run
                        failures.update((entry.id, exc) for entry in run)
                        continue
                    done: list[Done] = []
                    for entry, outcome in zip(run, outcomes, strict=True):
                        if isinstance(outcome, Exception):
                            failures[entry.id] = outcome
                        else:
                            done.append((entry, outcome))
                    if in_flight is not None:
                        committed += await self._settle(*in_flight, failures)
                        in_flight = None
                    if done:
                        batch = [(entry.id, items) for entry, items in done]
                        in_flight = (done, asyncio.ensure_future(self.output.commit(batch, self.group)))
            if in_flight is not None:
                committed += await self._settle(*in_flight, failures)
                in_flight = None
        finally:
            # Left by a Redis error: the runs not yet committed are dropped (their entries stay pending and come back)
            # and waited for, so none of their errors goes unseen (a run already in a worker still finishes there).
            # A commit still under way is waited for too (it may have been carried out: commits are idempotent).
            for pending in started:
                pending.cancel()
            if in_flight is not None:
                started.append(in_flight[1])
            await asyncio.gather(*started, return_exceptions=True)
        if committed:
            self.log.info("batch normalized", entries=len(committed), failed=len(failures),
                          last_entry_id=committed[-1].id)
        return failures

    async def _settle(self, done: list[Done], commit: asyncio.Future, failures: Failures) -> list[Entry]:
        """The entries one commit wrote, once it answers; if it failed, its entries are failed (to be retried)."""
        try:
            replies = await commit
        except REDIS_ERRORS:
            raise  # the loop reconnects; what is not committed stays pending and comes back
        except Exception as exc:  # noqa: BLE001 - this run is retried; the runs before it stay committed
            failures.update((entry.id, exc) for entry, _ in done)
            return []
        per_bulletin = self.log.is_enabled_for(logging.DEBUG)  # else its arguments are built for nothing
        for (entry, items), (written, unchanged) in zip(done, replies, strict=True):
            if written == -1:
                self.log.info("entry already processed elsewhere", **_ids(entry, items))
            elif per_bulletin:
                self.log.debug("bulletin normalized", **_ids(entry, items), items_written=written,
                               items_unchanged=unchanged)
        return [entry for entry, _ in done]
