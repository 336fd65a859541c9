"""Small builders shared by the integration tests: an ingest client on a real Redis, and stage runners."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime

import httpx
import uvicorn

from schemas import Bulletin, BulletinReceived
from services.common.embedded import free_port
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


@contextmanager
def serving(app):
    """An ASGI app on a real loopback port, in a thread, for clients that need a URL (push, schemathesis)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(15)
