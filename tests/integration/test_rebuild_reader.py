"""The rebuild's reader process: batches decoded in order beside the writer, failures counted, a death reported."""

import os
import sys

import pytest
from redis import Redis

from services.common.eventlog import encode
from services.normalize.normalizer import Normalizer
from services.operations import replay
from services.operations.replay import decode_stored, decoded_ahead, read_range
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
    assert sum(d.read for d in ahead) == 12 and sum(d.failed for d in ahead) == 1


@pytest.mark.skipif(sys.platform != "linux", reason="the patched decoder reaches the reader by fork (Linux)")
def test_a_reader_that_dies_stops_the_rebuild_with_a_reason(settings, normalizer, monkeypatch):
    _fill(settings, normalizer, 3)
    monkeypatch.setattr(replay, "decode_stored", lambda entries: os._exit(3))  # inherited by the forked reader
    with pytest.raises(RuntimeError, match="died"):
        list(decoded_ahead(settings, settings.streams.normalized, "-", 2))
