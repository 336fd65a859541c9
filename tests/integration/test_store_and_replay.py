"""Store and replay on a real Redis and SQLite: upserts, filters, revisions, and rebuilds that match live."""

from datetime import UTC, datetime

import pytest

from schemas.streams import STORE_GROUP
from services.normalize.app import build_loop
from services.normalize.normalizer import Normalizer
from services.operations.replay import rebuild_store, replay_normalize
from services.store.database import Database
from services.store.queries import EventFilters, get_bulletin, get_event, list_events
from services.store.stage import StoreStage
from services.common.hosting import stage_loop
from tests.integration.helpers import add_raw, events_in, received, running, wait_until

pytestmark = pytest.mark.integration


def store_loop(settings, redis, db):
    handler = StoreStage(redis, db, settings.streams.normalized, STORE_GROUP).handle
    return stage_loop(settings, redis, stage="store", partition=settings.streams.only, group=STORE_GROUP, handler=handler)


async def pipeline_through_store(settings, redis, normalizer, bulletins):
    db = Database(settings.store_url)
    for bulletin in bulletins:
        await add_raw(redis, settings, bulletin)
    expected = sum(len(b.data.items) for b in bulletins)
    async with running(build_loop(settings, redis, normalizer)), running(store_loop(settings, redis, db)):
        await wait_until(lambda: _stored(db, expected))
    return db


async def _stored(db, n):
    return len(list_events(db, EventFilters(), 1000, None)["items"]) >= n


def snapshot(db):
    rows = list_events(db, EventFilters(), 1000, None)["items"]
    return [(r["item_id"], r["id"], r["revision"], r["normalizer_version"], r["full_text"]) for r in rows]


BULLETINS = [
    received(lead="Heavy fighting near Kharkiv on Monday.", text="Talks will resume in Geneva on Friday."),
    received(text="Protests in Tbilisi on Tuesday drew thousands.", source="other-desk"),
]


async def test_store_answers_filters_and_pagination(store_settings, redis, normalizer):
    db = await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    everything = list_events(db, EventFilters(), 1000, None)["items"]
    assert len(everything) == 3
    first_page = list_events(db, EventFilters(), 2, None)
    second_page = list_events(db, EventFilters(), 2, first_page["next_cursor"])
    assert [r["item_id"] for r in first_page["items"] + second_page["items"]] == [r["item_id"] for r in everything]
    assert second_page["next_cursor"] is None
    assert [r["source"] for r in list_events(db, EventFilters(source="other-desk"), 10, None)["items"]] == ["other-desk"]
    assert len(list_events(db, EventFilters(q="geneva"), 10, None)["items"]) == 1
    bulletin_id = BULLETINS[0].data.bulletin_id
    assert len(list_events(db, EventFilters(bulletin=bulletin_id), 10, None)["items"]) == 2
    friday = list_events(db, EventFilters(date_from=_d("2024-06-14"), date_to=_d("2024-06-14")), 10, None)["items"]
    assert [r["text"] for r in friday] == ["Talks will resume in Geneva on Friday."]
    assert [i["position"] for i in get_bulletin(db, bulletin_id)["items"]] == [0, 1]
    one = everything[0]
    assert get_event(db, one["id"])["item_id"] == one["item_id"] == get_event(db, one["item_id"])["item_id"]


async def test_replaying_normalize_twice_changes_nothing(store_settings, redis, normalizer):
    db = await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    before, log_length = snapshot(db), await redis.xlen(store_settings.streams.normalized)
    counts = await replay_normalize(store_settings, "-", "+", batch=10, resume=False)
    assert (counts["read"], counts["written"], counts["unchanged"]) == (2, 0, 3)
    await replay_normalize(store_settings, "-", "+", batch=10, resume=False)
    assert await redis.xlen(store_settings.streams.normalized) == log_length
    assert snapshot(db) == before


async def test_a_new_normalizer_version_writes_new_revisions(store_settings, redis, normalizer, monkeypatch):
    db = await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    bumped = Normalizer(normalizer.gazetteer, normalizer.actor_dictionary, version="9.9.9")
    monkeypatch.setattr("services.normalize.normalizer.Normalizer", lambda **_: bumped)
    counts = await replay_normalize(store_settings, "-", "+", batch=10, resume=False)
    assert counts["written"] == 3
    async with running(store_loop(store_settings, redis, db)):
        await wait_until(lambda: _all_version(db, "9.9.9"))
    rows = list_events(db, EventFilters(), 100, None)["items"]
    assert {r["revision"] for r in rows} == {2}


async def test_a_replay_cut_into_runs_on_worker_processes_keeps_the_log_order(store_settings, redis, normalizer):
    bulletins = [received(text=f"Shelling near Kharkiv, report {n}.", source=f"desk-{n % 3}") for n in range(12)]
    for bulletin in bulletins:
        await add_raw(redis, store_settings, bulletin)
    # 12 entries in one batch on 2 processes: 4 runs, committed one after the other
    counts = await replay_normalize(store_settings, "-", "+", batch=12, resume=False, processes=2)
    assert (counts["read"], counts["written"], counts["failed"]) == (12, 12, 0)
    replayed = await events_in(redis, store_settings.streams.normalized)
    expected = [item for bulletin in bulletins for item in normalizer.normalize(bulletin, datetime.now(UTC))]
    assert [e["id"] for e in replayed] == [e.id for e in expected]
    assert [e["data"] for e in replayed] == [e.data.model_dump(mode="json") for e in expected]


async def test_a_replay_on_worker_processes_writes_what_one_process_would(store_settings, redis, normalizer, monkeypatch):
    await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    before = await redis.xlen(store_settings.streams.normalized)
    bumped = Normalizer(normalizer.gazetteer, normalizer.actor_dictionary, version="9.9.9")
    monkeypatch.setattr("services.normalize.normalizer.Normalizer", lambda **_: bumped)
    counts = await replay_normalize(store_settings, "-", "+", batch=1, resume=False, processes=2)
    assert (counts["read"], counts["written"], counts["failed"]) == (2, 3, 0)
    replayed = (await events_in(redis, store_settings.streams.normalized))[before:]
    expected = [item for bulletin in BULLETINS for item in bumped.normalize(bulletin, datetime.now(UTC))]
    assert [e["id"] for e in replayed] == [e.id for e in expected]
    assert [e["data"] for e in replayed] == [e.data.model_dump(mode="json") for e in expected]


async def test_a_replay_stops_at_an_entry_the_normaliser_fails_on_and_names_it(store_settings, redis, normalizer, monkeypatch):
    await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    broken_id = (await redis.xrange(store_settings.streams.raw))[1][0]

    bumped = Normalizer(normalizer.gazetteer, normalizer.actor_dictionary, version="9.9.9")

    class Broken:
        version = "9.9.9"

        def normalize(self, event, recorded_at):
            if event.data.source == "other-desk":
                raise ValueError("normaliser bug")
            return bumped.normalize(event, recorded_at)

    monkeypatch.setattr("services.normalize.normalizer.Normalizer", lambda **_: Broken())
    before = await redis.xlen(store_settings.streams.normalized)
    with pytest.raises(RuntimeError, match=f"raw entry {broken_id}.*normaliser bug"):
        await replay_normalize(store_settings, "-", "+", batch=1, resume=False)
    # the batch before it was committed (the first bulletin's 2 items, as version 9.9.9), nothing of the failing one,
    # and a resumed replay starts right after the committed batch
    replayed = (await events_in(redis, store_settings.streams.normalized))[before:]
    assert [e["data"]["bulletin_id"] for e in replayed] == [BULLETINS[0].data.bulletin_id] * 2
    first_id = (await redis.xrange(store_settings.streams.raw))[0][0]
    assert await redis.get(store_settings.streams.only.replay_cursor("normalize")) == first_id


async def test_rebuild_reproduces_the_live_store(store_settings, redis, normalizer):
    db = await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    live = snapshot(db)
    counts = rebuild_store(store_settings, batch=2, resume=False)
    assert counts["read"] == 3
    assert snapshot(Database(store_settings.store_url)) == live


async def test_an_interrupted_rebuild_resumes_to_the_same_result(store_settings, redis, normalizer):
    db = await pipeline_through_store(store_settings, redis, normalizer, BULLETINS)
    live = snapshot(db)
    generation = db.start_rebuild(resume=False)
    # the first batch of an interrupted rebuild: applied and positioned, never swapped in
    from services.store.stage import decode_item
    from services.common.eventlog import Entry

    first = (await redis.xrange(store_settings.streams.normalized, count=1))[0]
    with db.writer.begin() as conn:
        db.apply(conn, generation, [(first[0], decode_item(Entry(*first)))], store_settings.streams.normalized)
    assert snapshot(db) == live  # queries still served by the old generation
    counts = rebuild_store(store_settings, batch=2, resume=True)
    assert counts["read"] == 2
    assert snapshot(Database(store_settings.store_url)) == live


async def _all_version(db, version):
    rows = list_events(db, EventFilters(), 100, None)["items"]
    return rows and all(r["normalizer_version"] == version for r in rows)


def _d(text):
    from datetime import date

    return date.fromisoformat(text)
