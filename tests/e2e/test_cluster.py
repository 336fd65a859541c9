"""A partitioned log on a real Redis Cluster with competing workers: nothing lost, nothing doubled, order kept."""

import json
import signal
import subprocess
import sys
import time

import httpx
import pytest

from services.store.database import Database
from services.store.queries import count_items
from tests.e2e.conftest import CLUSTER_PARTITIONS, cluster_pipeline

pytestmark = pytest.mark.e2e

SOURCES = [f"desk-{letter}" for letter in "abcdefgh"]


def bulletins(round_number, items_each):
    return [
        {
            "source": source,
            "external_id": f"{source}-{round_number}",
            "published_at": "2024-06-13",
            "items": [
                {"text": f"Update {round_number}.{i} from {source}: shelling near Kharkiv on Monday, officials said."}
                for i in range(items_each)
            ],
        }
        for source in SOURCES
    ]


def push(pipeline, batch):
    for _ in range(200):
        try:
            response = httpx.post(f"http://127.0.0.1:{pipeline.ingest_port}/v1/bulletins", json=batch, timeout=30)
            if response.status_code == 202:
                return response.json()["bulletin_ids"]
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("ingest never accepted the batch")


def wait_for_count(pipeline, db, expected, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count_items(db) >= expected:
            return
        time.sleep(0.25)
    status = cli(pipeline, "status").stdout
    raise AssertionError(f"store holds {count_items(db)} of {expected} items; logs in {pipeline.logs}\n{status}")


def cli(pipeline, *args):
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args], capture_output=True, text=True, env=pipeline.env, timeout=300
    )


@pytest.fixture
def partitioned(cluster_url, tmp_path, postgres_admin_url):
    env = {"WIRELOG_CLAIM_IDLE_MS": "500", "WIRELOG_BACKOFF_MAX_MS": "2000"}
    with cluster_pipeline(cluster_url, tmp_path, postgres_admin_url, **env) as pipeline:
        yield pipeline


def test_killing_one_of_two_workers_per_stage_loses_and_duplicates_nothing_and_keeps_each_source_in_order(partitioned):
    pipeline = partitioned
    accepted = []  # bulletin ids in the order ingest accepted them
    for round_number in range(30):
        accepted += push(pipeline, bulletins(round_number, items_each=10))
        if round_number in (10, 20):  # one of the two normalize workers, then one of the two store workers
            victim = "normalize" if round_number == 10 else "store-1"
            pipeline.processes[victim].send_signal(signal.SIGKILL)
            pipeline.processes.pop(victim).wait()
    expected = len(accepted) * 10
    db = Database(pipeline.env["WIRELOG_STORE_URL"])
    wait_for_count(pipeline, db, expected)
    time.sleep(1.0)
    assert count_items(db) == expected

    entries = pipeline.normalized_entries()
    ids = [event["id"] for _, event in entries]
    assert len(ids) == len(set(ids)) == expected
    client = pipeline.client()
    for partition in pipeline.streams.partitions:
        assert client.xlen(partition.dead_letters("normalize")) == 0
        assert client.xlen(partition.dead_letters("store")) == 0
    # Every partition was used, and the survivor finished all of them: nothing is left unread or pending.
    assert all(client.xlen(partition.normalized) for partition in pipeline.streams.partitions)
    for partition in pipeline.streams.partitions:
        assert client.xpending(partition.raw, "normalize")["pending"] == 0
        assert client.xpending(partition.normalized, "store")["pending"] == 0

    # Per source, bulletins come out of the normalised log in the order they were accepted.
    order = {bulletin_id: index for index, bulletin_id in enumerate(accepted)}
    for source in SOURCES:
        seen = []
        for _, event in entries:
            if event["source"] == source and event["data"]["bulletin_id"] not in seen:
                seen.append(event["data"]["bulletin_id"])
        assert seen == sorted(seen, key=order.__getitem__)
        assert len(seen) == 30


def test_status_dead_letters_and_replay_work_across_partitions(partitioned):
    pipeline = partitioned
    for round_number in range(3):
        push(pipeline, bulletins(round_number, items_each=2))
    db = Database(pipeline.env["WIRELOG_STORE_URL"])
    wait_for_count(pipeline, db, 3 * len(SOURCES) * 2)

    client = pipeline.client()
    broken = pipeline.streams.partition(2)
    client.xadd(broken.raw, {"event": "{not json"})
    deadline = time.monotonic() + 60
    while client.xlen(broken.dead_letters("normalize")) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)

    status = json.loads(cli(pipeline, "status", "--json").stdout)
    assert status["partitions"] == CLUSTER_PARTITIONS
    assert len(status["streams"]) == 2 * CLUSTER_PARTITIONS
    assert status["dead_letters"]["normalize"] == 1
    assert status["dead_letters_by_partition"]["normalize"] == [0, 0, 1, 0]

    listed = cli(pipeline, "dlq", "list").stdout
    assert listed.startswith("2/") and "not JSON" in listed

    replay = cli(pipeline, "replay", "normalize")
    assert replay.returncode == 1  # the broken entry still fails, and says so
    assert "read 25, written 0, unchanged 48, failed 1" in replay.stdout

    one = cli(pipeline, "replay", "normalize", "--partition", "2")
    assert "failed 1" in one.stdout and "read 25" not in one.stdout

    rebuilt = cli(pipeline, "replay", "store", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "read 48, written 48" in rebuilt.stdout
    assert count_items(db) == 48

    purged = cli(pipeline, "dlq", "purge", "--all", "--stage", "normalize")
    assert "purged 1" in purged.stdout
    assert json.loads(cli(pipeline, "status", "--json").stdout)["dead_letters"]["normalize"] == 0
