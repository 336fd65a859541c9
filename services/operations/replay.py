"""`wirelog replay`: re-run a stage over a range of the log with XRANGE, through the same code as the live stage.

normalize: raw entries -> the normaliser -> the same atomic commit as live (minus the ack): an unchanged
item is left out, a new normaliser version writes new revisions.
store --rebuild: the normalised log -> a fresh generation of tables, swapped in atomically at the end, with the
tail read under the write lock so live traffic during the rebuild is not lost.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import marshal
import multiprocessing
import os
import queue
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from redis import Redis
from tqdm import tqdm

from services.common.eventlog import MAX_ID_PART, Entry, NewerVersion, PermanentError
from services.common.redis import async_client, sync_client
from services.common.settings import Partition, Settings


NORMALIZE_BATCH = 500
# Larger commits write each page of the new tables' indexes fewer times: 100,000 events rebuilt 20% faster by 5,000.
REBUILD_BATCH = 5000


def default_processes() -> int:
    """A replay is a batch job: by default it normalises on every core (up to 8)."""
    return min(os.cpu_count() or 1, 8)


_STREAM_ID = re.compile(r"\(?([0-9]{1,20})(?:-([0-9]{1,20}))?")
_MAX_SEQ = MAX_ID_PART


def stream_bound(value: str, end: bool = False) -> str:
    """A stream id as given, or an ISO date/time turned into the stream ids of that millisecond; ValueError for
    anything Redis would not take."""
    if value in ("-", "+"):
        return value
    if found := _STREAM_ID.fullmatch(value):
        if any(int(part) > _MAX_SEQ for part in found.groups() if part):
            raise ValueError(f"{value!r} is past the largest stream id")
        return value
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    ms = int(moment.timestamp() * 1000)
    if ms < 0:
        raise ValueError(f"{value!r} is before 1970, where stream ids start")
    return f"{ms}-{_MAX_SEQ}" if end else f"{ms}-0"


def read_range(redis: Redis, stream: str, start: str, end: str, batch: int) -> Iterator[list[Entry]]:
    """Batches of entries from start to end, inclusive; never through a consumer group."""
    cursor = start
    while True:
        rows = redis.xrange(stream, cursor, end, count=batch)
        if not rows:
            return
        yield [Entry(entry_id, fields) for entry_id, fields in rows]
        cursor = "(" + rows[-1][0]


def progress(total: int, unit: str) -> tqdm:
    return tqdm(total=total or None, unit=unit, dynamic_ncols=True, mininterval=0.5)


def chosen_partitions(settings: Settings, numbers: list[int] | None) -> list[Partition]:
    """The partitions a replay covers: the ones named, else all."""
    streams = settings.streams
    return [streams.partition(n) for n in numbers] if numbers else list(streams.partitions)


async def replay_normalize(
    settings: Settings,
    start: str,
    end: str,
    batch: int,
    resume: bool,
    partitions: list[int] | None = None,
    processes: int = 0,
) -> Counter:
    """Each partition in turn: raw partition n is re-normalised into normalised partition n, which keeps the
    per-source order (a source lives in one partition); partitions are independent, so no global order is needed.
    With `processes`, the normalising is spread over that many worker processes; the commits stay in log order."""
    from services.normalize.normalizer import Normalizer
    from services.normalize.workers import NormalizerPool, keep_out_of_collections

    normalizer = Normalizer(cache_dir=Path(settings.cache_dir) if settings.cache_dir else None)
    keep_out_of_collections()
    pool = NormalizerPool(normalizer, processes, settings.cache_dir)
    pool.start()  # forked before this process opens connections or starts threads
    redis = async_client(settings.redis_url, settings.redis_cluster)
    try:
        chosen = chosen_partitions(settings, partitions)
        everything = (start, end) == ("-", "+")
        total = sum([await redis.xlen(partition.raw) for partition in chosen]) if everything else 0
        bar = progress(total, "bulletin")
        counts: Counter = Counter()
        for partition in chosen:
            counts += await _replay_partition(redis, partition, pool, start, end, batch, resume, bar)
        bar.close()
        return counts
    finally:
        await redis.aclose()
        pool.close()


async def _replay_partition(redis, partition: Partition, pool, start: str, end: str, batch: int, resume: bool, bar) -> Counter:  # noqa: ANN001, E501
    """Reads batch k+1 and commits batch k while the pool normalises batch k+1: the workers never wait for Redis."""
    from services.normalize.log_writer import NormalizedLog

    checkpoint = partition.replay_cursor("normalize")
    if resume:
        if saved := await redis.get(checkpoint):
            start = "(" + saved
        else:
            bar.write(f"{partition.raw}: no checkpoint to resume from; replaying the range as asked")
    output = NormalizedLog(redis, partition)
    counts: Counter = Counter()

    async def commit(rows: list, normalizing: asyncio.Future) -> None:
        commits = []
        for (entry_id, _), outcome in zip(rows, await normalizing, strict=True):
            if isinstance(outcome, PermanentError | NewerVersion):  # this entry's fault, or for a newer version
                counts["failed"] += 1
                bar.write(f"{partition.raw} {entry_id}: not normalised: {outcome}")
            elif isinstance(outcome, Exception):
                # Not a bad entry but a failing normaliser (a bug, a worker that died): stop here, say where;
                # --resume continues from the last committed batch.
                raise RuntimeError(f"normalising raw entry {entry_id} failed: {outcome}") from outcome
            else:
                commits.append(("", outcome))
        for written, unchanged in await output.commit(commits):
            counts["written"] += written
            counts["unchanged"] += unchanged
        counts["read"] += len(rows)
        await redis.set(checkpoint, rows[-1][0])
        bar.update(len(rows))

    in_flight = None  # (rows, their normalisation) of the batch read last, not yet committed
    cursor = start
    try:
        while rows := await redis.xrange(partition.raw, cursor, end, count=batch):
            entries = [Entry(entry_id, fields) for entry_id, fields in rows]
            ready, in_flight = in_flight, (rows, asyncio.ensure_future(pool.run(entries, datetime.now(UTC))))
            if ready is not None:
                await commit(*ready)
            cursor = "(" + rows[-1][0]
        if in_flight is not None:
            ready, in_flight = in_flight, None
            await commit(*ready)
    finally:
        if in_flight is not None:  # stopped by an error: drop the batch in flight, and see it end before the pool closes
            in_flight[1].cancel()
            await asyncio.gather(in_flight[1], return_exceptions=True)
    await redis.delete(checkpoint)
    return counts


def rebuild_store(settings: Settings, batch: int, resume: bool) -> Counter:
    """Every partition into one fresh generation; each stream resumes from its own position. Items never span
    partitions, so the partitions are loaded one after the other and need no global order.

    Another process reads and decodes the next batches while this one writes the rows (`decoded_ahead`)."""
    with _collector_paused():
        return _rebuild(settings, batch, resume)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off: a rebuild makes millions of short-lived objects in batches and no cycles
    worth collecting, and the collector's passes over each batch took a fifth of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rebuild(settings: Settings, batch: int, resume: bool) -> Counter:
    from services.store.database import REFUSED, Database

    streams = [partition.normalized for partition in settings.streams.partitions]
    redis = sync_client(settings.redis_url, settings.redis_cluster)
    db = Database(settings.store_url)
    generation = db.start_rebuild(resume=resume)
    counts: Counter = Counter()

    def apply(conn, decoded: Decoded, stream: str, each: bool = False) -> None:  # noqa: ANN001
        """`each`: every event in a savepoint of its own, the ones the database refuses counted as failed."""
        refused: dict[str, str] = {}
        if each:
            applied, refused = db.apply_each(conn, generation, decoded.items, stream)
        else:
            applied = db.apply(conn, generation, decoded.items, stream)
        for stream_id, reason in refused.items():
            bar.write(f"{stream} {stream_id}: left out, the database refused it: {reason}")
        counts["read"] += decoded.read
        counts["failed"] += decoded.failed + len(refused)
        counts["written"] += applied.written
        counts["unchanged"] += applied.unchanged + applied.stale

    bar = progress(sum(redis.xlen(stream) for stream in streams), "event")
    positions = {stream: db.position(stream, generation) for stream in streams}
    if resume and not any(positions.values()):
        bar.write("no interrupted rebuild to resume; rebuilding from the start")
    starts: dict[str, str] = {}
    for stream in streams:
        position = positions[stream]
        if position:
            bar.update(db.applied_count(stream, generation))
        start = "(" + position if position else "-"
        for decoded in decoded_ahead(settings, stream, start, batch):
            try:
                with db.writer.begin() as conn:
                    apply(conn, decoded, stream)
            except REFUSED:  # an event the database will not take: the batch again, that event left out
                with db.writer.begin() as conn:
                    apply(conn, decoded, stream, each=True)
                gc.collect()  # a caught error's traceback holds its batch in a cycle: freed now, not at the end
            bar.update(decoded.read)
            start = "(" + decoded.last_id
        starts[stream] = start

    def tail(conn) -> None:  # noqa: ANN001
        for stream, start in starts.items():
            for entries in read_range(redis, stream, start, "+", batch):
                apply(conn, decode_stored(entries), stream, each=True)  # under the write lock: never abort here
                bar.update(len(entries))

    db.finish_rebuild(generation, tail)
    bar.close()
    return counts


@dataclass
class Decoded:
    """A batch of the normalised log in the store's form: what was read, what could not be decoded."""

    items: list
    read: int
    failed: int
    last_id: str

    def packed(self) -> tuple[bytes, int, int, str]:
        """For the trip from the reader to the writer (processes of one program, one Python): the rows as marshal
        bytes of plain tuples, a third of pickle's time to write and a little less to read. Done here rather than
        when the queue pickles it, so that a value marshal cannot hold fails the reader instead of vanishing."""
        plain = [(stream_id, tuple(item)) for stream_id, item in self.items]
        return marshal.dumps(plain), self.read, self.failed, self.last_id

    @classmethod
    def unpacked(cls, packed: tuple[bytes, int, int, str]) -> Decoded:
        from services.store.rows import StoredItem

        rows, read, failed, last_id = packed
        items = [(stream_id, StoredItem._make(item)) for stream_id, item in marshal.loads(rows)]  # noqa: S302
        return cls(items, read, failed, last_id)


def decode_stored(entries: list[Entry]) -> Decoded:
    from services.store.stage import stored_form

    items, failed = [], 0
    for entry in entries:
        try:
            items.append(stored_form(entry))
        except (PermanentError, NewerVersion):  # counted as failed: a rebuild never stops on one event
            failed += 1
    return Decoded(items, len(entries), failed, entries[-1].id)


def decoded_ahead(settings: Settings, stream: str, start: str, batch: int, ahead: int = 4) -> Iterator[Decoded]:
    """`read_range` decoded by a process of its own, up to `ahead` batches before they are asked for: decoding is
    pure Python and takes about as long as writing the rows, so the two run side by side on two cores. (A thread
    would share the GIL with the writer, which takes it back after every row SQLite steps: slower than none.)"""
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    ready = context.Queue(maxsize=ahead)
    reader = context.Process(
        target=_read_and_decode,
        args=(settings.redis_url, settings.redis_cluster, stream, start, batch, ready),
        name="rebuild-reader",
        daemon=True,
    )
    reader.start()
    try:
        while True:
            try:
                decoded = ready.get(timeout=1)
            except queue.Empty:
                if not reader.is_alive():
                    raise RuntimeError(f"the process reading {stream} died (exit code {reader.exitcode})") from None
                continue
            if decoded is None:
                return
            if isinstance(decoded, BaseException):
                raise decoded
            yield Decoded.unpacked(decoded)
    finally:
        reader.terminate()
        reader.join()
        ready.close()


def _read_and_decode(redis_url: str, cluster: bool | None, stream: str, start: str, batch: int, ready) -> None:  # noqa: ANN001
    # The reader's objects live for one batch and form no cycles; the collector's passes over them took a fifth
    # of its time.
    gc.disable()
    try:
        redis = sync_client(redis_url, cluster)  # its own connection: a forked one would be shared with the parent
        for entries in read_range(redis, stream, start, "+", batch):
            ready.put(decode_stored(entries).packed())
        ready.put(None)
    except Exception as exc:  # noqa: BLE001 - raised in the parent, which stops the rebuild (it can --resume)
        ready.put(RuntimeError(f"reading {stream} failed: {type(exc).__name__}: {exc}"))


def _checked(settings: Settings, args: argparse.Namespace) -> tuple[str, str]:
    """Everything an operator can get wrong, before anything is loaded: the partition count, the partitions named,
    the bounds. Raises ValueError (or PartitionMismatch) with the reason."""
    from services.operations.partitions import verify_partition_count

    async def verify() -> None:
        redis = async_client(settings.redis_url, settings.redis_cluster)
        try:
            await verify_partition_count(redis, settings.streams)
        finally:
            await redis.aclose()

    asyncio.run(verify())
    chosen_partitions(settings, args.partition)
    bounds = []
    for option, value, end in (("--from", args.start, False), ("--to", args.end, True)):
        try:
            bounds.append(stream_bound(value, end=end))
        except ValueError as exc:
            reason = str(exc) if "stream id" in str(exc) else "expected a stream id (1700000000000-0) or an ISO time"
            raise ValueError(f"{option} {value!r}: {reason}") from None
    return bounds[0], bounds[1]


def command(settings: Settings, args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    try:
        bounds = _checked(settings, args)
    except ValueError as exc:
        print(f"replay {args.stage}: {exc}", file=sys.stderr)
        return 2
    if args.stage == "normalize":
        batch = args.batch or NORMALIZE_BATCH
        counts = asyncio.run(replay_normalize(settings, *bounds, batch, args.resume, args.partition, args.processes))
    elif args.rebuild:
        counts = rebuild_store(settings, args.batch or REBUILD_BATCH, args.resume)
    else:
        print("replay store needs --rebuild (the store is rebuilt from the normalised log into fresh tables)")
        return 2
    seconds = (datetime.now(UTC) - started).total_seconds()
    rate = counts["read"] / seconds if seconds else 0.0
    print(
        f"replay {args.stage}: read {counts['read']}, written {counts['written']}, unchanged {counts['unchanged']}, "
        f"failed {counts['failed']} in {seconds:.1f}s ({rate:.0f}/s)"
    )
    return 1 if counts["failed"] else 0
