"""The query API on odd input: numbers out of range, forged cursors and positions, non-ASCII search, strict dates.

Every one answers 4xx naming the parameter, or the right result: never a 500, a broken body or a silent stream.
"""

import base64

import httpx
import pytest

from services.store.app import create_app
from tests.integration.helpers import received
from tests.integration.test_store_and_replay import pipeline_through_store

pytestmark = pytest.mark.integration


def forged_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
async def client(store_settings, redis, normalizer):
    await pipeline_through_store(
        store_settings,
        redis,
        normalizer,
        [
            received(text="Talks at the Élysée Palace in Paris on Monday."),
            received(text="Shelling hit Kharkiv on Tuesday.", source="other-desk"),
        ],
    )
    app = create_app(store_settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as http:
            yield http


@pytest.mark.parametrize("place", ["²", "999999999999999999999999999999", "3000000000", "99999999999", "١٢٣"])
async def test_a_place_that_only_looks_like_a_number_is_matched_by_name(client, place):
    for path in ("/v1/events", "/v1/overview"):
        response = await client.get(path, params={"place": place})
        assert response.status_code == 200, (path, response.text)
    assert (await client.get("/v1/events", params={"place": place})).json()["items"] == []
    export = await client.get("/v1/exports/events", params={"format": "csv", "place": place})
    assert export.status_code == 200 and export.text.splitlines()[1:] == []


@pytest.mark.parametrize(
    "cursor",
    [
        forged_cursor('["2024-06-13", "b", Infinity]'),
        forged_cursor('["2024-06-13", "b", 1e300]'),
        forged_cursor('["2024-06-13", "b", 100000000000000000000]'),
        forged_cursor('["2024-06-13", "b", true]'),
        forged_cursor('[1, 2, 3]'),
        forged_cursor('{"a": 1}'),
        forged_cursor('["2024-06-13\\u0000", "b", 1]'),
    ],
)
async def test_a_forged_cursor_is_a_400_naming_the_cursor(client, cursor):
    for path in ("/v1/events", "/v1/overview"):
        response = await client.get(path, params={"cursor": cursor})
        assert response.status_code == 400, (path, response.text)
        assert response.json()["detail"]["field"] == "cursor"


async def test_an_issued_cursor_still_pages(client):
    first = (await client.get("/v1/events", params={"limit": 1})).json()
    second = (await client.get("/v1/events", params={"limit": 1, "cursor": first["next_cursor"]})).json()
    assert len(second["items"]) == 1 and second["items"][0]["item_id"] != first["items"][0]["item_id"]


@pytest.mark.parametrize("query", ["élysée", "ÉLYSÉE", "élys", "Élysée"])
async def test_search_ignores_case_beyond_ascii(client, query):
    items = (await client.get("/v1/events", params={"q": query})).json()["items"]
    assert [item["full_text"] for item in items] == ["Talks at the Élysée Palace in Paris on Monday."]


async def test_search_still_escapes_wildcards_in_non_ascii_queries(client):
    assert (await client.get("/v1/events", params={"q": "é%"})).json()["items"] == []
    assert (await client.get("/v1/events", params={"q": "kharkiv"})).json()["items"][0]["full_text"].startswith("Shelling")


@pytest.mark.parametrize(("name", "value"), [("q", "a\x00"), ("q", "é\x00"), ("place", "Kyiv\x00"), ("source", "\x00")])
async def test_a_nul_character_in_a_filter_is_a_422_naming_it(client, name, value):
    response = await client.get("/v1/events", params={name: value})
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == name


@pytest.mark.parametrize("value", ["0", "1718236800", "2024-6-1", "13 June 2024"])
async def test_dates_in_filters_are_iso_days_only(client, value):
    response = await client.get("/v1/events", params={"from": value})
    assert response.status_code == 422
    assert "YYYY-MM-DD" in response.text


async def test_from_after_to_is_refused(client):
    response = await client.get("/v1/events", params={"from": "2024-06-14", "to": "2024-06-13"})
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "from"
    ok = await client.get("/v1/events", params={"from": "2024-06-10", "to": "2024-06-20"})
    assert ok.status_code == 200 and len(ok.json()["items"]) == 2


@pytest.mark.parametrize("after", ["1-99999999999999999999", "99999999999999999999-0", "١-١", "1-0\n"])
async def test_a_stream_position_redis_cannot_hold_is_a_400(client, after):
    response = await client.get("/v1/events/stream", params={"after": after})
    assert response.status_code == 400
    assert response.json()["detail"]["field"] == "after"
    if after.isascii() and after.isprintable():  # what an HTTP header can carry
        header = await client.get("/v1/events/stream", headers={"Last-Event-ID": after})
        assert header.status_code == 400
