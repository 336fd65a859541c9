"""The rebuild's reader process: batches decoded in order beside the writer, failures counted, a death reported."""

import gc
import json
import os
import sys

import pytest
from redis import Redis

from services.common.eventlog import encode
from services.normalize.normalizer import Normalizer
from services.operations import replay
from services.operations.replay import Decoded, decode_stored, decoded_ahead, read_range
from services.store.rows import StoredItem
from tests.integration.helpers import received

pytestmark = pytest.mark.integration


def _fill(settings, normalizer: Normalizer, bulletins: int) -> Redis:
    from datetime import UTC, datetime

    client = Redis.from_url(settings.redis_url, decode_responses=True)
    for n in range(bulletins):
        for item in normalizer.normalize(received(text=f"Shelling near Kharkiv, report {n}."), datetime.now(UTC)):
            client.xadd(settings.streams.normalized, encode(item))
    return client


def test_batches_come_decoded_and_in_log_order(settings, normalizer):
    client = _fill(settings, normalizer, 11)
    client.xadd(settings.streams.normalized, {"event": "{not json"})
    stream = settings.streams.normalized
    ahead = list(decoded_ahead(settings, stream, "-", 4))
    direct = [decode_stored(entries) for entries in read_range(client, stream, "-", "+", 4)]
    assert [d.last_id for d in ahead] == [d.last_id for d in direct]
    assert [d.items for d in ahead] == [d.items for d in direct]
    assert all(isinstance(item, StoredItem) for d in ahead for _, item in d.items)
    assert sum(d.read for d in ahead) == 12 and sum(d.failed for d in ahead) == 1


def test_an_event_read_through_the_model_arrives_the_same(settings, normalizer):
    """A coordinate logged as an integer fails the shape check, so the reader builds that event's rows from the
    model: they cross to the writer as well as the rows read straight from JSON."""
    client = _fill(settings, normalizer, 2)
    stream = settings.streams.normalized
    _, fields = client.xrange(stream, count=1)[0]
    event = json.loads(fields["event"])
    event["data"]["places"][0]["lat"] = 50
    client.xadd(stream, {"event": json.dumps(event)})
    ahead = [item for d in decoded_ahead(settings, stream, "-", 10) for item in d.items]
    direct = [item for entries in read_range(client, stream, "-", "+", 10) for item in decode_stored(entries).items]
    assert ahead == direct and len(ahead) == 3
    assert ahead[-1][1].item[-1] == json.dumps(event)  # the event as logged, not as the model would write it


@pytest.mark.skipif(sys.platform != "linux", reason="the patched decoder reaches the reader by fork (Linux)")
def test_a_row_the_reader_cannot_send_stops_the_rebuild_with_a_reason(settings, normalizer, monkeypatch):
    _fill(settings, normalizer, 2)

    def odd_rows(entries):
        decoded = decode_stored(entries)
        stream_id, item = decoded.items[0]
        decoded.items[0] = (stream_id, item._replace(item=(object(), *item.item[1:])))
        return decoded

    monkeypatch.setattr(replay, "decode_stored", odd_rows)
    with pytest.raises(RuntimeError, match="reading .* failed: ValueError"):
        list(decoded_ahead(settings, settings.streams.normalized, "-", 10))


def test_packed_batches_keep_their_counts_and_rows():
    item = StoredItem("evt_1", "b:0", "b", ("1.2.2", "b", 0, None, 7), [("b:0", 1, "Kyiv", "kyiv", "UA")], [], ("b",))
    decoded = Decoded([("1-0", item)], read=2, failed=1, last_id="1-1")
    back = Decoded.unpacked(decoded.packed())
    assert back == decoded and type(back.items[0][1]) is StoredItem


@pytest.mark.skipif(sys.platform != "linux", reason="the patched decoder reaches the reader by fork (Linux)")
def test_a_reader_that_dies_stops_the_rebuild_with_a_reason(settings, normalizer, monkeypatch):
    _fill(settings, normalizer, 3)
    monkeypatch.setattr(replay, "decode_stored", lambda entries: os._exit(3))  # inherited by the forked reader
    with pytest.raises(RuntimeError, match="died"):
        list(decoded_ahead(settings, settings.streams.normalized, "-", 2))


@pytest.mark.skipif(sys.platform != "linux", reason="the patched decoder reaches the reader by fork (Linux)")
def test_a_failed_rebuild_turns_the_garbage_collector_back_on(settings, normalizer, monkeypatch):
    _fill(settings, normalizer, 2)
    monkeypatch.setattr(replay, "decode_stored", lambda entries: os._exit(3))
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="died"):
        replay.rebuild_store(settings, batch=10, resume=False)
    assert gc.isenabled()
