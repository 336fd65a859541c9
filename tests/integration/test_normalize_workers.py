"""Normalising on worker processes and in-process: the same log, a dying worker costs one entry, the loop breathes."""

import asyncio
import os
import time
from datetime import UTC, datetime

import pytest

from schemas.streams import NORMALIZE_GROUP
from services.common.eventlog import Entry, encode
from services.normalize.app import build_loop
from services.normalize.workers import NormalizerPool
from services.operations.dead_letters import list_dead_letters
from tests.integration.helpers import add_raw, events_in, received, running, wait_until

pytestmark = pytest.mark.integration

TEXTS = [
    "Shelling hit Kharkiv on Monday, the governor said.",
    "Talks between the delegations resume in Istanbul on Friday.",
    "Zelenksy addressed the parliament in Kyiv on Wednesday.",
    "Rain in Odesa.",
    "The mayor of Lviv said two districts lost power overnight.",
    "Moscow said its forces would scale back near Chernihiv.",
    "Aid convoys reached Mariupol's outskirts on Tuesday.",
    "A quiet night.",
]


class Killer:
    """Normalises like the real normaliser, but the process dies (as when killed or out of memory) on a marker;
    every other entry takes a while, so that other runs are still in the workers when one dies."""

    def __init__(self, real, marker="KILL", seconds=0.2):
        self.real, self.marker, self.seconds = real, marker, seconds

    def normalize(self, event, recorded_at):
        if any(self.marker in item.text for item in event.data.items):
            os._exit(9)
        time.sleep(self.seconds)
        return self.real.normalize(event, recorded_at)


def _entries(events) -> list[Entry]:
    return [Entry(f"{n + 1}-0", encode(event)) for n, event in enumerate(events)]


async def test_worker_processes_write_the_same_log_as_one_thread(settings, redis, normalizer):
    events = [received(text=text, source=f"desk-{n % 3}") for n, text in enumerate(TEXTS * 3)]
    pool = NormalizerPool(normalizer, processes=2)
    pool.start()
    try:
        for event in events:
            await add_raw(redis, settings, event)
        async with running(build_loop(settings, redis, pool)):
            await wait_until(lambda: _length(redis, settings.streams.normalized, len(events)))
    finally:
        pool.close()
    logged = await events_in(redis, settings.streams.normalized)
    expected = [item for event in events for item in normalizer.normalize(event, datetime.now(UTC))]
    assert [e["id"] for e in logged] == [e.id for e in expected]
    assert [e["data"] for e in logged] == [e.data.model_dump(mode="json") for e in expected]
    assert (await redis.xpending(settings.streams.raw, NORMALIZE_GROUP))["pending"] == 0


async def test_a_worker_that_dies_fails_only_the_entry_it_died_on(normalizer):
    pool = NormalizerPool(Killer(normalizer), processes=2)
    pool.start()
    try:
        # 8 entries on 2 processes: 4 runs of 2, the killer in the second; the others are in the workers when it dies
        texts = [f"Calm day number {n} in Lviv." for n in range(8)]
        texts[3] = "KILL this worker."
        outcomes = await pool.run(_entries([received(text=text) for text in texts]), datetime.now(UTC))
        assert [type(o).__name__ for o in outcomes] == ["list"] * 3 + ["RuntimeError"] + ["list"] * 4
        assert "died" in str(outcomes[3])
        assert all(len(o) == 1 for o in outcomes if isinstance(o, list))
        # the pool has new workers: the next batch goes through
        again = await pool.run(_entries([received(text="Fog over Dnipro.")]), datetime.now(UTC))
        assert isinstance(again[0], list) and len(again[0]) == 1
    finally:
        pool.close()


async def test_an_entry_that_keeps_killing_workers_is_dead_lettered_while_others_flow(settings, redis, normalizer):
    pool = NormalizerPool(Killer(normalizer), processes=2)
    pool.start()
    try:
        for n in range(3):
            await add_raw(redis, settings, received(text=f"Calm day number {n} in Lviv."))
        killer_id = await add_raw(redis, settings, received(text="KILL again."))
        for n in range(4):
            await add_raw(redis, settings, received(text=f"Rain number {n} in Odesa."))
        async with running(build_loop(settings, redis, pool)):
            await wait_until(lambda: _length(redis, settings.streams.normalized, 7), timeout=30)
            dead = await wait_until(lambda: list_dead_letters(redis, settings.streams, "normalize"))
    finally:
        pool.close()
    assert [d["original_id"] for d in dead] == [killer_id]
    assert "died" in dead[0]["error"]
    assert int(dead[0]["attempts"]) == settings.max_deliveries


class Busy:
    """A normaliser that computes for a while without releasing the GIL by itself (no I/O, no sleep)."""

    def __init__(self, real, seconds):
        self.real, self.seconds = real, seconds

    def normalize(self, event, recorded_at):
        deadline = time.perf_counter() + self.seconds
        while time.perf_counter() < deadline:
            sum(range(1000))
        return self.real.normalize(event, recorded_at)


async def test_the_event_loop_keeps_running_while_a_batch_is_normalised(normalizer):
    """Lease heartbeats and Redis replies must not wait for a long batch (a lost lease hands the partition over)."""
    pool = NormalizerPool(Busy(normalizer, 0.03))
    ticks = 0

    async def tick():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        outcomes = await pool.run(_entries([received(text=f"Item {n}.") for n in range(20)]), datetime.now(UTC))
    finally:
        ticker.cancel()
        pool.close()
    assert all(isinstance(o, list) for o in outcomes)
    # The batch took 0.6 s and the loop had a turn after each 30 ms entry (a sleeping task needs two turns to wake
    # and step: ~10 ticks). Run to the end at once, the batch would have left it none.
    assert ticks >= 5


async def _length(redis, stream, n):
    return await redis.xlen(stream) >= n


class _SecondRunFails(NormalizerPool):
    """Cuts every batch in two runs; the second cannot be normalised at all (as when the pool is closed)."""

    def parts(self, entries):
        return [list(entries)]

    def submit(self, entries, recorded_at):
        loop = asyncio.get_running_loop()
        half = len(entries) // 2
        first = loop.create_task(self._here(entries[:half], recorded_at))
        failed = loop.create_future()
        failed.set_exception(RuntimeError("cannot schedule new futures after shutdown"))
        return [(list(entries[:half]), first), (list(entries[half:]), failed)]


async def test_a_run_the_pool_fails_retries_its_own_entries_and_keeps_the_runs_committed_before(settings, redis, normalizer):
    from services.common.eventlog import ensure_group
    from services.normalize.stage import NormalizeStage

    await ensure_group(redis, settings.streams.raw, NORMALIZE_GROUP)
    ids = [await add_raw(redis, settings, received(text=f"Calm day number {n} in Lviv.")) for n in range(4)]
    reply = await redis.xreadgroup(NORMALIZE_GROUP, "worker", {settings.streams.raw: ">"})
    entries = [Entry(entry_id, fields) for entry_id, fields in reply[0][1]]
    stage = NormalizeStage(redis, settings.streams.only, NORMALIZE_GROUP, _SecondRunFails(normalizer))
    failures = await stage.handle(entries)
    assert sorted(failures) == ids[2:]
    assert "after shutdown" in str(failures[ids[2]])
    assert [e["data"]["text"] for e in await events_in(redis, settings.streams.normalized)] == [
        "Calm day number 0 in Lviv.", "Calm day number 1 in Lviv."]
    pending = await redis.xpending_range(settings.streams.raw, NORMALIZE_GROUP, "-", "+", 10)
    assert [p["message_id"] for p in pending] == ids[2:]  # the first run's entries were acked with their items


async def test_a_commit_that_fails_retries_its_own_run_and_keeps_the_runs_committed_before(settings, redis, normalizer):
    from services.common.eventlog import ensure_group
    from services.normalize.stage import NormalizeStage

    class TwoRuns(NormalizerPool):
        def parts(self, entries):
            return [list(entries)]

        def submit(self, entries, recorded_at):
            loop, half = asyncio.get_running_loop(), len(entries) // 2
            return [(list(part), loop.create_task(self._here(part, recorded_at))) for part in (entries[:half], entries[half:])]

    await ensure_group(redis, settings.streams.raw, NORMALIZE_GROUP)
    ids = [await add_raw(redis, settings, received(text=f"Calm day number {n} in Lviv.")) for n in range(4)]
    reply = await redis.xreadgroup(NORMALIZE_GROUP, "worker", {settings.streams.raw: ">"})
    stage = NormalizeStage(redis, settings.streams.only, NORMALIZE_GROUP, TwoRuns(normalizer))
    real_commit, calls = stage.output.commit, []

    async def commit_once(batch, group=""):
        calls.append(len(batch))
        if len(calls) == 2:
            raise ValueError("an argument Redis cannot take")
        return await real_commit(batch, group)

    stage.output.commit = commit_once
    failures = await stage.handle([Entry(entry_id, fields) for entry_id, fields in reply[0][1]])
    assert sorted(failures) == ids[2:] and calls == [2, 2]
    assert await redis.xlen(settings.streams.normalized) == 2


async def test_in_process_the_next_part_is_normalised_while_redis_commits_the_one_before(
    settings, redis, normalizer, monkeypatch
):
    import redis.asyncio.connection as connection

    from services.common.eventlog import ensure_group
    from services.normalize.stage import NormalizeStage

    written = connection.Connection._send_packed_command

    async def write(self, command):  # when the commit's bytes leave for Redis
        command = list(command)
        if any(b"EVALSHA" in bytes(part).upper() for part in command):
            steps.append(("commit written",))
        return await written(self, command)

    monkeypatch.setattr(connection.Connection, "_send_packed_command", write)

    class Recording:
        def normalize(self, event, recorded_at):
            steps.append(("normalise", event.data.items[0].text))
            return normalizer.normalize(event, recorded_at)

    await ensure_group(redis, settings.streams.raw, NORMALIZE_GROUP)
    texts = [f"Calm day number {n} in Lviv." for n in range(4)]
    for text in texts:
        await add_raw(redis, settings, received(text=text))
    reply = await redis.xreadgroup(NORMALIZE_GROUP, "worker", {settings.streams.raw: ">"})
    stage = NormalizeStage(redis, settings.streams.only, NORMALIZE_GROUP, NormalizerPool(Recording()))
    real_commit, steps = stage.output.commit, []

    async def commit(batch, group=""):
        steps.append(("commit sent", len(batch)))
        replies = await real_commit(batch, group)
        steps.append(("commit answered", len(batch)))
        return replies

    stage.output.commit = commit
    partition = settings.streams.only
    await stage.output._commit(keys=[partition.raw, partition.normalized, partition.heads], args=[NORMALIZE_GROUP])
    steps.clear()  # the script is loaded: each commit is one EVALSHA from here on
    failures = await stage.handle([Entry(entry_id, fields) for entry_id, fields in reply[0][1]])
    assert failures == {}
    assert steps == [
        ("normalise", texts[0]), ("normalise", texts[1]), ("commit sent", 2), ("commit written",),
        ("normalise", texts[2]), ("normalise", texts[3]),  # while Redis commits the first part
        ("commit answered", 2), ("commit sent", 2), ("commit written",), ("commit answered", 2),
    ]
    assert [e["data"]["text"] for e in await events_in(redis, settings.streams.normalized)] == texts
    assert (await redis.xpending(settings.streams.raw, NORMALIZE_GROUP))["pending"] == 0


async def test_in_process_a_part_whose_commit_fails_fails_alone_and_a_redis_error_stops_the_rest(
    settings, redis, normalizer
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from services.common.eventlog import ensure_group
    from services.normalize.stage import NormalizeStage

    await ensure_group(redis, settings.streams.raw, NORMALIZE_GROUP)
    ids = [await add_raw(redis, settings, received(text=f"Calm day number {n} in Lviv.")) for n in range(8)]
    reply = await redis.xreadgroup(NORMALIZE_GROUP, "worker", {settings.streams.raw: ">"})
    entries = [Entry(entry_id, fields) for entry_id, fields in reply[0][1]]
    stage = NormalizeStage(redis, settings.streams.only, NORMALIZE_GROUP, NormalizerPool(normalizer))
    real_commit, failing = stage.output.commit, {}

    async def commit(batch, group=""):
        error = failing.pop(batch[0][0], None)
        if error is not None:
            raise error
        return await real_commit(batch, group)

    stage.output.commit = commit
    failing[ids[0]] = ValueError("an argument Redis cannot take")
    assert sorted(await stage.handle(entries[:4])) == ids[:2]  # the first part failed alone
    assert await redis.xlen(settings.streams.normalized) == 2
    failing[ids[4]] = RedisConnectionError("connection reset by peer")
    with pytest.raises(RedisConnectionError):
        await stage.handle(entries[4:])
    assert await redis.xlen(settings.streams.normalized) == 2  # nor was the second part committed
    pending = await redis.xpending_range(settings.streams.raw, NORMALIZE_GROUP, "-", "+", 10)
    assert [p["message_id"] for p in pending] == ids[:2] + ids[4:]


async def test_a_worker_that_died_between_batches_costs_no_entry_and_no_one_by_one_retry(normalizer):
    pool = NormalizerPool(normalizer, processes=2)
    pool.start()
    try:
        victim = next(iter(pool._executor._processes))  # a worker's pid
        os.kill(victim, 9)
        await asyncio.sleep(1.0)  # the executor notices the death and marks itself broken
        outcomes = await pool.run(_entries([received(text=f"Fog number {n} over Dnipro.") for n in range(6)]),
                                  datetime.now(UTC))
        assert all(isinstance(o, list) and len(o) == 1 for o in outcomes)
        assert pool._alone is None  # the runs went to the new workers whole, not an entry at a time
    finally:
        pool.close()
