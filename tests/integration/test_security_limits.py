"""Hostile input against ingest and the query API on a real Redis: every limit a precise 4xx, nothing written or lost."""

import json
from urllib.parse import quote
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from schemas.streams import NORMALIZE_GROUP
from services.store.app import create_app as create_store_app
from services.store.database import Database
from tests.integration.helpers import add_raw, ingest_client, received

pytestmark = pytest.mark.integration

GOOD = {"source": "desk", "published_at": "2024-06-13", "items": [{"text": "Shelling hit Kharkiv."}]}


async def push(settings, **request):
    async with ingest_client(settings) as client:
        return await client.post("/v1/bulletins", **request)


async def test_a_10_mb_body_is_refused_with_413_whether_declared_or_streamed(settings, redis):
    body = b"[" + b" " * (10 * 1024 * 1024) + b"]"

    async def chunks():
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    declared = await push(settings, content=body, headers={"Content-Type": "application/json"})
    streamed = await push(settings, content=chunks(), headers={"Content-Type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error"] == {"field": "body", "reason": "larger than the limit of 5242880 bytes"}
    assert await redis.xlen(settings.streams.raw) == 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"[" * 100_000 + b"]" * 100_000, "application/json"), (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "application/x-ndjson")],
)
async def test_100000_nested_brackets_are_a_422_not_a_crash(settings, redis, body, content_type):
    response = await push(settings, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422
    assert response.json()["error"] == {"field": "body", "reason": "JSON nested deeper than 32 levels"}


async def test_invalid_utf8_is_a_422_naming_the_byte(settings, redis):
    body = json.dumps(GOOD).encode().replace(b"Kharkiv", b"Khark\xc3\x28v")
    response = await push(settings, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == {"field": "body", "reason": "not valid UTF-8 at byte 87"}


async def test_control_characters_reject_the_bulletin_and_keep_the_others(settings, redis):
    bad = {**GOOD, "items": [{"text": "Terminal \x1b[2J escape"}]}
    response = await push(settings, json=[GOOD, bad])
    assert response.status_code == 202
    assert response.json()["results"][1]["errors"] == [
        {"field": "items.0.text", "reason": "control character or lone surrogate U+001B at offset 9"}
    ]
    assert await redis.xlen(settings.streams.raw) == 1


async def test_too_many_bulletins_in_one_request_is_413_for_json_and_ndjson(settings, redis):
    small = settings.model_copy(update={"max_bulletins_per_request": 3})
    as_json = await push(small, json=[GOOD] * 4)
    as_ndjson = await push(small, content=(json.dumps(GOOD) + "\n") * 4, headers={"Content-Type": "application/x-ndjson"})
    for response in (as_json, as_ndjson):
        assert response.status_code == 413
        assert response.json()["error"]["reason"] == "more than 3 bulletins in one request"
    assert await redis.xlen(settings.streams.raw) == 0


async def test_items_per_bulletin_and_item_length_are_checked_per_bulletin(settings, redis):
    small = settings.model_copy(update={"max_items_per_bulletin": 2, "max_item_chars": 100})
    many = {**GOOD, "items": [{"text": "x"}] * 3}
    long = {**GOOD, "items": [{"text": "y" * 101}]}
    response = await push(small, json=[many, long])
    assert response.status_code == 422
    errors = [r["errors"] for r in response.json()["results"]]
    assert errors == [
        [{"field": "items", "reason": "more than 2 items"}],
        [{"field": "items.0.text", "reason": "longer than 100 characters"}],
    ]


async def test_dates_far_from_today_are_rejected_with_a_reason(settings, redis):
    ahead = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    response = await push(settings, json=[{**GOOD, "published_at": "1066-10-14"}, {**GOOD, "published_at": ahead}])
    assert response.status_code == 422
    reasons = [r["errors"][0]["reason"] for r in response.json()["results"]]
    assert reasons[0].endswith("too far in the past") and reasons[1].endswith("too far in the future")


async def test_long_headers_get_431_and_a_long_query_414(settings, redis):
    headers = await push(settings, json=GOOD, headers={"X-Padding": "p" * 9000})
    query = await push(settings, json=GOOD, params={"pad": "q" * 3000})
    assert headers.status_code == 431 and headers.json()["error"]["field"] == "headers"
    assert query.status_code == 414 and query.json()["error"]["field"] == "query"
    assert await redis.xlen(settings.streams.raw) == 0


async def test_a_source_longer_than_its_limit_is_a_422(settings, redis):
    response = await push(settings, content=b"date 2024-06-13 Lead.", params={"source": "s" * 129}, headers={"Content-Type": "text/plain"})
    assert response.status_code == 422


async def test_a_backlog_past_the_limit_answers_503_with_retry_after_until_it_drains(settings, redis):
    await redis.xgroup_create(settings.streams.raw, NORMALIZE_GROUP, id="0", mkstream=True)
    for n in range(3):
        await add_raw(redis, settings, received(text=f"Backlog item {n}."))
    busy = settings.model_copy(update={"max_raw_backlog": 3})
    refused = await push(busy, json=GOOD)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert "more than 3 raw entries await normalize" in refused.json()["error"]["reason"]
    assert await redis.xlen(settings.streams.raw) == 3
    await redis.xreadgroup(NORMALIZE_GROUP, "worker", {settings.streams.raw: ">"}, count=3)
    assert (await push(busy, json=GOOD)).status_code == 202


async def test_without_a_consumer_group_the_whole_log_counts_as_backlog(settings, redis):
    await add_raw(redis, settings, received(text="Nobody reads this."))
    refused = await push(settings.model_copy(update={"max_raw_backlog": 1}), json=GOOD)
    assert refused.status_code == 503


SQL_AND_REDIS_VALUES = [
    "' OR '1'='1",
    "desk'; DROP TABLE items; --",
    "desk\" OR 1=1 --",
    "%",
    "_",
    "*",
    "wirelog:raw",
    "desk\r\nFLUSHALL\r\n",
    "$(rm -rf /)",
    "\\",
]


@pytest.fixture
async def seeded_store(settings, redis, normalizer):
    db = Database(settings.store_url)
    events = [received(text="Shelling hit Kharkiv on Monday."), received(text="Talks in Geneva.", source="other")]
    normalized = [item for event in events for item in normalizer.normalize(event, datetime.now(UTC))]
    db.apply_batch([(f"{n + 1}-0", item) for n, item in enumerate(normalized)], settings.streams.normalized)
    app = create_store_app(settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as client:
            yield client, len(normalized)


@pytest.mark.parametrize("value", SQL_AND_REDIS_VALUES)
async def test_sql_and_redis_looking_filters_match_literally_and_change_nothing(seeded_store, redis, value):
    client, stored = seeded_store
    for name in ("source", "bulletin", "place", "actor", "q"):
        response = await client.get("/v1/events", params={name: value})
        assert response.status_code == 200, (name, response.text)
        assert response.json()["items"] == [], name
    for path in (f"/v1/events/{quote(value, safe='')}", f"/v1/bulletins/{quote(value, safe='')}"):
        assert (await client.get(path)).status_code == 404
    assert len((await client.get("/v1/events")).json()["items"]) == stored
    assert (await client.get("/v1/events", params={"source": "desk"})).json()["items"]


async def test_injection_like_sources_cannot_reach_a_redis_key(settings, redis):
    response = await push(settings, json={**GOOD, "source": "wirelog:raw\r\nFLUSHALL"})
    assert response.status_code == 422 and response.json()["results"][0]["errors"][0]["field"] == "source"
    ok = await push(settings, json={**GOOD, "source": "desk:raw:bulletins", "external_id": "*\r\nFLUSHALL"})
    assert ok.status_code == 422  # the control characters in external_id are refused
    keys = {key async for key in redis.scan_iter(match=f"{settings.stream_prefix}:*")}
    assert keys <= {settings.streams.raw, settings.streams.bulletin_index, f"{settings.stream_prefix}:partitions"}


def test_a_request_that_is_not_valid_http_gets_the_documented_400_and_the_server_keeps_serving(settings, redis):
    import socket
    from urllib.parse import urlsplit

    import httpx

    from services.common.auth import MALFORMED_HTTP
    from services.ingest.app import create_app as create_ingest_app
    from tests.integration.helpers import serving

    app = create_ingest_app(settings)
    # Every route with an access check documents the HTTP server's own 400, also where the route gives 400 a meaning
    # of its own ('Bad cursor'), so a client reading the contract knows it.
    for contract in (app.openapi(), create_store_app(settings, consume=False).openapi()):
        protected = [op for ops in contract["paths"].values() for op in ops.values() if "401" in op["responses"]]
        assert protected
        for operation in protected:
            assert "not valid HTTP" in operation["responses"][str(MALFORMED_HTTP)]["description"], operation["summary"]
    with serving(app) as url:
        address = urlsplit(url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as raw:
            raw.sendall(b"POST /v1/bulletins HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n")
            answer = raw.recv(4096)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert httpx.get(f"{url}/readyz").status_code == 200
