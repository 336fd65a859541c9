"""Scenario 7, replay and rebuild: `replay normalize` over raw items and `replay store --rebuild` over events.

Both call the same functions as `wirelog replay` (services/operations/replay.py) with its default batches.
The replay figure includes loading the normaliser (the cached index), as an operator would see it.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks.inputs import bulletins, items
from benchmarks.stages import copied_items, fill_raw, received_events
from schemas import ItemNormalized
from services.common.eventlog import encode
from services.common.redis import async_client
from services.common.settings import Settings
from services.operations.replay import NORMALIZE_BATCH, REBUILD_BATCH  # the command's defaults


ITEMS_PER_BULLETIN = 10


async def _fill(settings: Settings, stream: str, entries: list[dict[str, str]]) -> None:
    redis = async_client(settings.redis_url)
    try:
        for start in range(0, len(entries), 500):
            async with redis.pipeline(transaction=False) as pipe:
                for fields in entries[start : start + 500]:
                    pipe.xadd(stream, fields)
                await pipe.execute()
    finally:
        await redis.aclose()


def replay_normalize(settings: Settings, pool: list[str], count: int, processes: int = 0) -> float:
    """Items/s of `replay normalize` over `count` raw items (bulletins of 10)."""
    from services.operations.replay import replay_normalize as replay

    events = received_events(bulletins(items(pool, count), ITEMS_PER_BULLETIN, f"replay-{settings.stream_prefix}"))

    async def go() -> float:
        redis = async_client(settings.redis_url)
        await fill_raw(redis, settings.streams.raw, events)
        await redis.aclose()
        started = time.perf_counter()
        counts = await replay(settings, "-", "+", NORMALIZE_BATCH, resume=False, processes=processes)
        elapsed = time.perf_counter() - started
        if counts["written"] != count:
            raise RuntimeError(f"replay wrote {counts['written']} of {count} items")
        return count / elapsed

    return asyncio.run(go())


def rebuild_store(settings: Settings, pool: list[str], templates: list[ItemNormalized], count: int) -> float:
    """Events/s of `replay store --rebuild` over `count` normalised events (real analyses copied under new ids)."""
    from services.operations.replay import rebuild_store as rebuild
    from services.store.database import Database

    raw = received_events(bulletins(items(pool, count), ITEMS_PER_BULLETIN, f"rebuild-{settings.stream_prefix}"))
    entries = [
        encode(event)
        for n, received in enumerate(raw)
        for event in copied_items(templates[n % len(templates)], received)
    ]
    asyncio.run(_fill(settings, settings.streams.normalized, entries))
    Database(settings.store_url)  # the store's schema, as a running store would have made it
    started = time.perf_counter()
    counts = rebuild(settings, REBUILD_BATCH, resume=False)
    elapsed = time.perf_counter() - started
    if counts["read"] != count:
        raise RuntimeError(f"rebuild read {counts['read']} of {count} events")
    return count / elapsed
