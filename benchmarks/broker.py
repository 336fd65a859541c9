"""Scenario 1, the broker baseline: plain redis-py (asyncio, hiredis) doing the stage's Redis work, nothing else."""

from __future__ import annotations

import json
import time

from redis.asyncio import Redis

BATCH = 100


def entry_of_size(size: int = 1500) -> dict[str, str]:
    """One `event` field of about `size` bytes of JSON, the shape of a normalised item."""
    body = {"id": "evt_" + "0" * 24, "type": "ItemNormalized", "data": {"text": ""}}
    body["data"]["text"] = "x" * max(0, size - len(json.dumps(body)))
    return {"event": json.dumps(body)}


async def xadd_pipelined(redis: Redis, stream: str, count: int, fields: dict[str, str]) -> float:
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            for _ in range(min(BATCH, count - start)):
                pipe.xadd(stream, fields)
            await pipe.execute()
    return count / (time.perf_counter() - started)


async def read_ack(redis: Redis, stream: str, group: str, count: int) -> float:
    """XREADGROUP COUNT 100, then one XACK of the batch."""
    await redis.xgroup_create(stream, group, id="0", mkstream=True)
    done, started = 0, time.perf_counter()
    while done < count:
        reply = await redis.xreadgroup(group, "c", {stream: ">"}, count=BATCH, block=1000)
        ids = [entry_id for _, entries in reply for entry_id, _ in entries]
        await redis.xack(stream, group, *ids)
        done += len(ids)
    return done / (time.perf_counter() - started)


async def relay(redis: Redis, source: str, target: str, group: str, count: int, batch: int) -> float:
    """Read `batch` entries, then write each to `target` and ack them in one pipeline: a stage with no work."""
    await redis.xgroup_create(source, group, id="0", mkstream=True)
    done, started = 0, time.perf_counter()
    while done < count:
        reply = await redis.xreadgroup(group, "c", {source: ">"}, count=batch, block=1000)
        entries = [entry for _, batch_entries in reply for entry in batch_entries]
        async with redis.pipeline(transaction=False) as pipe:
            for _, fields in entries:
                pipe.xadd(target, fields)
            pipe.xack(source, group, *[entry_id for entry_id, _ in entries])
            await pipe.execute()
        done += len(entries)
    return done / (time.perf_counter() - started)


async def measure(redis: Redis, prefix: str, count: int, single_count: int) -> dict[str, float]:
    """One repetition of every baseline, on fresh streams under `prefix`."""
    fields = entry_of_size()
    source, target = f"{prefix}:a", f"{prefix}:b"
    figures = {"xadd_pipelined": await xadd_pipelined(redis, source, count, fields)}
    figures["read_ack"] = await read_ack(redis, source, "g-read", count)
    figures["relay_batched"] = await relay(redis, source, target, "g-relay", count, BATCH)
    figures["relay_single"] = await relay(redis, source, f"{prefix}:c", "g-single", single_count, 1)
    await redis.delete(source, target, f"{prefix}:c")
    return figures
