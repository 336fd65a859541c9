"""The live stream follower on a real Redis and store: it sends what the read model holds, in log order, resumable."""

import asyncio
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas import Bulletin
from services.common.eventlog import encode
from services.ingest.identity import bulletin_received
from services.ingest.parsing import parse_live_update
from services.store.database import Database
from services.store.live import follow
from services.store.queries import EventFilters, list_events
from tests.integration.helpers import wait_until

pytestmark = pytest.mark.integration

WEB_FIXTURES = Path(__file__).parents[1] / "fixtures" / "web"


def normalized(normalizer, name: str) -> list:
    record = parse_live_update((WEB_FIXTURES / name).read_text(encoding="utf-8"), "live-desk")
    return normalizer.normalize(bulletin_received(Bulletin.model_validate(record), datetime.now(UTC)), datetime.now(UTC))


async def logged(redis, stream: str, events: list) -> list[str]:
    return [await redis.xadd(stream, encode(event)) for event in events]


@asynccontextmanager
async def collecting(items):
    """Runs a follower in the background; yields the list it appends (stream id, item) pairs to."""
    received: list = []

    async def run():
        async for pair in items:
            received.append(pair)

    task = asyncio.create_task(run())
    try:
        yield received
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def has(received, count):
    return len(received) >= count


async def test_items_are_sent_once_stored_in_log_order_under_their_stream_ids(store_settings, redis, normalizer):
    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    events = normalized(normalizer, "bulletin-2022-03-31.txt")
    ids = await logged(redis, stream, events)
    async with collecting(follow(redis, db, [stream], EventFilters(), after=None, poll=0.02)) as received:
        await asyncio.sleep(0.3)
        assert received == []  # in the log, not yet in the read model: nothing to send
        db.apply_batch(list(zip(ids, events)), stream)
        await wait_until(lambda: has(received, 7))
        await asyncio.sleep(0.2)
    assert [stream_id for stream_id, _ in received] == ids
    assert [item["item_id"] for _, item in received] == [event.data.item_id for event in events]
    assert received[2][1]["full_text"] == events[2].data.full_text


async def test_a_reconnect_resumes_right_after_the_last_event_id(store_settings, redis, normalizer):
    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    events = normalized(normalizer, "bulletin-2022-03-31.txt") + normalized(normalizer, "bulletin-2022-04-02.txt")
    ids = await logged(redis, stream, events)
    db.apply_batch(list(zip(ids, events)), stream)
    async with collecting(follow(redis, db, [stream], EventFilters(), after=[ids[6]], poll=0.02)) as received:
        await wait_until(lambda: has(received, 3))
        await asyncio.sleep(0.2)
    assert [stream_id for stream_id, _ in received] == ids[7:]


async def test_a_first_connection_starts_at_the_stored_position(store_settings, redis, normalizer):
    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    old, new = normalized(normalizer, "bulletin-2022-03-31.txt"), normalized(normalizer, "bulletin-2022-04-03.txt")
    db.apply_batch(list(zip(await logged(redis, stream, old), old)), stream)
    async with collecting(follow(redis, db, [stream], EventFilters(), after=None, poll=0.02)) as received:
        await asyncio.sleep(0.2)
        new_ids = await logged(redis, stream, new)
        db.apply_batch(list(zip(new_ids, new)), stream)
        await wait_until(lambda: has(received, 3))
        await asyncio.sleep(0.2)
    assert [stream_id for stream_id, _ in received] == new_ids


async def test_the_filters_are_those_of_the_query_api(store_settings, redis, normalizer):
    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    events = normalized(normalizer, "bulletin-2022-03-31.txt") + normalized(normalizer, "bulletin-2022-04-02.txt")
    filters = EventFilters(place="kyiv")
    async with collecting(follow(redis, db, [stream], filters, after=["0-0"], poll=0.02)) as received:
        db.apply_batch(list(zip(await logged(redis, stream, events), events)), stream)
        expected = [item["item_id"] for item in list_events(db, filters, 100, None)["items"]]
        await wait_until(lambda: has(received, len(expected)))
        await asyncio.sleep(0.2)
    assert 0 < len(expected) < len(events)
    assert sorted(item["item_id"] for _, item in received) == sorted(expected)


async def test_entries_the_store_ignored_are_passed_over(store_settings, redis, normalizer):
    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    first = normalized(normalizer, "bulletin-2022-04-03.txt")[0]
    revised = first.model_copy(
        update={"id": "ev_revised", "data": first.data.model_copy(update={"normalizer_version": "next"})}
    )
    # The same event logged twice (a retried write), then a newer revision of the same item.
    entries = list(zip(await logged(redis, stream, [first, first, revised]), [first, first, revised]))
    db.apply_batch(entries, stream)
    async with collecting(follow(redis, db, [stream], EventFilters(), after=["0-0"], poll=0.02)) as received:
        await wait_until(lambda: has(received, 1))
        await asyncio.sleep(0.3)
    assert [(stream_id, item["id"], item["revision"]) for stream_id, item in received] == [(entries[2][0], "ev_revised", 2)]


async def test_an_entry_stored_after_later_ones_is_still_sent_in_log_order(store_settings, redis, normalizer):
    from schemas.streams import STORE_GROUP

    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    events = normalized(normalizer, "bulletin-2022-03-31.txt")[:3]
    await redis.xgroup_create(stream, STORE_GROUP, id="0", mkstream=True)
    ids = await logged(redis, stream, events)
    await redis.xreadgroup(STORE_GROUP, "store-1", {stream: ">"})  # delivered to the store, all three pending
    async with collecting(follow(redis, db, [stream], EventFilters(), after=["0-0"], poll=0.02)) as received:
        # The second fails and waits for a retry; the first and third are stored and acked.
        db.apply_batch([(ids[0], events[0])], stream)
        await redis.xack(stream, STORE_GROUP, ids[0])
        db.apply_batch([(ids[2], events[2])], stream)
        await redis.xack(stream, STORE_GROUP, ids[2])
        await wait_until(lambda: has(received, 1))
        await asyncio.sleep(0.3)
        assert [stream_id for stream_id, _ in received] == [ids[0]]  # the third waits for the second
        db.apply_batch([(ids[1], events[1])], stream)  # the retry succeeds
        await redis.xack(stream, STORE_GROUP, ids[1])
        await wait_until(lambda: has(received, 3))
        await asyncio.sleep(0.2)
    assert [stream_id for stream_id, _ in received] == ids


async def second_still_retrying(store_settings, redis, normalizer):
    """Three entries delivered to the store: the first and third stored and acked, the second pending (failed,
    waiting for a retry)."""
    from schemas.streams import STORE_GROUP

    db, stream = Database(store_settings.store_url), store_settings.streams.normalized
    events = normalized(normalizer, "bulletin-2022-03-31.txt")[:3]
    await redis.xgroup_create(stream, STORE_GROUP, id="0", mkstream=True)
    ids = await logged(redis, stream, events)
    await redis.xreadgroup(STORE_GROUP, "store-1", {stream: ">"})
    db.apply_batch([(ids[0], events[0]), (ids[2], events[2])], stream)
    await redis.xack(stream, STORE_GROUP, ids[0], ids[2])
    return db, stream, events, ids


async def test_a_new_follower_starts_before_an_entry_the_store_is_still_retrying(store_settings, redis, normalizer):
    from schemas.streams import STORE_GROUP

    db, stream, events, ids = await second_still_retrying(store_settings, redis, normalizer)
    async with collecting(follow(redis, db, [stream], EventFilters(), after=None, poll=0.02)) as received:
        await asyncio.sleep(0.3)
        assert received == []  # the first was stored before it came; the third waits for the second
        db.apply_batch([(ids[1], events[1])], stream)
        await redis.xack(stream, STORE_GROUP, ids[1])
        await wait_until(lambda: has(received, 2))
        await asyncio.sleep(0.2)
    assert [stream_id for stream_id, _ in received] == ids[1:]


async def test_the_overview_position_stops_before_an_entry_the_store_is_still_retrying(
    store_settings, redis, normalizer
):
    import httpx

    from schemas.streams import STORE_GROUP
    from services.store.app import create_app

    db, stream, events, ids = await second_still_retrying(store_settings, redis, normalizer)
    app = create_app(store_settings, consume=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://store") as client:
            held = (await client.get("/v1/overview")).json()["position"]
            db.apply_batch([(ids[1], events[1])], stream)
            await redis.xack(stream, STORE_GROUP, ids[1])
            settled = (await client.get("/v1/overview")).json()["position"]
    def key(stream_id):
        return tuple(int(part) for part in stream_id.split("-"))

    assert key(ids[0]) <= key(held) < key(ids[1])  # resuming there sends the second once stored, then the third
    assert settled == ids[2]
