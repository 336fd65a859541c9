"""The store service: a FastStream app consuming wirelog:normalized, served with the query API over HTTP."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST
from faststream import FastStream
from redis.asyncio import Redis

from schemas.streams import STORE_GROUP
from services.common.eventlog import StageLoop
from services.common import metrics
from services.common.redis import async_client
from services.common.assignment import Assignment
from services.common.hosting import stage_app, stage_loop
from services.common.settings import Settings
from services.store.api import query_routes
from services.store.database import Database
from services.store.documents import document_routes
from services.store.exports import export_routes
from services.store.queries import count_items
from services.store.page import web_routes
from services.store.stage import StoreStage


def create_stage_app(settings: Settings, db: Database) -> FastStream:
    def make_loops(redis: Redis, assignment: Assignment) -> list[StageLoop]:
        return [
            stage_loop(
                settings,
                redis,
                stage="store",
                partition=partition,
                group=STORE_GROUP,
                handler=StoreStage(redis, db, partition.normalized, STORE_GROUP).handle,
                assignment=assignment,
            )
            for partition in settings.streams.partitions
        ]

    return stage_app(settings, "store", make_loops)


def create_app(settings: Settings | None = None, consume: bool = True) -> FastAPI:
    """The query API; with `consume` it also runs the store stage for as long as the API is up."""
    settings = settings or Settings()
    db = Database(settings.store_url)
    stage_app = create_stage_app(settings, db) if consume else None

    collectors = (
        metrics.event_log_collector(settings.redis_url, settings.streams, settings.redis_cluster),
        metrics.StoreCollector(lambda: count_items(db)),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.redis = async_client(settings.redis_url, settings.redis_cluster)  # read side: overview positions
        if stage_app:
            await stage_app.start()
        yield
        if stage_app:
            await stage_app.stop()
        await app.state.redis.aclose()

    api = FastAPI(title="Wirelog store", version="1.0.0", lifespan=lifespan)
    api.state.db = db
    api.state.settings = settings
    api.include_router(web_routes())  # first: /v1/events/stream before /v1/events/{event_id}
    api.include_router(query_routes())
    api.include_router(export_routes())
    api.include_router(document_routes())

    @api.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(metrics.exposition(*collectors), media_type=CONTENT_TYPE_LATEST)

    return api
