"""Tokens and scopes on a real Redis: push needs `push`, the query API needs `read`, a token pushes only its sources."""

import json
from contextlib import asynccontextmanager

import httpx
import pytest

from services.store.app import create_app as create_store_app
from tests.integration.helpers import ingest_client

pytestmark = pytest.mark.integration

DESK_PUSHER = "desk-pusher-" + "a" * 24
ANY_PUSHER = "any-pusher-" + "b" * 24
READER = "reader-" + "c" * 24
ADMIN = "admin-" + "d" * 24
TOKENS = json.dumps(
    [
        {"name": "desk", "token": DESK_PUSHER, "scopes": ["push"], "sources": ["desk"]},
        {"name": "wire", "token": ANY_PUSHER, "scopes": ["push"]},
        {"name": "reader", "token": READER, "scopes": ["read"]},
        {"name": "ops", "token": ADMIN, "scopes": ["admin"]},
    ]
)
GOOD = {"source": "desk", "published_at": "2024-06-13", "items": [{"text": "Shelling hit Kharkiv."}]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def secured(settings):
    return settings.model_copy(update={"tokens": TOKENS})


@asynccontextmanager
async def store_client(settings):
    app = create_store_app(settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as client:
            yield client


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (bearer("wrong-" + "x" * 30), 401),
        ({"Authorization": f"Basic {DESK_PUSHER}"}, 401),
        (bearer(READER), 403),
        (bearer(ADMIN), 403),
    ],
)
async def test_push_without_a_push_token_is_refused_and_writes_nothing(secured, redis, headers, status):
    async with ingest_client(secured) as client:
        response = await client.post("/v1/bulletins", json=GOOD, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["field"] == "authorization"
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert await redis.xlen(secured.streams.raw) == 0


async def test_a_push_token_pushes_for_its_own_source(secured, redis):
    async with ingest_client(secured) as client:
        response = await client.post("/v1/bulletins", json=GOOD, headers=bearer(DESK_PUSHER))
    assert response.status_code == 202 and response.json()["accepted"] == 1
    assert await redis.xlen(secured.streams.raw) == 1


async def test_a_token_for_another_source_is_refused_for_the_whole_request(secured, redis):
    other = {**GOOD, "source": "other-desk"}
    async with ingest_client(secured) as client:
        mixed = await client.post("/v1/bulletins", json=[GOOD, other], headers=bearer(DESK_PUSHER))
        text = await client.post(
            "/v1/bulletins?source=other-desk",
            content=b"date 2024-06-13 Lead.\n- One: two",
            headers={**bearer(DESK_PUSHER), "Content-Type": "text/plain"},
        )
        unrestricted = await client.post("/v1/bulletins", json=other, headers=bearer(ANY_PUSHER))
    assert mixed.status_code == 403 and text.status_code == 403
    assert mixed.json()["error"] == {
        "field": "source",
        "reason": "this token may not push for source 'other-desk'; nothing was accepted",
    }
    assert unrestricted.status_code == 202
    assert await redis.xlen(secured.streams.raw) == 1


async def test_a_token_over_its_rate_is_told_when_to_come_back(secured, redis):
    limited = secured.model_copy(update={"rate_limit_per_second": 0.5, "rate_limit_burst": 2})
    async with ingest_client(limited) as client:
        answers = [await client.post("/v1/bulletins", json=GOOD, headers=bearer(ANY_PUSHER)) for _ in range(3)]
        other_token = await client.post("/v1/bulletins", json=GOOD, headers=bearer(DESK_PUSHER))
    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[2].headers["Retry-After"] == "2"
    assert answers[2].json()["error"]["reason"] == "rate limit reached for this token"
    assert other_token.status_code == 202  # the limit is per token


async def test_health_probes_stay_open_when_tokens_are_configured(secured, redis):
    async with ingest_client(secured) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).status_code == 200


@pytest.mark.parametrize("path", ["/v1/events", "/v1/events/evt_x", "/v1/bulletins/b_x"])
async def test_the_query_api_needs_the_read_scope(secured, redis, path):
    async with store_client(secured) as client:
        anonymous = await client.get(path)
        wrong = await client.get(path, headers=bearer("nope-" + "z" * 30))
        pusher = await client.get(path, headers=bearer(ANY_PUSHER))
        reader = await client.get(path, headers=bearer(READER))
        health = await client.get("/healthz")
    assert (anonymous.status_code, wrong.status_code, pusher.status_code) == (401, 401, 403)
    assert reader.status_code == (200 if path == "/v1/events" else 404)
    assert health.status_code == 200


async def test_without_tokens_everything_is_open_on_loopback(settings, redis):
    async with ingest_client(settings) as client:
        pushed = await client.post("/v1/bulletins", json=GOOD)
    async with store_client(settings) as client:
        read = await client.get("/v1/events")
    assert pushed.status_code == 202 and read.status_code == 200


async def test_logs_never_contain_tokens_or_payloads(secured, redis, capsys):
    import structlog

    from services.common.logging import configure_logging

    configure_logging("ingest", "debug", "json")
    secret_text = "Unique payload sentence 7f3a."
    try:
        async with ingest_client(secured) as client:
            await client.post("/v1/bulletins", json={**GOOD, "items": [{"text": secret_text}]}, headers=bearer(DESK_PUSHER))
            await client.post("/v1/bulletins", json={**GOOD, "source": "x"}, headers=bearer(DESK_PUSHER))
            await client.post("/v1/bulletins", json=GOOD, headers=bearer("wrong-" + "y" * 30))
    finally:
        structlog.reset_defaults()
    logged = capsys.readouterr().err
    assert "bulletin accepted" in logged and "push refused for source" in logged
    for secret in (DESK_PUSHER, "wrong-" + "y" * 30, secret_text):
        assert secret not in logged


async def test_every_query_route_of_the_store_needs_the_read_scope(secured, redis):
    """Read from the OpenAPI document: a route guarded by `require` lists the bearer scheme as its security."""
    app = create_store_app(secured, consume=False)
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method, operation in methods.items()
    }
    unguarded = sorted(name for name, operation in operations.items() if not operation.get("security"))
    assert operations and unguarded == []
