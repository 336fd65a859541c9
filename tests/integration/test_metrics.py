"""Metrics move as entries flow: stage counters, latency, and the event log's gauges read from Redis."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.common import metrics
from services.normalize.app import build_loop
from tests.integration.helpers import add_raw, received, running, wait_until

pytestmark = pytest.mark.integration


def samples(name, collector=None, **labels):
    collectors = [collector] if collector else []
    for family in text_string_to_metric_families(metrics.exposition(*collectors).decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                yield sample.value


async def test_stage_counters_latency_and_log_gauges_follow_the_flow(settings, redis, normalizer):
    collector = metrics.event_log_collector(settings.redis_url, settings.streams)
    done_before = sum(samples("wirelog_stage_entries_total", stage="normalize", outcome="done"))
    await add_raw(redis, settings, received(text="One."))
    await add_raw(redis, settings, received(text="Two."))
    assert list(samples("wirelog_stream_length", collector, stream=settings.streams.raw)) == [2.0]
    async with running(build_loop(settings, redis, normalizer)):
        await wait_until(lambda: _normalized(redis, settings, 2))
    done_after = sum(samples("wirelog_stage_entries_total", stage="normalize", outcome="done"))
    assert done_after - done_before == 2
    assert list(samples("wirelog_group_lag", collector, stream=settings.streams.raw, group="normalize")) == [0.0]
    assert list(samples("wirelog_stream_length", collector, stream=settings.streams.normalized)) == [2.0]
    assert sum(samples("wirelog_stage_latency_seconds_count", stage="normalize")) >= 2


async def _normalized(redis, settings, n):
    return await redis.xlen(settings.streams.normalized) >= n


async def test_an_entry_dead_lettered_at_once_counts_as_dead_lettered_only(settings, redis, normalizer):
    from services.operations.dead_letters import list_dead_letters

    def count(outcome):
        return sum(samples("wirelog_stage_entries_total", stage="normalize", outcome=outcome))

    before = {outcome: count(outcome) for outcome in ("done", "failed", "dead_lettered")}
    await redis.xadd(settings.streams.raw, {"event": "{not json"})
    await add_raw(redis, settings, received(text="One."))
    async with running(build_loop(settings, redis, normalizer)):
        await wait_until(lambda: list_dead_letters(redis, settings.streams, "normalize"))
        await wait_until(lambda: _normalized(redis, settings, 1))
    moved = {outcome: count(outcome) - before[outcome] for outcome in before}
    assert moved == {"done": 1, "failed": 0, "dead_lettered": 1}
