"""How the stages meet failures outside the entries, on a real Redis and store: a database that is down never
dead-letters good entries, an event the database refuses fails alone, a server error never ends a loop, a
newer schema waits for a newer worker, and the reasons kept for retries go once an entry succeeds."""

import asyncio
import json

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlalchemy.exc import DataError, OperationalError

from schemas import ItemNormalized
from schemas.streams import STORE_GROUP
from services.common.eventlog import Entry, NewerVersion, PermanentError, encode
from services.common.hosting import stage_loop
from services.normalize.app import build_loop
from services.operations.dead_letters import list_dead_letters
from services.operations.replay import rebuild_store
from services.store.database import Database
from services.store.queries import EventFilters, list_events
from services.store.stage import StoreStage
from tests.integration.helpers import add_raw, received, running, wait_until

pytestmark = pytest.mark.integration


def items(normalizer, *texts):
    return [item for text in texts for item in normalizer.normalize(received(text=text), received().recorded_at)]


def store_loop(settings, redis, db):
    handler = StoreStage(redis, db, settings.streams.normalized, STORE_GROUP).handle
    return stage_loop(settings, redis, stage="store", partition=settings.streams.only, group=STORE_GROUP, handler=handler)


def stored_texts(db):
    return sorted(row["full_text"] for row in list_events(db, EventFilters(), 1000, None)["items"])


def refusing(monkeypatch, poisoned: str):
    """The database refuses rows whose text holds `poisoned`, as PostgreSQL refuses a value too long for its
    column: after the statement ran, so what the failed event wrote must be rolled back with it."""
    from services.store import bulk

    real = bulk.insert_rows

    def insert_rows(conn, table, columns, rows):
        real(conn, table, columns, rows)
        if any(poisoned in value for row in rows for value in row if isinstance(value, str)):
            raise DataError("INSERT ...", None, Exception("value too long for type character varying(200)"))

    monkeypatch.setattr(bulk, "insert_rows", insert_rows)


async def test_a_database_outage_holds_the_batch_and_dead_letters_nothing(store_settings, redis, normalizer, monkeypatch):
    settings = store_settings.model_copy(update={"max_deliveries": 1})  # any counted failure would dead-letter
    db = Database(settings.store_url)
    for item in items(normalizer, "Shelling hit Kharkiv on Monday.", "Talks in Geneva on Friday."):
        await redis.xadd(settings.streams.normalized, encode(item))
    real, outage = Database.apply_batch, {"left": 3}

    def down_for_a_while(self, events, stream):
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("BEGIN", None, Exception("the database system is starting up"))
        return real(self, events, stream)

    monkeypatch.setattr(Database, "apply_batch", down_for_a_while)
    seen_waiting = []

    async def stored_while_watching():
        seen_waiting.append(waiting())
        return await _stored(db, 2)

    async with running(store_loop(settings, redis, db)):
        await wait_until(stored_while_watching)
    assert outage["left"] == 0
    assert max(seen_waiting) == 1 and waiting() == 0  # the gauge an operator alerts on
    assert await list_dead_letters(redis, settings.streams, "store") == []
    assert await redis.hlen(settings.streams.only.errors("store")) == 0


async def test_an_event_the_database_refuses_fails_alone(store_settings, redis, normalizer, monkeypatch):
    db = Database(store_settings.store_url)
    for item in items(normalizer, "Shelling hit Kharkiv on Monday.", "OVERSIZED actor here.", "Talks in Geneva."):
        await redis.xadd(store_settings.streams.normalized, encode(item))
    refusing(monkeypatch, "OVERSIZED")
    async with running(store_loop(store_settings, redis, db)):
        dead = await wait_until(lambda: list_dead_letters(redis, store_settings.streams, "store"))
        await wait_until(lambda: _stored(db, 2))
    assert stored_texts(db) == ["Shelling hit Kharkiv on Monday.", "Talks in Geneva."]
    assert len(dead) == 1 and "refused" in dead[0]["error"] and "too long" in dead[0]["error"]


async def test_a_rebuild_leaves_out_an_event_the_database_refuses_and_finishes(store_settings, redis, normalizer, monkeypatch):
    db = Database(store_settings.store_url)
    for item in items(normalizer, "Shelling hit Kharkiv on Monday.", "OVERSIZED actor here.", "Talks in Geneva."):
        await redis.xadd(store_settings.streams.normalized, encode(item))
    refusing(monkeypatch, "OVERSIZED")
    counts = rebuild_store(store_settings, batch=2, resume=False)
    assert (counts["read"], counts["written"], counts["failed"]) == (3, 2, 1)
    assert stored_texts(Database(store_settings.store_url)) == ["Shelling hit Kharkiv on Monday.", "Talks in Geneva."]


async def test_a_rebuild_frees_each_refused_batch_as_it_goes(store_settings, redis, normalizer, monkeypatch):
    """The garbage collector is off while a rebuild runs, and a caught database error holds its batch in a
    reference cycle: each refused batch must still be freed before the next ones, not kept until the end."""
    import weakref

    from services.operations import replay
    from services.store import bulk

    for n in range(4):
        for item in items(normalizer, f"OVERSIZED report {n}.", f"Talks in Geneva, round {n}."):
            await redis.xadd(store_settings.streams.normalized, encode(item))
    real_insert = bulk.insert_rows

    def insert_rows(conn, table, columns, rows):  # refused by the database itself, through SQLAlchemy's handling
        real_insert(conn, table, columns, rows)
        if table.name.startswith("items_") and any("OVERSIZED" in str(value) for row in rows for value in row):
            conn.exec_driver_sql(f"INSERT INTO {table.name} (item_id) VALUES (NULL)")  # NOT NULL: IntegrityError

    monkeypatch.setattr(bulk, "insert_rows", insert_rows)
    real, batches, older_alive = replay.decoded_ahead, [], []

    def watched(*args, **kwargs):
        for decoded in real(*args, **kwargs):
            # The rebuild still holds the batch before this one in its loop variable; none older may be alive.
            older_alive.append(sum(ref() is not None for ref in batches[:-1]))
            batches.append(weakref.ref(decoded))
            yield decoded

    monkeypatch.setattr(replay, "decoded_ahead", watched)
    counts = replay.rebuild_store(store_settings, batch=2, resume=False)
    assert (counts["read"], counts["written"], counts["failed"]) == (8, 4, 4)
    assert len(older_alive) == 4 and older_alive == [0, 0, 0, 0]


@pytest.fixture
def postgres_settings(settings, postgres_admin_url):
    """PostgreSQL only: SQLite does not enforce column lengths, so it stores what PostgreSQL refuses."""
    from tests.conftest import fresh_postgres_database

    if postgres_admin_url is None:
        pytest.skip("PostgreSQL: no server answered (set POSTGRES_URL or start one on 127.0.0.1:5432)")
    with fresh_postgres_database(postgres_admin_url) as url:
        yield settings.model_copy(update={"store_url": url})


async def test_a_value_postgresql_cannot_hold_fails_its_event_alone(postgres_settings, redis, normalizer):
    store_settings = postgres_settings
    db = Database(store_settings.store_url)
    good, odd = items(normalizer, "Shelling hit Kharkiv on Monday.", "President Zelensky spoke in Kyiv.")
    odd_json = json.loads(odd.model_dump_json())
    odd_json["data"]["actors"][0]["name"] = "Z" * 300  # valid for the schema, too long for the column
    await redis.xadd(store_settings.streams.normalized, encode(good))
    await redis.xadd(store_settings.streams.normalized, {"event": json.dumps(odd_json)})
    async with running(store_loop(store_settings, redis, db)):
        dead = await wait_until(lambda: list_dead_letters(redis, store_settings.streams, "store"))
        await wait_until(lambda: _stored(db, 1))
    assert stored_texts(db) == ["Shelling hit Kharkiv on Monday."]
    assert "refused" in dead[0]["error"] and "too long" in dead[0]["error"]


def test_a_read_only_postgresql_is_a_database_that_is_down(postgres_admin_url):
    from sqlalchemy import text

    from services.store.database import database_down, make_engines

    if postgres_admin_url is None:
        pytest.skip("PostgreSQL: no server answered (set POSTGRES_URL or start one on 127.0.0.1:5432)")
    engine, _ = make_engines(postgres_admin_url)  # the store's own engine
    with pytest.raises(Exception) as raised, engine.begin() as conn:
        conn.execute(text("SET TRANSACTION READ ONLY"))
        conn.execute(text("CREATE TEMPORARY TABLE wl_read_only_probe (n int)"))
    engine.dispose()
    assert database_down(raised.value)
    # Its connection is dropped: the retry opens one to whichever server answers now, not the same session.
    assert raised.value.connection_invalidated
    assert not database_down(DataError("INSERT", None, Exception("value too long")))


async def test_a_batch_waiting_through_restarts_is_not_dead_lettered(settings, redis):
    from services.common.eventlog import Unavailable

    down = {"yes": True}
    handled, calls = [], []

    async def store_down(entries):
        calls.append(len(entries))
        if down["yes"]:
            raise Unavailable("store database: connection refused")
        handled.extend(entry.id for entry in entries)
        await redis.xack(settings.streams.normalized, STORE_GROUP, *[entry.id for entry in entries])
        return {}

    ids = [await redis.xadd(settings.streams.normalized, {"event": "{}"}) for _ in range(3)]
    named = settings.model_copy(update={"replica": "fixed"})  # the same consumer after each restart
    for _ in range(named.max_deliveries + 2):
        loop = stage_loop(named, redis, stage="store", partition=named.streams.only, group=STORE_GROUP,
                          handler=store_down)
        waited = len(calls)
        async with running(loop):  # stopped once its batch waits for the store, as an operator's restart would
            await wait_until(lambda: _more(calls, waited))
    down["yes"] = False
    loop = stage_loop(named, redis, stage="store", partition=named.streams.only, group=STORE_GROUP, handler=store_down)
    async with running(loop):
        await wait_until(lambda: _acked(redis, named.streams.normalized, STORE_GROUP))
    assert handled == ids
    assert await list_dead_letters(redis, named.streams, "store") == []


async def test_a_batch_waiting_when_its_partition_must_go_is_handed_over_uncounted(settings, redis):
    from services.common.assignment import Assignment
    from services.common.eventlog import Unavailable

    two = settings.model_copy(update={"partitions": 2, "lease_ms": 2000})
    first = Assignment(redis, two.streams, "store", "first", two.lease_ms)
    await first.rebalance()
    assert first.held == {0, 1}  # alone, it takes both
    calls = []

    async def store_down(entries):
        calls.append(len(entries))
        raise Unavailable("store database: connection refused")

    ids = {n: await redis.xadd(two.streams.partition(n).normalized, {"event": "{}"}) for n in (0, 1)}
    loops = [stage_loop(two, redis, stage="store", partition=two.streams.partition(n), group=STORE_GROUP,
                        handler=store_down, assignment=first) for n in (0, 1)]
    async with running(loops[0]), running(loops[1]):
        await wait_until(lambda: _more(calls, 1))  # both batches wait
        second = Assignment(redis, two.streams, "store", "second", two.lease_ms)
        await second.rebalance()  # a second worker joins: the first must hand one partition over
        await first.rebalance()
        (surplus,) = first.surplus
        await wait_until(lambda: _released(first, surplus))
        stream = two.streams.partition(surplus).normalized
        (entry,) = await redis.xpending_range(stream, STORE_GROUP, min="-", max="+", count=10)
        assert entry["message_id"] == ids[surplus] and entry["times_delivered"] == 0
        assert await second.rebalance() is None and surplus in second.held  # the lease is free for the other worker


async def test_a_server_error_never_ends_a_loop(settings, redis, normalizer):
    loop = build_loop(settings, redis, normalizer)
    real_read, refused = loop._read_new, []

    async def read_after_a_failover():
        if len(refused) < 2:
            refused.append(1)
            raise ResponseError("UNBLOCKED the stream key no longer exists or the server is now a replica")
        await real_read()

    loop._read_new = read_after_a_failover
    await add_raw(redis, settings, received(text="After the failover."))
    async with running(loop):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1))
    assert refused == [1, 1]


async def test_the_reason_kept_for_a_retry_goes_once_the_entry_succeeds(settings, redis):
    calls = []

    async def fails_once(entries):  # a handler acks what it did, as the stages do
        calls.append([entry.id for entry in entries])
        if len(calls) == 1:
            return {entries[0].id: RuntimeError("flaky")}
        await redis.xack(settings.streams.normalized, STORE_GROUP, *[entry.id for entry in entries])
        return {}

    loop = stage_loop(settings, redis, stage="store", partition=settings.streams.only, group=STORE_GROUP,
                      handler=fails_once)
    entry_id = await redis.xadd(settings.streams.normalized, {"event": "{}"})
    async with running(loop):
        await wait_until(lambda: _acked(redis, settings.streams.normalized, STORE_GROUP))
    assert calls == [[entry_id], [entry_id]]
    assert await redis.hlen(settings.streams.only.errors("store")) == 0
    assert await list_dead_letters(redis, settings.streams, "store") == []


async def test_an_entry_that_keeps_killing_a_named_worker_is_dead_lettered(settings, redis):
    named = settings.model_copy(update={"replica": "fixed"})
    stream, consumer = named.streams.normalized, named.consumer_name("store")
    await redis.xgroup_create(stream, STORE_GROUP, id="0", mkstream=True)
    entry_id = await redis.xadd(stream, {"event": "{}"})
    for _ in range(named.max_deliveries):  # read, then the process died before acking: same name each time
        await redis.xreadgroup(STORE_GROUP, consumer, {stream: "0" if _ else ">"})
    handled = []

    async def handler(entries):
        handled.extend(entry.id for entry in entries)
        return {}

    loop = stage_loop(named, redis, stage="store", partition=named.streams.only, group=STORE_GROUP, handler=handler)
    async with running(loop):
        dead = await wait_until(lambda: list_dead_letters(redis, named.streams, "store"))
    assert handled == [] and dead[0]["original_id"] == entry_id
    assert int(dead[0]["attempts"]) >= named.max_deliveries


async def test_an_event_of_a_newer_schema_is_retried_not_dead_lettered(store_settings, redis, normalizer):
    (item,) = items(normalizer, "Shelling hit Kharkiv on Monday.")
    newer = json.loads(item.model_dump_json()) | {"schema_version": ItemNormalized.model_fields["schema_version"].default + 1}
    newer["data"]["unknown_new_field"] = {"shape": "not known here"}
    stage = StoreStage(redis, Database(store_settings.store_url), store_settings.streams.normalized, STORE_GROUP)
    failures = await stage.handle([Entry("1-1", {"event": json.dumps(newer)})])
    assert isinstance(failures["1-1"], NewerVersion) and not isinstance(failures["1-1"], PermanentError)
    assert "newer than this reader" in str(failures["1-1"])


async def _stored(db, n):
    return len(list_events(db, EventFilters(), 1000, None)["items"]) >= n


async def _length(redis, stream, n):
    return await redis.xlen(stream) >= n


def waiting(stage="store"):
    from services.common import metrics

    return metrics.REGISTRY.get_sample_value("wirelog_stage_waiting_batches", {"stage": stage}) or 0.0


async def _released(assignment, partition):
    return partition not in assignment.held


async def _more(calls, than):
    return len(calls) > than


async def _acked(redis, stream, group):
    groups = await redis.xinfo_groups(stream)
    return any(g["name"] == group and g["pending"] == 0 and g.get("lag", 0) == 0 for g in groups)


async def test_replay_and_rebuild_count_an_event_of_a_newer_schema_and_go_on(store_settings, redis, normalizer):
    from services.operations.replay import replay_normalize

    good = received(text="Shelling hit Kharkiv on Monday.")
    newer_raw = json.loads(received(text="Talks in Geneva.").model_dump_json()) | {"schema_version": 99}
    await add_raw(redis, store_settings, good)
    await redis.xadd(store_settings.streams.raw, {"event": json.dumps(newer_raw)})
    counts = await replay_normalize(store_settings, "-", "+", 10, resume=False, processes=0)
    assert (counts["read"], counts["written"], counts["failed"]) == (2, 1, 1)
    (item,) = items(normalizer, "Talks in Geneva on Friday.")
    newer_item = json.loads(item.model_dump_json()) | {"schema_version": 99}
    await redis.xadd(store_settings.streams.normalized, {"event": json.dumps(newer_item)})
    Database(store_settings.store_url)
    rebuilt = rebuild_store(store_settings, batch=10, resume=False)
    assert (rebuilt["read"], rebuilt["written"], rebuilt["failed"]) == (2, 1, 1)


async def test_a_batch_read_ahead_when_the_loop_stops_is_left_pending_uncounted_and_handled_next_time(settings, redis):
    """The loop reads the next batch while a full one is handled; stopped in between, it gives that batch back."""
    from services.common.eventlog import ensure_group

    named = settings.model_copy(update={"replica": "fixed", "batch_size": 2})
    stream, handled = named.streams.normalized, []
    await ensure_group(redis, stream, STORE_GROUP)
    ids = [await redis.xadd(stream, {"event": "{}"}) for _ in range(4)]

    async def handle(entries):
        handled.extend(entry.id for entry in entries)
        await redis.xack(stream, STORE_GROUP, *[entry.id for entry in entries])
        if len(handled) == 2:
            loop.stop()  # the second batch has been read ahead by now
            await wait_until(lambda: _pending_count(redis, stream, 2))
        return {}

    loop = stage_loop(named, redis, stage="store", partition=named.streams.only, group=STORE_GROUP, handler=handle)
    async with running(loop):
        await wait_until(lambda: _pending_count(redis, stream, 2))
    assert handled == ids[:2]
    pending = await redis.xpending_range(stream, STORE_GROUP, min="-", max="+", count=10)
    assert [(p["message_id"], p["times_delivered"]) for p in pending] == [(ids[2], 0), (ids[3], 0)]
    loop = stage_loop(named, redis, stage="store", partition=named.streams.only, group=STORE_GROUP, handler=handle)
    async with running(loop):
        await wait_until(lambda: _acked(redis, stream, STORE_GROUP))
    assert handled == ids  # each once, in order


async def test_after_an_error_a_batch_read_ahead_is_handled_once_at_its_first_delivery(settings, redis):
    small = settings.model_copy(update={"batch_size": 2})
    stream, first_tried_at, failed = small.streams.normalized, {}, []
    ids = [await redis.xadd(stream, {"event": "{}"}) for _ in range(6)]

    async def handle(entries):
        if not failed:
            failed.append(1)
            await asyncio.sleep(0.05)  # the next batch is read ahead meanwhile
            raise RedisConnectionError("connection reset by peer")  # the loop starts over from its pending entries
        for entry in entries:
            assert entry.id not in first_tried_at, "handled twice"
            first_tried_at[entry.id] = await _deliveries(redis, stream, entry.id)
        await redis.xack(stream, STORE_GROUP, *[entry.id for entry in entries])
        return {}

    loop = stage_loop(small, redis, stage="store", partition=small.streams.only, group=STORE_GROUP, handler=handle)
    async with running(loop):
        await wait_until(lambda: _all_in(first_tried_at, ids))
    # the batch that failed comes back at its second delivery; the one read ahead was never tried: its first
    assert [first_tried_at[i] for i in ids] == [2, 2, 1, 1, 1, 1]


async def test_a_batch_read_ahead_during_a_long_batch_is_not_reclaimed_by_its_own_loop(settings, redis):
    quick = settings.model_copy(update={"batch_size": 2, "claim_idle_ms": 100})
    stream, handled, first_tried_at = quick.streams.normalized, [], {}
    ids = [await redis.xadd(stream, {"event": "{}"}) for _ in range(4)]

    async def handle(entries):
        if not handled:
            await asyncio.sleep(0.4)  # longer than claim_idle_ms: the batch read ahead has been idle as long
        for entry in entries:
            first_tried_at.setdefault(entry.id, await _deliveries(redis, stream, entry.id))
        handled.extend(entry.id for entry in entries)
        await redis.xack(stream, STORE_GROUP, *[entry.id for entry in entries])
        return {}

    loop = stage_loop(quick, redis, stage="store", partition=quick.streams.only, group=STORE_GROUP, handler=handle)
    async with running(loop):
        await wait_until(lambda: _all_in(first_tried_at, ids))
        await asyncio.sleep(0.3)  # a reclaim would have come by now
    assert handled == ids
    assert [first_tried_at[i] for i in ids] == [1, 1, 1, 1]


async def _deliveries(redis, stream, entry_id):
    (entry,) = await redis.xpending_range(stream, STORE_GROUP, min=entry_id, max=entry_id, count=1)
    return entry["times_delivered"]


async def _all_in(seen, ids):
    return all(i in seen for i in ids)


async def _pending_count(redis, stream, n):
    return (await redis.xpending(stream, STORE_GROUP))["pending"] == n


