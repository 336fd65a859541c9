"""POST /v1/bulletins against a real Redis: accepted events land on the raw stream once, errors name their cause."""

import asyncio
import json

import pytest

from schemas import BulletinReceived
from tests.conftest import fixture_text
from tests.integration.helpers import events_in, ingest_client

pytestmark = pytest.mark.integration

GOOD = {"source": "desk", "published_at": "2024-06-13", "items": [{"text": "Shelling hit Kharkiv."}]}


async def test_text_bulletin_is_accepted_and_written_as_plain_json(settings, redis):
    async with ingest_client(settings) as client:
        response = await client.post(
            "/v1/bulletins?source=desk",
            content=fixture_text("bulletin-2024-06-13.txt").encode(),
            headers={"Content-Type": "text/plain"},
        )
    assert response.status_code == 202
    answer = response.json()
    assert answer["accepted"] == 1 and answer["results"][0]["items"] == 7
    (raw,) = await redis.xrange(settings.streams.raw)
    assert set(raw[1]) == {"event"}
    event = BulletinReceived.model_validate(json.loads(raw[1]["event"]))
    assert event.data.bulletin_id == answer["bulletin_ids"][0]
    assert len(event.data.items) == 7


async def test_pushing_twice_answers_duplicate_with_the_same_id_and_one_event(settings, redis):
    async with ingest_client(settings) as client:
        first = (await client.post("/v1/bulletins", json=GOOD)).json()
        second = (await client.post("/v1/bulletins", json=GOOD)).json()
    assert second["results"][0]["status"] == "duplicate"
    assert second["bulletin_ids"] == first["bulletin_ids"]
    assert await redis.xlen(settings.streams.raw) == 1


async def test_concurrent_pushes_of_one_bulletin_write_one_event(settings, redis):
    async with ingest_client(settings) as client:
        answers = await asyncio.gather(*[client.post("/v1/bulletins", json=GOOD) for _ in range(20)])
    statuses = sorted(a.json()["results"][0]["status"] for a in answers)
    assert statuses.count("accepted") == 1 and statuses.count("duplicate") == 19
    assert await redis.xlen(settings.streams.raw) == 1


async def test_batch_with_one_bad_bulletin_keeps_the_good_ones(settings, redis):
    bad = {"source": "desk", "published_at": "2024-06-13"}
    async with ingest_client(settings) as client:
        response = await client.post("/v1/bulletins", json=[GOOD, bad])
    assert response.status_code == 202
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (1, 1)
    assert answer["results"][1]["errors"] == [{"field": "items", "reason": "field required"}]
    assert len(await events_in(redis, settings.streams.raw)) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (b'{"source": "desk",', "application/json", 422, "body"),
        (b'{"source": "desk", "published_at": "2024-06-13"}', "application/json", 422, None),
        (b"hello", "application/pdf", 415, "content-type"),
        (b"date 2024-06-13 Lead.", "text/plain", 422, "source"),
    ],
)
async def test_bad_requests_get_a_4xx_naming_the_field(settings, redis, body, content_type, status, field):
    async with ingest_client(settings) as client:
        response = await client.post("/v1/bulletins", content=body, headers={"Content-Type": content_type})
        healthy = await client.get("/readyz")
    assert response.status_code == status
    answer = response.json()
    if field:
        assert answer["error"]["field"] == field and answer["error"]["reason"]
    else:
        assert answer["results"][0]["errors"][0]["field"] == "items"
    assert healthy.status_code == 200
    assert await redis.xlen(settings.streams.raw) == 0


async def test_oversized_body_is_refused_with_413(settings, redis):
    small = settings.model_copy(update={"max_body_bytes": 2048})
    async with ingest_client(small) as client:
        response = await client.post("/v1/bulletins", json={**GOOD, "items": [{"text": "x" * 5000}]})
    assert response.status_code == 413
    assert "2048" in response.json()["error"]["reason"]
    assert await redis.xlen(settings.streams.raw) == 0


async def test_strict_durability_answers_after_the_write_is_on_disk(settings, redis):
    info = await redis.info("server")
    version = tuple(int(part) for part in info.get("redis_version", "0").split(".")[:2])
    if version < (7, 2):
        pytest.skip(f"WAITAOF needs Redis 7.2 or Valkey; this server is {info.get('redis_version')}")
    strict = settings.model_copy(update={"durability": "strict"})
    async with ingest_client(strict) as client:
        response = await client.post("/v1/bulletins", json=GOOD)
    assert response.status_code == 202
    assert await redis.xlen(settings.streams.raw) == 1


async def test_metrics_count_pushes_by_outcome_and_items(settings, redis):
    from prometheus_client.parser import text_string_to_metric_families

    def value(text, name, **labels):
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                    return sample.value
        return 0.0

    async with ingest_client(settings) as client:
        before = (await client.get("/metrics")).text
        await client.post("/v1/bulletins", json=[GOOD, GOOD, {"source": "desk", "published_at": "2024-06-13"}])
        after = (await client.get("/metrics")).text
    for status, delta in (("accepted", 1), ("duplicate", 1), ("rejected", 1)):
        name = "wirelog_ingested_bulletins_total"
        assert value(after, name, status=status) - value(before, name, status=status) == delta
    assert value(after, "wirelog_ingested_items_total") - value(before, "wirelog_ingested_items_total") == 1
    assert value(after, "wirelog_stream_length", stream=settings.streams.raw) == 1
    assert value(after, "wirelog_ingest_request_seconds_count") > value(before, "wirelog_ingest_request_seconds_count")


async def test_a_source_parameter_over_its_limit_is_refused_in_ingest_s_error_shape(settings, redis):
    async with ingest_client(settings) as client:
        response = await client.post("/v1/bulletins", params={"source": "x" * 129}, json=GOOD)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "source"
    assert "128" in response.json()["error"]["reason"]
    assert await redis.xlen(settings.streams.raw) == 0


async def test_an_append_the_server_does_not_confirm_on_disk_asks_for_a_safe_repeat(settings, redis, monkeypatch):
    from services.ingest import log_writer

    async def unconfirmed(self, partitions):
        return False  # what WAITAOF's timeout answers: [0, 0]

    monkeypatch.setattr(log_writer.RawLog, "_wait_for_fsync", unconfirmed)
    strict = settings.model_copy(update={"durability": "strict"})
    async with ingest_client(strict) as client:
        first = await client.post("/v1/bulletins", json=GOOD)
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "1"
    assert "push again" in first.json()["error"]["reason"]
    async with ingest_client(settings) as client:
        again = await client.post("/v1/bulletins", json=GOOD)
    assert again.json()["results"][0]["status"] == "duplicate"  # it was appended: nothing is lost or doubled
    assert await redis.xlen(settings.streams.raw) == 1


async def test_a_large_body_is_parsed_on_a_worker_thread_and_answered_alike(settings, redis, monkeypatch):
    from services.ingest.app import PARSE_ON_THREAD_BYTES

    threaded = []
    original = asyncio.to_thread

    async def recording(function, *args, **kwargs):
        threaded.append(function)
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", recording)
    items = [{"text": f"Item {n}: shelling hit Kharkiv on Monday, officials said."} for n in range(50)]
    bulletins = [{**GOOD, "external_id": f"e{n}", "items": items[: 1 + n % 50]} for n in range(400)]
    body = json.dumps(bulletins).encode()
    async with ingest_client(settings) as client:
        small = await client.post("/v1/bulletins", json=GOOD)
        assert threaded == []  # a small body is parsed in place
        response = await client.post("/v1/bulletins", content=body, headers={"Content-Type": "application/json"})
    assert len(body) > PARSE_ON_THREAD_BYTES and len(threaded) == 1
    assert small.status_code == 202 and response.status_code == 202
    assert response.json()["accepted"] == 400
