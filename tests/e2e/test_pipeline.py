"""The whole pipeline as a user runs it: three service processes, a real Redis, HTTP in and out."""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jsonschema
import pytest

pytestmark = pytest.mark.e2e

SCHEMA = Path(__file__).parents[2] / "schemas" / "json" / "item_normalized.v1.schema.json"
ASYNCAPI = Path(__file__).parents[2] / "schemas" / "asyncapi.json"


def test_pushed_bulletin_is_queryable_once_however_often_it_is_pushed(any_pipeline):
    pipeline = any_pipeline
    first = pipeline.push("bulletin-2024-06-13.txt")
    assert first.status_code == 202
    bulletin_id = first.json()["bulletin_ids"][0]
    items = pipeline.wait_for_events(7, bulletin=bulletin_id)
    assert [item["position"] for item in items] == list(range(7))
    assert items[1]["label"] == "Bridge closed"

    again = pipeline.push("bulletin-2024-06-13.txt")
    assert again.status_code == 202 and again.json()["bulletin_ids"] == [bulletin_id]
    assert again.json()["results"][0]["status"] == "duplicate"
    time.sleep(0.5)
    assert len(pipeline.events(bulletin=bulletin_id)) == 7

    bulletin = httpx.get(f"http://127.0.0.1:{pipeline.store_port}/v1/bulletins/{bulletin_id}").json()
    assert bulletin["source"] == "e2e-desk" and len(bulletin["items"]) == 7


def test_a_bulletin_pushed_while_normalize_is_down_appears_after_it_restarts(any_pipeline):
    pipeline = any_pipeline
    pipeline.push("bulletin-2024-06-13.txt")
    pipeline.wait_for_events(7)
    pipeline.stop("normalize")
    later = pipeline.push("bulletin-2024-06-14.txt").json()["bulletin_ids"][0]
    time.sleep(1.0)
    assert pipeline.events(bulletin=later) == []
    pipeline.start("normalize")
    assert len(pipeline.wait_for_events(3, bulletin=later)) == 3


def test_a_plain_redis_client_reads_events_that_match_the_published_schema(any_pipeline):
    pipeline = any_pipeline
    pipeline.push("bulletin-2024-06-14.txt")
    pipeline.wait_for_events(3)
    client = pipeline.client()
    stream = pipeline.streams.for_source("e2e-desk").normalized
    client.xgroup_create(stream, "downstream-analytics", id="0")
    reply = client.xreadgroup("downstream-analytics", "reader-1", {stream: ">"}, count=100)
    entries = reply[0][1]
    schema = json.loads(SCHEMA.read_text())
    asyncapi = json.loads(ASYNCAPI.read_text())
    published = asyncapi["components"]["messages"]["normalize writes wirelog:normalized:Message"]["payload"]
    as_documented = jsonschema.Draft202012Validator({**asyncapi, "$ref": published["$ref"]})
    for entry_id, fields in entries:
        jsonschema.validate(json.loads(fields["event"]), schema)
        as_documented.validate(json.loads(fields["event"]))
        client.xack(stream, "downstream-analytics", entry_id)
    assert len(entries) == 3
    assert client.xpending(stream, "downstream-analytics")["pending"] == 0


def test_wirelog_push_sends_a_directory_and_summarises(any_pipeline):
    pipeline = any_pipeline
    fixtures = Path(__file__).parents[1] / "fixtures" / "bulletins"
    command = [sys.executable, "-m", "services.cli", "push", str(fixtures), "--url", f"http://127.0.0.1:{pipeline.ingest_port}"]
    first = subprocess.run(command, capture_output=True, text=True, env=pipeline.env, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "accepted 2, duplicates 0, rejected 0" in first.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=pipeline.env, timeout=60)
    assert "accepted 0, duplicates 2, rejected 0" in again.stdout
    status = subprocess.run(
        [sys.executable, "-m", "services.cli", "status", "--json"], capture_output=True, text=True, env=pipeline.env
    )
    streams = json.loads(status.stdout)["streams"]
    assert sum(streams[partition.raw]["length"] for partition in pipeline.streams.partitions) == 2
    assert set(streams) == {name for p in pipeline.streams.partitions for name in (p.raw, p.normalized)}
