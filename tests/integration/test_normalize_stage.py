"""The normalize stage on a real Redis: exactly-once output, retries with a cap, dead letters, lost groups."""

import json

import pytest

from schemas import ItemNormalized
from schemas.streams import NORMALIZE_GROUP
from services.normalize.app import build_loop
from services.operations.dead_letters import list_dead_letters, retry_dead_letters
from tests.integration.helpers import add_raw, events_in, received, running, wait_until

pytestmark = pytest.mark.integration


class Flaky:
    """A normaliser that raises for texts containing a marker until `healed`."""

    def __init__(self, real, marker="POISON"):
        self.real, self.marker, self.healed, self.version = real, marker, False, real.version

    def normalize(self, event, recorded_at):
        if not self.healed and any(self.marker in item.text for item in event.data.items):
            raise RuntimeError("normaliser choked on this bulletin")
        return self.real.normalize(event, recorded_at)


async def test_each_item_becomes_one_normalized_event_and_the_input_is_acked(settings, redis, normalizer):
    await add_raw(redis, settings, received(lead="Lead text.", text="Fighting near Kharkiv on Monday."))
    async with running(build_loop(settings, redis, normalizer)):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 2))
    events = [ItemNormalized.model_validate(e) for e in await events_in(redis, settings.streams.normalized)]
    assert [e.data.position for e in events] == [0, 1]
    assert events[1].data.dates[0].value == "2024-06-10"
    assert (await redis.xpending(settings.streams.raw, NORMALIZE_GROUP))["pending"] == 0


async def test_backlog_written_before_the_group_existed_is_consumed(settings, redis, normalizer):
    for n in range(3):
        await add_raw(redis, settings, received(text=f"Item number {n}."))
    async with running(build_loop(settings, redis, normalizer)):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 3))


async def test_an_entry_processed_twice_writes_its_items_once(settings, redis, normalizer):
    """Two consumers racing on one entry (a reclaim of a slow one): the ack decides who writes."""
    entry_id = await add_raw(redis, settings, received())
    first = build_loop(settings, redis, normalizer)
    await first._setup()
    await redis.xreadgroup(NORMALIZE_GROUP, "slow-one", {settings.streams.raw: ">"})
    (entry,) = [e for e in await _as_entries(redis, settings.streams.raw)]
    await first.handler([entry])
    await first.handler([entry])
    assert await redis.xlen(settings.streams.normalized) == 1
    assert entry.id == entry_id


async def test_poison_entry_is_retried_then_dead_lettered_while_others_flow(settings, redis, normalizer):
    flaky = Flaky(normalizer)
    await add_raw(redis, settings, received(text="Calm day in Lviv."))
    poison_id = await add_raw(redis, settings, received(text="POISON item"))
    await add_raw(redis, settings, received(text="Rain in Odesa."))
    async with running(build_loop(settings, redis, flaky)):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 2))
        dead = await wait_until(lambda: list_dead_letters(redis, settings.streams, "normalize"))
    assert dead[0]["original_id"] == poison_id
    assert int(dead[0]["attempts"]) == settings.max_deliveries
    assert "normaliser choked" in dead[0]["error"]
    assert (await redis.xpending(settings.streams.raw, NORMALIZE_GROUP))["pending"] == 0

    flaky.healed = True
    await retry_dead_letters(redis, settings.streams, "normalize", [])
    async with running(build_loop(settings, redis, flaky)):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 3))
    assert await redis.xlen(settings.streams.dead_letters("normalize")) == 0


async def test_undecodable_entry_is_dead_lettered_at_once(settings, redis, normalizer):
    await redis.xadd(settings.streams.raw, {"event": "{not json"})
    await add_raw(redis, settings, received())
    async with running(build_loop(settings, redis, normalizer)):
        dead = await wait_until(lambda: list_dead_letters(redis, settings.streams, "normalize"))
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1))
    assert dead[0]["attempts"] == "1" and "not JSON" in dead[0]["error"]


async def test_a_lost_group_is_recreated_and_consumption_goes_on(settings, redis, normalizer):
    async with running(build_loop(settings, redis, normalizer)):
        await add_raw(redis, settings, received(text="First."))
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1))
        await redis.xgroup_destroy(settings.streams.raw, NORMALIZE_GROUP)
        await add_raw(redis, settings, received(text="Second."))
        await wait_until(lambda: _length(redis, settings.streams.normalized, 2))
    # the recreated group started at 0: the first entry was seen again but written once
    texts = [e["data"]["text"] for e in await events_in(redis, settings.streams.normalized)]
    assert texts == ["First.", "Second."]


async def test_entries_left_pending_by_a_dead_consumer_are_reclaimed(settings, redis, normalizer):
    loop = build_loop(settings, redis, normalizer)
    await loop._setup()
    await add_raw(redis, settings, received(text="Orphaned."))
    await redis.xreadgroup(NORMALIZE_GROUP, "died-mid-batch", {settings.streams.raw: ">"})
    async with running(loop):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1))
    assert json.loads((await redis.xrange(settings.streams.normalized))[0][1]["event"])["data"]["text"] == "Orphaned."


async def test_a_loop_hit_by_an_unexpected_client_error_restarts_and_goes_on(settings, redis, normalizer):
    loop = build_loop(settings, redis, normalizer)
    real_read, failures = loop._read_new, []

    async def read_once_broken():
        if not failures:
            failures.append(1)
            raise AttributeError("'NoneType' object has no attribute 'writelines'")  # as a broken client raises
        await real_read()

    loop._read_new = read_once_broken
    await add_raw(redis, settings, received(text="After the fault."))
    async with running(loop):
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1))
    assert failures == [1]


async def test_the_owner_of_a_partition_takes_over_what_its_previous_owner_left_pending(settings, redis, normalizer):
    from services.common.assignment import Assignment

    patient = settings.model_copy(update={"claim_idle_ms": 60_000})  # idle reclaiming would take a minute
    assignment = Assignment(redis, settings.streams, "normalize", "new-owner", lease_ms=1000)
    loop = build_loop(patient, redis, normalizer, assignment=assignment)
    await loop._setup()
    await add_raw(redis, settings, received(text="Left by the old owner."))
    await redis.xreadgroup(NORMALIZE_GROUP, "old-owner", {settings.streams.raw: ">"})  # read, never acked
    await assignment.rebalance()
    async with running(loop):
        # No idle time to wait for: owning the partition is what makes the old owner's entries this loop's.
        await wait_until(lambda: _length(redis, settings.streams.normalized, 1), timeout=2)
    assert (await redis.xpending(settings.streams.raw, NORMALIZE_GROUP))["pending"] == 0


async def _length(redis, stream, n):
    return await redis.xlen(stream) >= n


async def _as_entries(redis, stream):
    from services.common.eventlog import Entry

    return [Entry(i, f) for i, f in await redis.xrange(stream)]
