"""The normalize service: a FastStream app hosting a stage loop per partition of wirelog:raw."""

from __future__ import annotations

from pathlib import Path

import structlog
from faststream import FastStream
from prometheus_client import start_http_server
from redis.asyncio import Redis

from schemas.streams import NORMALIZE_GROUP
from services.common import metrics
from services.common.assignment import Assignment
from services.common.eventlog import StageLoop
from services.common.hosting import stage_app, stage_loop
from services.common.settings import Partition, Settings
from services.normalize import compiled
from services.normalize.normalizer import NORMALIZER_VERSION, Normalizer
from services.normalize.stage import NormalizeStage
from services.normalize.workers import NormalizerLike, NormalizerPool, keep_out_of_collections


def build_loop(
    settings: Settings,
    redis: Redis,
    normalizer: NormalizerLike | NormalizerPool,
    partition: Partition | None = None,
    assignment: Assignment | None = None,
) -> StageLoop:
    """The loop of one partition (the only one when not given): raw partition n -> normalised partition n."""
    partition = partition or settings.streams.only
    stage = NormalizeStage(redis, partition, NORMALIZE_GROUP, normalizer)
    return stage_loop(
        settings,
        redis,
        stage="normalize",
        partition=partition,
        group=NORMALIZE_GROUP,
        handler=stage.handle,
        assignment=assignment,
    )


def create_app(settings: Settings | None = None, normalizer: NormalizerLike | NormalizerPool | None = None) -> FastStream:
    """`normalizer`: a loaded normaliser (run as WIRELOG_NORMALIZE_PROCESSES says) or a pool already started."""
    settings = settings or Settings()
    pools: list[NormalizerPool] = []

    def make_loops(redis: Redis, assignment: Assignment) -> list[StageLoop]:
        if isinstance(normalizer, NormalizerPool):
            pool = normalizer
        else:
            cache_dir = settings.cache_dir
            loaded = normalizer or Normalizer(cache_dir=Path(cache_dir) if cache_dir else None)
            keep_out_of_collections()  # before the workers are forked from this process
            pool = NormalizerPool(loaded, settings.normalize_processes, cache_dir)
        pools.append(pool)  # one pool for every partition's loop
        return [build_loop(settings, redis, pool, p, assignment) for p in settings.streams.partitions]

    app = stage_app(settings, "normalize", make_loops)

    @app.on_shutdown
    def close_pool() -> None:  # after the loops have stopped (hooks run in the order they were added)
        for pool in pools:
            pool.close()

    @app.on_startup
    def say_how_it_runs() -> None:
        structlog.get_logger().info("normaliser version", version=NORMALIZER_VERSION,
                                    compiled=compiled.is_compiled("services.normalize.temporal.tagger"))

    @app.on_startup
    def serve_metrics() -> None:
        # normalize has no HTTP API of its own: Prometheus scrapes a small server on its own port.
        if settings.normalize_metrics_port:
            registry = metrics.combined_registry(metrics.event_log_collector(settings.redis_url, settings.streams, settings.redis_cluster))
            start_http_server(settings.normalize_metrics_port, addr=settings.normalize_metrics_host, registry=registry)

    return app
