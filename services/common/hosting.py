"""Hosts a stage's loops in a FastStream app: one composition of settings, loops and lifecycle for every stage.

A worker runs one loop per partition of the stream it consumes, all in one consumer group: any number of
workers started the same way share the partitions, and the entries of a worker that dies are reclaimed by
the loops of the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from faststream import FastStream
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from services.common.assignment import Assignment
from services.common.eventlog import Handler, StageLoop
from services.common.redis import async_client
from services.common.settings import Partition, Settings
from services.operations.partitions import check_partition_count


def stage_loop(
    settings: Settings,
    redis: Redis,
    *,
    stage: str,
    partition: Partition,
    group: str,
    handler: Handler,
    assignment: Assignment | None = None,
) -> StageLoop:
    return StageLoop(
        redis=redis,
        stream=partition.stream(stage),
        group=group,
        consumer=settings.consumer_name(stage),
        stage=stage,
        dead_letter_stream=partition.dead_letters(stage),
        errors_key=partition.errors(stage),
        handler=handler,
        batch_size=settings.batch_size,
        block_ms=settings.block_ms,
        claim_idle_ms=settings.claim_idle_ms,
        max_deliveries=settings.max_deliveries,
        backoff_max_ms=settings.backoff_max_ms,
        partition=partition.number,
        assignment=assignment,
    )


def stage_app(
    settings: Settings, stage: str, make_loops: Callable[[Redis, Assignment], list[StageLoop]]
) -> FastStream:
    """A FastStream app whose start runs the partition loops and the worker's heartbeat in the background, and
    whose stop drains the loops, then hands the partitions to the other workers."""
    app = FastStream(RedisBroker(settings.redis_url))
    running: dict[str, object] = {}

    @app.on_startup
    async def start_loops() -> None:
        redis = async_client(settings.redis_url, settings.redis_cluster)
        await check_partition_count(redis, settings.streams)
        assignment = Assignment(redis, settings.streams, stage, settings.consumer_name(stage), settings.lease_ms)
        loops = make_loops(redis, assignment)
        tasks = [asyncio.create_task(assignment.run())] + [asyncio.create_task(loop.run()) for loop in loops]
        running.update(redis=redis, assignment=assignment, loops=loops, tasks=tasks)

    @app.on_shutdown
    async def stop_loops() -> None:
        for loop in running["loops"]:  # type: ignore[union-attr]
            loop.stop()
        await asyncio.gather(*running["tasks"][1:])  # type: ignore[index]
        await running["assignment"].stop()  # type: ignore[union-attr]
        await running["tasks"][0]  # type: ignore[index]
        await running["redis"].aclose()  # type: ignore[union-attr]

    return app
