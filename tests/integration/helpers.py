"""Small builders shared by the integration tests: an ingest client on a real Redis, and stage runners."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx

from schemas import Bulletin, BulletinReceived
from services.common.eventlog import StageLoop, encode
from services.ingest.app import create_app
from services.ingest.identity import bulletin_received


@asynccontextmanager
async def ingest_client(settings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            yield client


def received(text: str = "Shelling hit Kharkiv on Monday.", source: str = "desk", **fields) -> BulletinReceived:
    record = {"source": source, "published_at": "2024-06-13", "items": [{"text": text}], **fields}
    return bulletin_received(Bulletin.model_validate(record), datetime.now(UTC))


async def add_raw(redis, settings, event: BulletinReceived) -> str:
    return await redis.xadd(settings.streams.raw, encode(event))


async def events_in(redis, stream: str) -> list[dict]:
    return [json.loads(fields["event"]) for _, fields in await redis.xrange(stream)]


@asynccontextmanager
async def running(loop: StageLoop):
    task = asyncio.create_task(loop.run())
    try:
        yield loop
    finally:
        loop.stop()
        await asyncio.wait_for(task, 10)


async def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
