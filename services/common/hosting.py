"""Hosts a stage loop in a FastStream app: one composition of settings, loop and lifecycle for every stage."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from faststream import FastStream
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from services.common.eventlog import Handler, StageLoop
from services.common.redis import async_client
from services.common.settings import Settings


def stage_loop(settings: Settings, redis: Redis, *, stage: str, stream: str, group: str, handler: Handler) -> StageLoop:
    return StageLoop(
        redis=redis,
        stream=stream,
        group=group,
        consumer=settings.consumer_name(stage),
        stage=stage,
        dead_letter_stream=settings.streams.dead_letters(stage),
        errors_key=settings.streams.errors(stage),
        handler=handler,
        batch_size=settings.batch_size,
        block_ms=settings.block_ms,
        claim_idle_ms=settings.claim_idle_ms,
        max_deliveries=settings.max_deliveries,
        backoff_max_ms=settings.backoff_max_ms,
    )


def stage_app(settings: Settings, make_loop: Callable[[Redis], StageLoop]) -> FastStream:
    """A FastStream app whose start runs the loop in the background and whose stop drains it."""
    app = FastStream(RedisBroker(settings.redis_url))
    running: dict[str, object] = {}

    @app.on_startup
    async def start_loop() -> None:
        redis = async_client(settings.redis_url)
        loop = make_loop(redis)
        running.update(redis=redis, loop=loop, task=asyncio.create_task(loop.run()))

    @app.on_shutdown
    async def stop_loop() -> None:
        running["loop"].stop()  # type: ignore[union-attr]
        await running["task"]  # type: ignore[misc]
        await running["redis"].aclose()  # type: ignore[union-attr]

    return app
