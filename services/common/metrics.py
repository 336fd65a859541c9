"""Prometheus metrics shared by the services; the event log's gauges are read from Redis at scrape time."""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError, ResponseError

from services.common.redis import sync_client
from services.common.settings import StreamNames

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

REGISTRY = CollectorRegistry(auto_describe=True)

BULLETINS_INGESTED = Counter(
    "wirelog_ingested_bulletins", "Bulletins answered by ingest, by outcome", ["status"], registry=REGISTRY
)
ITEMS_INGESTED = Counter("wirelog_ingested_items", "Items in newly accepted bulletins", registry=REGISTRY)
INGEST_SECONDS = Histogram(
    "wirelog_ingest_request_seconds", "Time to answer POST /v1/bulletins", buckets=LATENCY_BUCKETS, registry=REGISTRY
)
ENTRIES_PROCESSED = Counter(
    "wirelog_stage_entries",
    "Deliveries of stream entries per stage, by outcome: done; failed (retried later); dead_lettered",
    ["stage", "outcome"],
    registry=REGISTRY,
)
STAGE_LATENCY = Histogram(
    "wirelog_stage_latency_seconds",
    "From an entry's append to the log to its effect being committed by the stage",
    ["stage"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
WAITING = Gauge(
    "wirelog_stage_waiting_batches",
    "Batches held because something the stage needs is unavailable (the store's database): alert when above 0",
    ["stage"],
    registry=REGISTRY,
)
BATCH_SECONDS = Histogram(
    "wirelog_stage_batch_seconds", "Time a stage spends on one batch", ["stage"], buckets=LATENCY_BUCKETS, registry=REGISTRY
)


def entry_age_seconds(entry_id: str, now: float | None = None) -> float:
    """Stream ids start with the append time in milliseconds."""
    return max((now or time.time()) - int(entry_id.split("-", 1)[0]) / 1000, 0.0)


class EventLogCollector(Collector):
    """Stream length, group lag and pending, and dead letters, read when Prometheus scrapes."""

    def __init__(self, redis: Redis, streams: StreamNames, stages: Iterable[str] = ("normalize", "store")) -> None:
        self.redis = redis
        self.streams = streams
        self.stages = tuple(stages)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        length = GaugeMetricFamily("wirelog_stream_length", "Entries in the stream", labels=["stream"])
        lag = GaugeMetricFamily("wirelog_group_lag", "Entries a group has not read yet", labels=["stream", "group"])
        pending = GaugeMetricFamily("wirelog_group_pending", "Entries read but not acked", labels=["stream", "group"])
        dead = GaugeMetricFamily("wirelog_dead_letters", "Entries in the dead-letter stream", labels=["stage"])
        try:
            streams = [name for part in self.streams.partitions for name in (part.raw, part.normalized)]
            for stream in streams:
                length.add_metric([stream], self.redis.xlen(stream))
                try:
                    groups = self.redis.xinfo_groups(stream)
                except ResponseError:
                    groups = []
                for group in groups:
                    lag.add_metric([stream, group["name"]], group.get("lag") or 0)
                    pending.add_metric([stream, group["name"]], group["pending"])
            for stage in self.stages:
                count = sum(self.redis.xlen(part.dead_letters(stage)) for part in self.streams.partitions)
                dead.add_metric([stage], count)
        except RedisError:
            return  # Redis down: the gauges are absent rather than wrong; /readyz says why
        yield from (length, lag, pending, dead)


class StoreCollector(Collector):
    """Rows in the read model, counted at scrape time."""

    def __init__(self, count_items) -> None:  # noqa: ANN001 - a callable returning an int
        self.count_items = count_items

    def collect(self) -> Iterable[GaugeMetricFamily]:
        gauge = GaugeMetricFamily("wirelog_store_items", "Items in the store's live read model")
        try:
            gauge.add_metric([], self.count_items())
        except Exception:  # noqa: BLE001 - the database is down: no figure rather than a wrong one
            return
        yield gauge


def event_log_collector(redis_url: str, streams: StreamNames, cluster: bool | None = None) -> EventLogCollector:
    return EventLogCollector(sync_client(redis_url, cluster, socket_timeout=2), streams)


def exposition(*collectors: Collector) -> bytes:
    """The process-wide metrics plus the scraping app's own collectors.

    An app's collectors live in a registry of their own for the scrape: several apps in one process (tests,
    `wirelog run` variants) then never clash over the same gauge names.
    """
    text = generate_latest(REGISTRY)
    if collectors:
        scrape = CollectorRegistry(auto_describe=False)
        for collector in collectors:
            scrape.register(collector)
        text += generate_latest(scrape)
    return text


class _Combined(Collector):
    """For a plain HTTP server: the process-wide metrics and extra collectors as one registry."""

    def __init__(self, *collectors: Collector) -> None:
        self.collectors = collectors

    def collect(self) -> Iterable:
        yield from REGISTRY.collect()
        for collector in self.collectors:
            yield from collector.collect()


def combined_registry(*collectors: Collector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Combined(*collectors))
    return registry
