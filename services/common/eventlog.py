"""Event-log primitives shared by every stage: entry encoding, groups, and the consume/reclaim/dead-letter loop.

Delivery is at-least-once; each stage makes the effect exactly-once by committing its output and the ack
atomically (see the stage handlers). FastStream's own stream subscriber is not used for consumption: in 0.7
it stops for good on NOGROUP, acks outside the handler's transaction and has no delivery cap.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from schemas.streams import EVENT_FIELD
from schemas.upcast import NewerSchemaVersion, UnknownSchemaVersion, upcast
from services.common import metrics
from services.common.assignment import Assignment

log = structlog.get_logger()


def encode(event: BaseModel) -> dict[str, str]:
    return {EVENT_FIELD: event.model_dump_json()}


@dataclass(frozen=True)
class Entry:
    id: str
    fields: dict[str, str]

    def event(self) -> dict[str, Any]:
        raw = self.fields.get(EVENT_FIELD)
        if raw is None:
            raise PermanentError(f"entry has no '{EVENT_FIELD}' field")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PermanentError(f"'{EVENT_FIELD}' is not JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise PermanentError(f"'{EVENT_FIELD}' is not a JSON object")
        return value


_STREAM_ID = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")
MAX_ID_PART = 2**64 - 1  # a stream id is two unsigned 64-bit numbers


def is_stream_id(value: str) -> bool:
    """A whole stream id Redis takes ('1700000000000-0'): ASCII digits, each part within 64 bits."""
    return bool(_STREAM_ID.fullmatch(value)) and all(int(part) <= MAX_ID_PART for part in value.split("-"))


class PermanentError(Exception):
    """An entry that can never succeed (undecodable, invalid): dead-lettered at once, not retried."""


class Unavailable(Exception):
    """Something the handler needs is down (the store's database): nothing is wrong with the entries. The loop
    retries the same batch after a pause, counting no delivery, so an outage never dead-letters good entries."""


class NewerVersion(Exception):
    """An event written by a newer version of its schema than this reader knows (a rolling upgrade): retried,
    so that an upgraded worker takes it; dead-lettered with this reason only after every delivery."""


EventT = TypeVar("EventT", bound=BaseModel)


def decode_event(entry: Entry, model: type[EventT]) -> EventT:
    """The entry's event as `model`, upcast from an older schema version when needed."""
    raw = entry.fields.get(EVENT_FIELD)
    if raw is not None:
        try:  # the current version parsed straight from JSON: several times faster than via a dict
            return model.model_validate_json(raw)
        except ValidationError:
            pass  # an older version to upcast, or invalid: the slow path says which
    try:
        return model.model_validate(upcast(entry.event()))
    except NewerSchemaVersion as exc:
        raise NewerVersion(str(exc)) from exc
    except (ValidationError, UnknownSchemaVersion) as exc:
        raise PermanentError(f"not a valid {model.__name__}: {exc}") from exc


# Errors of the connection or the server: a handler lets them through, and the loop reconnects and carries on.
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, ResponseError)

# Result of a handler for a batch: entry id -> the error of each entry that failed (the rest were acked).
Failures = dict[str, Exception]
Handler = Callable[[list[Entry]], Awaitable[Failures]]


async def ensure_group(redis: Redis, stream: str, group: str) -> bool:
    """Create the group at 0 (not $) so a new group consumes the backlog. True when it was created."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
        return True
    except ResponseError as exc:
        if "BUSYGROUP" in str(exc):
            return False
        raise


_DEAD_LETTER = """
local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
local event = ''
if #entry > 0 then
  local fields = entry[1][2]
  for i = 1, #fields, 2 do if fields[i] == ARGV[7] then event = fields[i + 1] end end
end
redis.call('XADD', KEYS[2], '*', 'event', event, 'stage', ARGV[3], 'error', ARGV[4], 'attempts', ARGV[5],
  'original_id', ARGV[2], 'stream', KEYS[1], 'group', ARGV[1], 'failed_at', ARGV[6])
redis.call('HDEL', KEYS[3], ARGV[2])
return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
"""


@dataclass
class StageLoop:
    """Reads a stream through a consumer group and feeds batches to a handler, forever, surviving Redis trouble.

    - on start: the group is created at 0; this consumer's own pending entries (a previous life) come first;
    - with an assignment (competing workers), the loop consumes only while its worker owns the partition,
      and on gaining it first takes over what the previous owner left pending;
    - new entries with XREADGROUP '>' in batches; while a full batch is handled the next one is read, and given
      back (left pending, its delivery taken back) if the loop stops or hands the partition over first;
    - entries another consumer left pending are reclaimed once idle for `claim_idle_ms`, the wait doubling
      with each delivery (backoff); after `max_deliveries` deliveries, or at once for a PermanentError,
      the entry moves to the dead-letter stream with its last error, atomically with its ack;
    - NOGROUP (Redis lost its data) recreates the group; connection errors and other server errors (READONLY
      after a failover, OOM) retry with backoff: nothing ends the loop but `stop`;
    - a handler that raises `Unavailable` (the store's database is down) gets the same batch again after a
      pause, counting no delivery; stopped or moved to another worker meanwhile, the batch is left pending
      with the delivery taken back.
    """

    redis: Redis
    stream: str
    group: str
    consumer: str
    stage: str
    dead_letter_stream: str
    errors_key: str
    handler: Handler
    batch_size: int = 100
    block_ms: int = 1000
    claim_idle_ms: int = 30_000
    max_deliveries: int = 5
    backoff_max_ms: int = 300_000
    partition: int = 0
    assignment: Assignment | None = None  # None: this loop always consumes (one worker, or a test)
    read_ahead: bool = True  # read the next batch while a full one is handled

    def __post_init__(self) -> None:
        self._stopping = asyncio.Event()
        self._ahead: asyncio.Future | None = None  # the next batch, read while this one is handled
        self._untried: list[asyncio.Future] = []  # batches read ahead when an error struck, to be given back
        self._dead_letter = self.redis.register_script(_DEAD_LETTER)
        self._next_claim = 0.0
        self.processed = 0
        self.log = log.bind(stage=self.stage, stream=self.stream, consumer=self.consumer)
        self._latency = metrics.STAGE_LATENCY.labels(self.stage)

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            await self._give_back_ahead(uncount=True)
            while self._untried:
                await self._give_back(self._untried.pop(), uncount=True)

    async def _run(self) -> None:
        delay = 0.1
        while not self._stopping.is_set():
            try:
                await self._setup()
                owned = False
                while not self._stopping.is_set():
                    if not await self._owned():
                        await self._give_back_ahead(uncount=False)  # a lease lost: not ours to touch
                        owned = False
                        await self._sleep(min(self.block_ms / 1000, 0.2))
                        continue
                    if not owned:  # just started, reconnected or given this partition: earlier work comes first
                        await self.take_over()
                        owned = True
                    # Each step only while the partition is still this loop's: a batch held back for an
                    # unavailable database may have ended because it must be handed over.
                    if self._may_go_on():
                        await self._reclaim_if_due()
                    if self._may_go_on():
                        await self._read_new()
                    delay = 0.1
            except ResponseError as exc:
                self._forget_ahead()
                if "NOGROUP" in str(exc):
                    self.log.warning("consumer group missing, recreating it", group=self.group)
                    continue
                # READONLY after a failover, OOM, MISCONF, a cluster slot moving: the server may answer again
                self.log.warning("redis refused a command, retrying", error=str(exc), retry_in_s=delay)
                await self._sleep(delay)
                delay = min(delay * 2, 5.0)
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                self._forget_ahead()
                self.log.warning("redis unavailable, retrying", error=str(exc), retry_in_s=delay)
                await self._sleep(delay)
                delay = min(delay * 2, 5.0)
            except Exception:  # anything else (a client bug, a broken connection): never stop consuming for good
                self._forget_ahead()
                self.log.exception("stage loop failed, restarting it", retry_in_s=delay)
                await self._sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def _setup(self) -> None:
        if await ensure_group(self.redis, self.stream, self.group):
            self.log.info("consumer group created at 0", group=self.group)
        while self._untried:  # before this consumer's pending entries are taken up again, those never tried
            await self._give_back(self._untried.pop(), uncount=True)

    async def _owned(self) -> bool:
        """Between batches: give the partition up if asked to, and say whether this loop consumes it now."""
        if self.assignment is None:
            return True
        if self.assignment.must_release(self.partition):
            await self._give_back_ahead(uncount=True)  # still this loop's lease: the delivery is taken back
            await self.assignment.release(self.partition)
        return self.assignment.owns(self.partition)

    async def take_over(self) -> None:
        """Make every entry other consumers left pending this consumer's, then process them, oldest first.

        Only the partition's owner runs this (or the only consumer), so nobody else is working on them: they
        belong to a worker that died or gave the partition up. Entries delivered too often are dead-lettered.
        Without an assignment other consumers may be alive: only this consumer's own entries are taken up.
        """
        if self.assignment is None:
            await self._drain_own_pending()
            return
        cursor = "-"
        while pending := await self.redis.xpending_range(self.stream, self.group, min=cursor, max="+", count=500):
            theirs = []
            for entry in pending:
                if entry["consumer"] == self.consumer:
                    continue
                if entry["times_delivered"] >= self.max_deliveries:
                    error = await self.redis.hget(self.errors_key, entry["message_id"]) or "consumer died while processing"
                    await self._move_to_dead_letters(entry["message_id"], error, attempts=entry["times_delivered"])
                else:
                    theirs.append(entry["message_id"])
            if theirs:
                await self.redis.xclaim(self.stream, self.group, self.consumer, 0, theirs, justid=True)
                self.log.info("took over pending entries", count=len(theirs))
            cursor = "(" + pending[-1]["message_id"]
        await self._drain_own_pending()
        await self._forget_idle_consumers()

    async def _forget_idle_consumers(self) -> None:
        """Consumers with nothing pending that have not read for a day are workers long gone: drop their names."""
        for consumer in await self.redis.xinfo_consumers(self.stream, self.group):
            if consumer["name"] != self.consumer and not consumer["pending"] and consumer["idle"] > 86_400_000:
                await self.redis.xgroup_delconsumer(self.stream, self.group, consumer["name"])

    async def _drain_own_pending(self) -> None:
        """Entries this consumer read but did not ack before it stopped or crashed. One delivered too often is
        dead-lettered first: with a stable consumer name (WIRELOG_REPLICA), an entry that kills the process
        would otherwise come back to it forever."""
        await self._dead_letter_own_exhausted()
        last = "0"
        while self._may_go_on():
            reply = await self.redis.xreadgroup(self.group, self.consumer, {self.stream: last}, count=self.batch_size)
            entries = _entries(reply)
            if not entries:
                return
            await self._handle(entries, redelivered=True)
            last = entries[-1].id

    async def _dead_letter_own_exhausted(self) -> None:
        cursor = "-"
        while pending := await self.redis.xpending_range(
            self.stream, self.group, min=cursor, max="+", count=500, consumername=self.consumer
        ):
            for entry in pending:
                if entry["times_delivered"] >= self.max_deliveries:
                    error = await self.redis.hget(self.errors_key, entry["message_id"]) or "consumer died while processing"
                    await self._move_to_dead_letters(entry["message_id"], error, attempts=entry["times_delivered"])
            cursor = "(" + pending[-1]["message_id"]

    async def _read_new(self) -> None:
        """A batch of new entries, handled. While a full batch is handled the next one is read (a backlog: the read
        costs the handler nothing and the batch is there when it is done)."""
        entries: list[Entry] = []
        if self._ahead is not None:
            ahead, self._ahead = self._ahead, None
            entries = _entries(await ahead)
        if not entries:
            entries = _entries(await self.redis.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=self.batch_size, block=self.block_ms
            ))
        if not entries:
            return
        if len(entries) == self.batch_size and self.read_ahead:
            self._ahead = asyncio.ensure_future(
                self.redis.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count=self.batch_size)
            )
        await self._handle(entries)

    def _forget_ahead(self) -> None:
        """After an error: the batch read ahead, if it was read, waits in this consumer's pending entries, which the
        loop takes up first when it starts again, once `_setup` has taken back the delivery it never tried."""
        if self._ahead is not None:
            self._untried.append(self._ahead)
            self._ahead = None

    async def _give_back_ahead(self, uncount: bool) -> None:
        """Stopping, or the partition gone to another worker: the batch read ahead is left pending for whoever
        takes it up (this consumer when it starts again, or the partition's new owner), with its delivery taken
        back when the partition is still this loop's (`uncount`), since nothing was tried."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            await self._give_back(ahead, uncount)

    async def _give_back(self, read: asyncio.Future, uncount: bool) -> None:
        try:
            entries = _entries(await read)
        except Exception:  # noqa: BLE001 - the read failed: it handed this consumer nothing it could name
            return
        if not entries or not uncount or (self.assignment is not None and not self.assignment.holds(self.partition)):
            return
        try:
            await self._uncount(entries)
        except Exception as exc:  # noqa: BLE001 - best effort: the entries stay pending, one delivery counted
            self.log.warning("could not take back the delivery of a batch read ahead", error=_describe(exc))

    async def _ahead_ids(self) -> set[str]:
        """Ids of the batch read ahead: pending for this consumer, not yet tried."""
        return {entry.id for entry in _entries(await self._ahead)} if self._ahead is not None else set()

    async def _handle(self, entries: list[Entry], redelivered: bool = False) -> None:
        """`redelivered`: the entries may have failed before (reclaimed, or this consumer's own pending ones), so
        the reasons kept for them are dropped once they succeed."""
        started = time.perf_counter()
        delay, waiting = 0.1, False
        try:
            while True:
                try:
                    failures = await self.handler(entries)
                    break
                except REDIS_ERRORS:
                    raise
                except Unavailable as exc:  # the same batch again after a pause; it stays pending meanwhile
                    if not waiting:
                        waiting = True
                        metrics.WAITING.labels(self.stage).inc()
                    self.log.warning("batch waits for an unavailable dependency", error=str(exc), retry_in_s=delay)
                    await self._sleep(delay)
                    delay = min(delay * 2, 5.0)
                    if not self._may_go_on():
                        # Left pending for whoever takes it up next (this consumer's next start, or the partition's
                        # next owner), without this delivery counted: the outage was not the entries' fault. A
                        # lease already lost is not ours to touch: the new owner may hold the entries by now.
                        if self.assignment is None or self.assignment.holds(self.partition):
                            await self._uncount(entries)
                        return
                except Exception as exc:  # the handler could not even report per entry: every entry failed
                    self.log.exception("batch failed", entries=len(entries))
                    failures = {entry.id: exc for entry in entries}
                    break
        finally:
            if waiting:
                metrics.WAITING.labels(self.stage).dec()
        self.processed += len(entries) - len(failures)
        now = time.time()
        metrics.BATCH_SECONDS.labels(self.stage).observe(time.perf_counter() - started)
        # A delivery is done or failed (to be retried); a permanent failure is counted below as dead_lettered only.
        permanent = sum(isinstance(error, PermanentError) for error in failures.values())
        metrics.ENTRIES_PROCESSED.labels(self.stage, "done").inc(len(entries) - len(failures))
        metrics.ENTRIES_PROCESSED.labels(self.stage, "failed").inc(len(failures) - permanent)
        for entry in entries:
            if entry.id not in failures:
                self._latency.observe(metrics.entry_age_seconds(entry.id, now))
        for entry_id, error in failures.items():
            if isinstance(error, PermanentError):
                await self._move_to_dead_letters(entry_id, error, attempts=1)
            else:
                self.log.warning("entry failed, will retry", entry_id=entry_id, error=_describe(error))
                await self.redis.hset(self.errors_key, entry_id, _describe(error))
        if redelivered and (succeeded := [entry.id for entry in entries if entry.id not in failures]):
            await self.redis.hdel(self.errors_key, *succeeded)

    def _may_go_on(self) -> bool:
        """Not stopping, and the partition still this loop's to consume (owned, and not to be handed over)."""
        if self._stopping.is_set():
            return False
        if self.assignment is None:
            return True
        return self.assignment.owns(self.partition) and not self.assignment.must_release(self.partition)

    async def _uncount(self, entries: list[Entry]) -> None:
        """Take back the delivery these entries got: the next read of them counts it again (XCLAIM with
        RETRYCOUNT and JUSTID sets the count and adds none)."""
        wanted = {entry.id for entry in entries}
        by_count: dict[int, list[str]] = {}
        idle_ms: list[int] = []
        cursor = entries[0].id
        while wanted and (pending := await self.redis.xpending_range(
            self.stream, self.group, min=cursor, max=entries[-1].id, count=500, consumername=self.consumer
        )):
            for entry in pending:
                if entry["message_id"] in wanted:
                    wanted.discard(entry["message_id"])
                    by_count.setdefault(max(entry["times_delivered"] - 1, 0), []).append(entry["message_id"])
                    idle_ms.append(entry["time_since_delivered"])
            cursor = "(" + pending[-1]["message_id"]
        # At least as idle as they were just now: an entry another consumer claimed meanwhile is skipped.
        least_idle = min(idle_ms, default=0)
        for count, ids in by_count.items():
            await self.redis.xclaim(
                self.stream, self.group, self.consumer, least_idle, ids, retrycount=count, justid=True
            )

    def _backoff_ms(self, deliveries: int) -> int:
        return min(self.claim_idle_ms * 2 ** max(deliveries - 1, 0), self.backoff_max_ms)

    async def _reclaim_if_due(self) -> None:
        now = time.monotonic()
        if now < self._next_claim:
            return
        self._next_claim = now + min(max(self.claim_idle_ms / 2000, 0.05), 5.0)
        pending = await self.redis.xpending_range(
            self.stream, self.group, min="-", max="+", count=self.batch_size, idle=self.claim_idle_ms
        )
        ahead = await self._ahead_ids() if pending else set()
        to_claim = []
        for entry in pending:
            if entry["message_id"] in ahead:
                continue  # read ahead while a long batch was handled: next in line, not abandoned
            deliveries = entry["times_delivered"]
            if deliveries >= self.max_deliveries:
                error = await self.redis.hget(self.errors_key, entry["message_id"]) or "consumer died while processing"
                await self._move_to_dead_letters(entry["message_id"], error, attempts=deliveries)
            elif entry["time_since_delivered"] >= self._backoff_ms(deliveries):
                to_claim.append(entry["message_id"])
        if not to_claim:
            return
        claimed = await self.redis.xclaim(self.stream, self.group, self.consumer, self.claim_idle_ms, to_claim)
        entries = [Entry(entry_id, fields or {}) for entry_id, fields in claimed if fields is not None]
        gone = set(to_claim) - {entry.id for entry in entries} - {entry_id for entry_id, _ in claimed}
        if gone:  # deleted from the stream meanwhile: nothing left to process
            await self.redis.xack(self.stream, self.group, *gone)
        if entries:
            self.log.info("reclaimed pending entries", count=len(entries))
            await self._handle(entries, redelivered=True)

    async def _move_to_dead_letters(self, entry_id: str, error: Exception | str, attempts: int) -> None:
        reason = error if isinstance(error, str) else _describe(error)
        await self._dead_letter(
            keys=[self.stream, self.dead_letter_stream, self.errors_key],
            args=[self.group, entry_id, self.stage, reason, attempts, _utc_now(), "event"],
        )
        metrics.ENTRIES_PROCESSED.labels(self.stage, "dead_lettered").inc()
        self.log.error("entry dead-lettered", entry_id=entry_id, error=reason, attempts=attempts)


def _entries(reply: Any) -> list[Entry]:
    if not reply:
        return []
    if isinstance(reply, dict):  # RESP3 clients answer with a mapping
        batches = list(reply.values())
        return [Entry(entry_id, fields or {}) for batch in batches for entry_id, fields in batch[0]]
    return [Entry(entry_id, fields or {}) for _stream, batch in reply for entry_id, fields in batch]


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()
