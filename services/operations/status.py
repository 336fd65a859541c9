"""`wirelog status`: length, ends, group lag and pending of every stream of every partition, and dead letters."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.settings import StreamNames

STAGES = ("normalize", "store")


async def stream_info(redis: Redis, stream: str) -> dict[str, Any]:
    try:
        info = await redis.xinfo_stream(stream)
    except ResponseError:  # no such stream yet
        return {"length": 0, "first_id": None, "last_id": None, "groups": []}
    groups = await redis.xinfo_groups(stream)
    return {
        "length": info["length"],
        "first_id": info["first-entry"][0] if info.get("first-entry") else None,
        "last_id": info["last-generated-id"],
        "groups": [
            {"name": g["name"], "lag": g.get("lag"), "pending": g["pending"], "consumers": g["consumers"]}
            for g in groups
        ],
    }


async def log_status(redis: Redis, streams: StreamNames) -> dict[str, Any]:
    """Every stream of every partition, and dead letters per stage (in all and per partition)."""
    names = [name for part in streams.partitions for name in (part.raw, part.normalized)]
    dead = {stage: [await redis.xlen(part.dead_letters(stage)) for part in streams.partitions] for stage in STAGES}
    return {
        "partitions": len(streams.partitions),
        "streams": {name: await stream_info(redis, name) for name in names},
        "dead_letters": {stage: sum(counts) for stage, counts in dead.items()},
        "dead_letters_by_partition": dead,
    }
