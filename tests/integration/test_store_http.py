"""The store service over HTTP: exports that load cleanly into pandas, and metrics that follow the data."""

import io

import httpx
import pandas
import pytest

from services.store.app import create_app
from tests.integration.helpers import received
from tests.integration.test_store_and_replay import pipeline_through_store

pytestmark = pytest.mark.integration


async def test_csv_export_loads_into_pandas_one_row_per_item(store_settings, redis, normalizer):
    await pipeline_through_store(
        store_settings, redis, normalizer, [received(lead="Shelling hit Kharkiv on Monday.", text="Talks in Geneva, Friday.")]
    )
    app = create_app(store_settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as client:
            csv = await client.get("/v1/exports/events", params={"format": "csv"})
            ndjson = await client.get("/v1/exports/events", params={"format": "ndjson", "q": "geneva"})
            scraped = (await client.get("/metrics")).text
    frame = pandas.read_csv(io.StringIO(csv.text))
    assert len(frame) == 2
    assert list(frame["position"]) == [0, 1]
    assert frame.loc[0, "event_date"] == "2024-06-10"
    assert len(ndjson.text.strip().splitlines()) == 1
    assert "wirelog_store_items 2.0" in scraped
    assert f'wirelog_stream_length{{stream="{store_settings.streams.normalized}"}} 2.0' in scraped


async def test_store_serves_the_published_contract(store_settings):
    import json

    from schemas.export import ASYNCAPI

    app = create_app(store_settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as client:
            listing = (await client.get("/v1/schemas")).json()["documents"]
            asyncapi = await client.get("/v1/schemas/asyncapi.json")
            missing = await client.get("/v1/schemas/..%2Fpyproject.toml")
    assert "item_normalized.v1.schema.json" in listing and "asyncapi.json" in listing
    assert asyncapi.json() == json.loads(ASYNCAPI.read_text())
    assert missing.status_code == 404
