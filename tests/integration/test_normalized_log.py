"""The commit script of wirelog:normalized on a real Redis: heads, acks and big batches, one call each."""

from datetime import UTC, datetime

import pytest

from schemas import ItemNormalized
from schemas.streams import NORMALIZE_GROUP
from services.common.eventlog import encode, ensure_group
from services.normalize.log_writer import NormalizedLog
from services.normalize.workers import Normalized, serialized
from tests.integration.helpers import events_in, received

pytestmark = pytest.mark.integration


def item_event(item_id: str, version: str = "1") -> Normalized:
    """A normalised item with no mentions, serialised: only its ids matter to the commit script."""
    bulletin_id = item_id.split(":")[0]
    return serialized(ItemNormalized.model_validate(
        {
            "id": f"evt_{item_id}_v{version}",
            "occurred_at": datetime(2024, 6, 13, tzinfo=UTC),
            "recorded_at": datetime.now(UTC),
            "source": "desk",
            "correlation_id": bulletin_id,
            "producer": {"service": "normalize", "version": version},
            "data": {
                "item_id": item_id,
                "bulletin_id": bulletin_id,
                "position": int(item_id.split(":")[1]),
                "text": "Quiet night.",
                "full_text": "Quiet night.",
                "source": "desk",
                "published_at": "2024-06-13",
                "reference_date": "2024-06-13",
                "normalizer_version": version,
                "event_date": {"value": "2024-06-13", "precision": "reported"},
            },
        }
    ))


async def test_an_item_met_twice_in_one_batch_is_written_once(settings, redis):
    log = NormalizedLog(redis, settings.streams.only)
    event = item_event("b_1:0")
    assert await log.commit([("", [event]), ("", [event])]) == [(1, 0), (0, 1)]
    assert await redis.xlen(settings.streams.normalized) == 1


async def test_a_new_version_later_in_the_same_batch_is_written_and_becomes_the_head(settings, redis):
    log = NormalizedLog(redis, settings.streams.only)
    first, second = item_event("b_1:0", "1"), item_event("b_1:0", "2")
    assert await log.commit([("", [first]), ("", [second])]) == [(1, 0), (1, 0)]
    assert await redis.hget(settings.streams.only.heads, "b_1:0") == second[1]
    assert await log.commit([("", [second])]) == [(0, 1)]


async def test_a_batch_with_more_items_than_one_heads_call_takes_is_committed_whole(settings, redis):
    log = NormalizedLog(redis, settings.streams.only)
    events = [item_event(f"b_{n // 3}:{n % 3}") for n in range(9_000)]
    batch = [("", events[start : start + 3]) for start in range(0, len(events), 3)]
    assert sum(written for written, _ in await log.commit(batch)) == 9_000
    assert await redis.hlen(settings.streams.only.heads) == 9_000
    assert sum(unchanged for _, unchanged in await log.commit(batch)) == 9_000
    assert await redis.xlen(settings.streams.normalized) == 9_000


async def test_an_entry_acked_elsewhere_writes_nothing_and_the_rest_of_its_batch_is_committed(settings, redis):
    raw = settings.streams.raw
    await ensure_group(redis, raw, NORMALIZE_GROUP)
    ids = [await redis.xadd(raw, encode(received(text=f"Item {n}."))) for n in range(3)]
    await redis.xreadgroup(NORMALIZE_GROUP, "worker", {raw: ">"})
    await redis.xack(raw, NORMALIZE_GROUP, ids[1])  # a reclaiming consumer finished it first
    log = NormalizedLog(redis, settings.streams.only)
    batch = [(entry_id, [item_event(f"b_{n}:0")]) for n, entry_id in enumerate(ids)]
    assert await log.commit(batch, NORMALIZE_GROUP) == [(1, 0), (-1, 0), (1, 0)]
    assert [e["data"]["item_id"] for e in await events_in(redis, settings.streams.normalized)] == ["b_0:0", "b_2:0"]
    assert not await redis.hexists(settings.streams.only.heads, "b_1:0")
    assert (await redis.xpending(raw, NORMALIZE_GROUP))["pending"] == 0
