"""The normalize service: a FastStream app hosting the stage loop on wirelog:raw."""

from __future__ import annotations

import asyncio
from pathlib import Path

from faststream import FastStream
from faststream.redis import RedisBroker

from schemas.streams import NORMALIZE_GROUP
from services.common.eventlog import StageLoop
from services.common.redis import async_client
from services.common.settings import Settings
from services.normalize.normalizer import Normalizer
from services.normalize.stage import NormalizeStage


def build_loop(settings: Settings, redis, normalizer: Normalizer) -> StageLoop:
    streams = settings.streams
    stage = NormalizeStage(redis, streams, NORMALIZE_GROUP, normalizer)
    return StageLoop(
        redis=redis,
        stream=streams.raw,
        group=NORMALIZE_GROUP,
        consumer=settings.consumer_name("normalize"),
        stage="normalize",
        dead_letter_stream=streams.dead_letters("normalize"),
        errors_key=streams.errors("normalize"),
        handler=stage.handle,
        batch_size=settings.batch_size,
        block_ms=settings.block_ms,
        claim_idle_ms=settings.claim_idle_ms,
        max_deliveries=settings.max_deliveries,
        backoff_max_ms=settings.backoff_max_ms,
    )


def create_app(settings: Settings | None = None, normalizer: Normalizer | None = None) -> FastStream:
    settings = settings or Settings()
    app = FastStream(RedisBroker(settings.redis_url))
    state: dict[str, object] = {}

    @app.on_startup
    async def start_stage() -> None:
        redis = async_client(settings.redis_url)
        cache_dir = Path(settings.cache_dir) if settings.cache_dir else None
        loop = build_loop(settings, redis, normalizer or Normalizer(cache_dir=cache_dir))
        state.update(redis=redis, loop=loop, task=asyncio.create_task(loop.run()))

    @app.on_shutdown
    async def stop_stage() -> None:
        state["loop"].stop()  # type: ignore[union-attr]
        await state["task"]  # type: ignore[misc]
        await state["redis"].aclose()  # type: ignore[union-attr]

    return app
