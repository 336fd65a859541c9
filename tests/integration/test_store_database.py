"""The read model's write rules on a real SQLite file: batches behave exactly like events applied one by one."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from schemas import Bulletin
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, encode
from services.ingest.identity import bulletin_received
from services.store.database import Database
from services.store.queries import EventFilters, list_events
from services.store.rows import read_logged
from services.store.stage import stored_form


@pytest.fixture(scope="module")
def items(normalizer):
    bulletin = Bulletin.model_validate(
        {"source": "desk", "published_at": "2024-06-13", "items": [{"text": "Shelling in Kharkiv on Monday."}]}
    )
    event = bulletin_received(bulletin, datetime.now(UTC))
    first = normalizer.normalize(event, datetime.now(UTC))[0]
    normalizer_v2 = type(normalizer)(normalizer.gazetteer, normalizer.actor_dictionary, version="2.0.0")
    second = normalizer_v2.normalize(event, datetime.now(UTC))[0]
    return first, second


def rows(db):
    return [(r["id"], r["revision"]) for r in list_events(db, EventFilters(), 10, None)["items"]]


@pytest.mark.parametrize("batched", [True, False])
def test_new_revision_replaces_and_counts_and_repeats_are_unchanged(store_url, items, batched):
    first, second = items
    db = Database(store_url)
    events = [("1-0", first), ("2-0", second), ("3-0", second)]
    batches = [events] if batched else [[e] for e in events]
    totals = [db.apply_batch(batch, "log") for batch in batches]
    assert sum(t.written for t in totals) == 2 and sum(t.unchanged for t in totals) == 1
    assert rows(db) == [(second.id, 2)]
    assert db.position("log") == "3-0"


@pytest.mark.parametrize("batched", [True, False])
def test_an_older_revision_arriving_late_does_not_win(store_url, items, batched):
    first, second = items
    db = Database(store_url)
    events = [("5-0", second), ("4-0", first)]
    batches = [events] if batched else [[e] for e in events]
    stale = sum(db.apply_batch(batch, "log").stale for batch in batches)
    assert stale == 1
    assert rows(db) == [(second.id, 1)]


def _contents(db, generation):
    with db.reader.connect() as conn:
        return {
            kind: sorted(tuple(row) for row in conn.execute(select(table)))
            for kind, table in db.tables(generation).items()
        }


def test_rows_read_from_the_logged_json_equal_the_rows_of_the_models(store_url, items):
    first, second = items
    db = Database(store_url)
    events = [("1-0", first), ("2-0", second), ("3-0", first)]
    db.apply_batch(events, "log")
    rebuilt = db.start_rebuild(resume=False)
    entries = [Entry(stream_id, encode(event)) for stream_id, event in events]
    assert all(read_logged(entry.fields[EVENT_FIELD]) for entry in entries)  # the fast path, not the model
    with db.writer.begin() as conn:
        db.apply(conn, rebuilt, [stored_form(entry) for entry in entries], "log")
        live, _ = db.generations(conn)
    assert _contents(db, rebuilt) == _contents(db, live)
