"""The store service: a FastStream app consuming wirelog:normalized, served with the query API over HTTP."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI
from faststream import FastStream
from faststream.redis import RedisBroker

from schemas.streams import STORE_GROUP
from services.common.eventlog import StageLoop
from services.common.redis import async_client
from services.common.settings import Settings
from services.store.api import query_routes
from services.store.database import Database
from services.store.stage import StoreStage


def create_stage_app(settings: Settings, db: Database) -> FastStream:
    app = FastStream(RedisBroker(settings.redis_url))
    state: dict[str, object] = {}

    @app.on_startup
    async def start_stage() -> None:
        redis = async_client(settings.redis_url)
        streams = settings.streams
        loop = StageLoop(
            redis=redis,
            stream=streams.normalized,
            group=STORE_GROUP,
            consumer=settings.consumer_name("store"),
            stage="store",
            dead_letter_stream=streams.dead_letters("store"),
            errors_key=streams.errors("store"),
            handler=StoreStage(redis, db, streams.normalized, STORE_GROUP).handle,
            batch_size=settings.batch_size,
            block_ms=settings.block_ms,
            claim_idle_ms=settings.claim_idle_ms,
            max_deliveries=settings.max_deliveries,
            backoff_max_ms=settings.backoff_max_ms,
        )
        state.update(redis=redis, loop=loop, task=asyncio.create_task(loop.run()))

    @app.on_shutdown
    async def stop_stage() -> None:
        state["loop"].stop()  # type: ignore[union-attr]
        await state["task"]  # type: ignore[misc]
        await state["redis"].aclose()  # type: ignore[union-attr]

    return app


def create_app(settings: Settings | None = None, consume: bool = True) -> FastAPI:
    """The query API; with `consume` it also runs the store stage for as long as the API is up."""
    settings = settings or Settings()
    db = Database(settings.store_url)
    stage_app = create_stage_app(settings, db) if consume else None

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if stage_app:
            await stage_app.start()
        yield
        if stage_app:
            await stage_app.stop()

    api = FastAPI(title="Wirelog store", version="1.0.0", lifespan=lifespan)
    api.state.db = db
    api.state.settings = settings
    api.include_router(query_routes())
    return api
