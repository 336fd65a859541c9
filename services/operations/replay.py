"""`wirelog replay`: re-run a stage over a range of the log with XRANGE, through the same code as the live stage.

normalize: raw entries -> the normaliser -> the same atomic commit as live (minus the ack): an unchanged
item is left out, a new normaliser version writes new revisions.
store --rebuild: the normalised log -> a fresh generation of tables, swapped in atomically at the end, with the
tail read under the write lock so live traffic during the rebuild is not lost.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from redis import Redis
from tqdm import tqdm

from services.common.eventlog import Entry, PermanentError
from services.common.redis import async_client, sync_client
from services.common.settings import Partition, Settings


_STREAM_ID = re.compile(r"^\(?\d+(-\d+)?$")
_MAX_SEQ = 2**64 - 1


def stream_bound(value: str, end: bool = False) -> str:
    """A stream id as given, or an ISO date/time turned into the stream ids of that millisecond."""
    if value in ("-", "+") or _STREAM_ID.match(value):
        return value
    moment = datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    ms = int(moment.timestamp() * 1000)
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
    from services.normalize.workers import NormalizerPool

    normalizer = Normalizer(cache_dir=Path(settings.cache_dir) if settings.cache_dir else None)
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
    if resume and (saved := await redis.get(checkpoint)):
        start = "(" + saved
    output = NormalizedLog(redis, partition)
    counts: Counter = Counter()

    async def commit(rows: list, normalizing: asyncio.Future) -> None:
        commits = []
        for outcome in await normalizing:
            if isinstance(outcome, PermanentError):
                counts["failed"] += 1
            elif isinstance(outcome, Exception):
                raise outcome  # not the entry's fault (a worker died, a bug): stop; --resume continues from here
            else:
                commits.append(("", outcome))
        for written, unchanged in await output.commit(commits):
            counts["written"] += written
            counts["unchanged"] += unchanged
        counts["read"] += len(rows)
        await redis.set(checkpoint, rows[-1][0])
        bar.update(len(rows))

    previous = None
    cursor = start
    try:
        while rows := await redis.xrange(partition.raw, cursor, end, count=batch):
            entries = [Entry(entry_id, fields) for entry_id, fields in rows]
            normalizing = asyncio.ensure_future(pool.run(entries, datetime.now(UTC)))
            if previous is not None:
                await commit(*previous)
            previous = rows, normalizing
            cursor = "(" + rows[-1][0]
        if previous is not None:
            await commit(*previous)
            previous = None
    finally:
        if previous is not None:  # stopped by an error: let the batch in flight finish before the pool closes
            await asyncio.gather(previous[1], return_exceptions=True)
    await redis.delete(checkpoint)
    return counts


def rebuild_store(settings: Settings, batch: int, resume: bool) -> Counter:
    """Every partition into one fresh generation; each stream resumes from its own position. Items never span
    partitions, so the partitions are loaded one after the other and need no global order."""
    from services.store.database import Database
    from services.store.stage import stored_form

    streams = [partition.normalized for partition in settings.streams.partitions]
    redis = sync_client(settings.redis_url, settings.redis_cluster)
    db = Database(settings.store_url)
    generation = db.start_rebuild(resume=resume)
    counts: Counter = Counter()

    def decode(entries: list[Entry]) -> list:
        decoded = []
        for entry in entries:
            try:
                decoded.append(stored_form(entry))
            except PermanentError:
                counts["failed"] += 1
        return decoded

    def apply(conn, entries: list[Entry], stream: str) -> None:  # noqa: ANN001
        applied = db.apply(conn, generation, decode(entries), stream)
        counts["read"] += len(entries)
        counts["written"] += applied.written
        counts["unchanged"] += applied.unchanged + applied.stale

    bar = progress(sum(redis.xlen(stream) for stream in streams), "event")
    starts: dict[str, str] = {}
    for stream in streams:
        position = db.position(stream, generation)
        if position:
            bar.update(db.applied_count(stream, generation))
        start = "(" + position if position else "-"
        for entries in read_range(redis, stream, start, "+", batch):
            with db.writer.begin() as conn:
                apply(conn, entries, stream)
            bar.update(len(entries))
            start = "(" + entries[-1].id
        starts[stream] = start

    def tail(conn) -> None:  # noqa: ANN001
        for stream, start in starts.items():
            for entries in read_range(redis, stream, start, "+", batch):
                apply(conn, entries, stream)
                bar.update(len(entries))

    db.finish_rebuild(generation, tail)
    bar.close()
    return counts


def command(settings: Settings, args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    if args.stage == "normalize":
        bounds = stream_bound(args.start), stream_bound(args.end, end=True)
        counts = asyncio.run(
            replay_normalize(settings, *bounds, args.batch, args.resume, args.partition, args.processes)
        )
    elif args.rebuild:
        counts = rebuild_store(settings, args.batch, args.resume)
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
