"""Scenario: how fast a partitioned log drains, with 1 and 2 workers per stage, next to one server and one partition.

Each drain runs `wirelog normalize` and `wirelog store` as processes on a fresh prefix and a fresh store database,
waits until they are loaded and have spread the partitions' leases between them, then appends the whole backlog
to the raw log at once (RawLog.append, as ingest does) and times until the store holds every item. Start-up,
the normaliser's loading and the lease hand-over between two workers are left out: they are not drain speed.
A partition's rate is its items over the time from the append to the moment its last item was stored, so a
partition that finishes early is not charged for the others. A worker normalises a whole batch (100 bulletins,
1,000 items) before it commits it, its other partitions waiting meanwhile: while a partition holds only a batch or
two, as at --scale 2000, its rate shows the order in which the loops took their turns more than its own speed.
The CPU time the workers use per item is given too: unlike wall time, the machine's other programs leave it be.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.inputs import bulletins, items
from benchmarks.services import ServiceProcesses
from benchmarks.stages import received_events
from services.common.assignment import fair_share
from services.common.redis import async_client, sync_client
from services.common.settings import partition_of
from services.ingest.log_writer import RawLog
from services.store.database import Database

ITEMS_PER_BULLETIN = 10
SOURCES = 48  # enough distinct sources that every one of 4 partitions gets a fair part of the work
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POLL_S = 0.05


def desk_bulletins(pool: list[str], count: int, tag: str, sources: int = SOURCES) -> list[dict]:
    """Bulletins of 10 items whose sources take turns among `sources` desks, so every partition gets work."""
    records = bulletins(items(pool, count), ITEMS_PER_BULLETIN, tag)
    return [{**record, "source": f"bench-desk-{n % sources:02d}"} for n, record in enumerate(records)]


def partition_sizes(records: list[dict], partitions: int) -> dict[int, int]:
    """Items per partition, every partition listed: a bulletin goes whole to the partition of its source."""
    sizes = Counter({number: 0 for number in range(partitions)})
    for record in records:
        sizes[partition_of(record["source"], partitions)] += len(record["items"])
    return dict(sorted(sizes.items()))


def partition_counts(stored_by_source: dict[str, int], partitions: int) -> dict[int, int]:
    counts = Counter({number: 0 for number in range(partitions)})
    for source, stored in stored_by_source.items():
        counts[partition_of(source, partitions)] += stored
    return dict(counts)


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - no driver, no server, no access: SQLite then
        return False


@contextmanager
def store_database(workdir: Path, name: str, postgres: bool) -> Iterator[str]:
    """A fresh, empty store database for one drain: a PostgreSQL database created and dropped, or a SQLite file."""
    if not postgres:
        yield f"sqlite:///{workdir / name}.db"
        return
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drain(
    redis_url: str, workdir: Path, pool: list[str], count: int, partitions: int, workers: int, postgres: bool
) -> dict:
    """Items/s from appending `count` items to the raw log until the store holds them all, overall and per partition."""
    tag = f"part{partitions}w{workers}{uuid.uuid4().hex[:6]}"
    records = desk_bulletins(pool, count, tag)
    sizes = partition_sizes(records, partitions)
    events = received_events(records)
    with store_database(workdir, f"bench_{tag}", postgres) as store_url:
        env = {"WIRELOG_PARTITIONS": str(partitions), "WIRELOG_STORE_URL": store_url}
        names = ("normalize", "store")
        with ServiceProcesses(redis_url, workdir, f"bench-{tag}", names, env, workers=workers) as services:
            wait_for_leases(services, names, timeout=60)
            database = Database(store_url)  # the schema is there already: the store made it on start
            services.mark_logs()
            cpu_before, started = services.cpu_seconds(), time.perf_counter()
            asyncio.run(append(services, events))
            done_at = wait_until_stored(database, sizes, started, timeout=120 + count / 20, services=services)
            cpu = services.cpu_seconds() - cpu_before
            database.writer.dispose()
            database.reader.dispose()
            problems = services.problems()
    elapsed = max(done_at.values()) - started
    return {
        "items_per_s": sum(sizes.values()) / elapsed,
        "seconds": elapsed,
        "cpu_ms_per_item": cpu * 1000 / sum(sizes.values()),
        "sizes": sizes,
        "partition_items_per_s": {number: sizes[number] / (done_at[number] - started) for number in sizes},
        "problems": problems,
    }


async def append(services: ServiceProcesses, events: list) -> None:
    redis = async_client(services.settings.redis_url)
    try:
        raw_log = RawLog(redis, services.settings.streams)
        for start in range(0, len(events), 100):
            await raw_log.append(events[start : start + 100])
    finally:
        await redis.aclose()


def wait_for_leases(services: ServiceProcesses, stages: tuple[str, ...], timeout: float) -> None:
    """Until every partition is leased and each worker holds its fair share: a second worker takes its part of
    the partitions only at its heartbeats after the first let them go, which is start-up, not drain."""
    streams = services.settings.streams
    redis = sync_client(services.settings.redis_url)
    deadline = time.monotonic() + timeout
    try:
        for stage in stages:
            pids = services.worker_pids(stage)
            share = fair_share(len(streams.partitions), len(pids))
            while True:
                owners = [redis.get(partition.lease(stage)) or "" for partition in streams.partitions]
                held = Counter(pid for pid in pids for owner in owners if f"-{pid}-" in owner)
                if all(owners) and len(held) == len(pids) and max(held.values()) <= share:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{stage} leases not spread within {timeout}s: {owners}")
                time.sleep(0.1)
    finally:
        redis.close()


def wait_until_stored(
    database: Database, sizes: dict[int, int], started: float, timeout: float, services: ServiceProcesses
) -> dict[int, float]:
    """The perf_counter moment each partition's last item was seen in the store's live table."""
    done_at: dict[int, float] = {}
    counts: dict[int, int] = {}
    while len(done_at) < len(sizes):
        with database.reader.connect() as conn:
            table = database.live_tables(conn)["items"]
            rows = conn.execute(select(table.c.source, func.count()).group_by(table.c.source)).all()
        now = time.perf_counter()
        counts = partition_counts(dict(rows), len(sizes))
        for number, stored in counts.items():
            if stored >= sizes[number] and number not in done_at:
                done_at[number] = now
        if now - started > timeout:
            problems = "\n".join(services.problems()[-20:])
            raise RuntimeError(f"stored per partition {counts} of {sizes} after {timeout:.0f}s; logs:\n{problems}")
        time.sleep(POLL_S)
    return done_at
