"""Growing the partition count on a real Redis: the documented procedure keeps dedup, idempotent replays and order."""

import pytest

from schemas.streams import NORMALIZE_GROUP
from services.common.settings import StreamNames
from services.ingest.log_writer import RawLog
from services.normalize.app import build_loop
from services.operations.partitions import NotDrained, PartitionMismatch, check_partition_count, grow
from services.operations.replay import replay_normalize
from tests.integration.helpers import received, running, wait_until

pytestmark = pytest.mark.integration

SOURCES = [f"desk-{n}" for n in range(12)]


def first_round():
    return [received(text=f"Shelling near Kharkiv on Monday, {source} reported.", source=source) for source in SOURCES]


async def normalize_all(settings, redis, normalizer, expected):
    """Run every partition's loop until each has produced what its raw partition holds."""
    for partition in settings.streams.partitions:
        want = await redis.xlen(partition.raw)
        async with running(build_loop(settings, redis, normalizer, partition)):
            await wait_until(lambda: _length_at_least(redis, partition.normalized, want), timeout=30)
    assert sum([await redis.xlen(p.normalized) for p in settings.streams.partitions]) == expected


async def _length_at_least(redis, stream, count):
    return await redis.xlen(stream) >= count


async def test_growing_from_one_partition_keeps_duplicates_out_and_replays_idempotent(settings, redis, normalizer):
    await check_partition_count(redis, settings.streams)
    old_log = RawLog(redis, settings.streams)
    await old_log.append(first_round())
    await normalize_all(settings, redis, normalizer, expected=len(SOURCES))

    grown = settings.model_copy(update={"partitions": 4})
    with pytest.raises(PartitionMismatch, match="the log has 1 partitions"):
        await check_partition_count(redis, grown.streams)
    counts = await grow(redis, settings.streams, grown.streams)
    await check_partition_count(redis, grown.streams)  # the recorded count is now 4
    assert counts["renamed"] >= 3  # raw, normalized, dedup index, heads...
    moved = [s for s in SOURCES if grown.streams.for_source(s).number != 0]
    assert moved and counts["dedup_copied"] == counts["heads_copied"] == len(moved)

    # History now lives in partition 0 under its tagged names; the plain names are gone.
    assert await redis.exists(settings.streams.raw) == 0
    assert await redis.xlen(grown.streams.partition(0).raw) == len(SOURCES)

    # Re-pushing the same bulletins: duplicates, wherever their source lives now.
    again = await RawLog(redis, grown.streams).append(first_round())
    assert all(appended.duplicate for appended in again)

    # Replaying the old history changes nothing; a new bulletin of a moved source lands in its new partition.
    counts = await replay_normalize(grown, "-", "+", batch=100, resume=False)
    assert (counts["read"], counts["written"], counts["unchanged"]) == (len(SOURCES), 0, len(SOURCES))
    new = received(text="Talks resumed in Istanbul on Tuesday.", source=moved[0])
    [appended] = await RawLog(redis, grown.streams).append([new])
    assert not appended.duplicate
    assert await redis.xlen(grown.streams.for_source(moved[0]).raw) == 1


async def test_growing_is_refused_while_a_group_has_work_left(settings, redis, normalizer):
    await RawLog(redis, settings.streams).append(first_round())
    await redis.xgroup_create(settings.streams.raw, NORMALIZE_GROUP, id="0")  # normalize runs, but is behind
    with pytest.raises(NotDrained, match="partition 0"):
        await grow(redis, settings.streams, StreamNames(settings.stream_prefix, 4))
    with pytest.raises(ValueError, match="needs more"):
        await grow(redis, StreamNames(settings.stream_prefix, 4), StreamNames(settings.stream_prefix, 2))
