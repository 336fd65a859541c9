"""Partition naming, placement and assignment: pure functions, no server."""

import os

import pytest
from redis.crc import key_slot

from services.common.assignment import fair_share, preference
from services.common.settings import Settings, StreamNames, partition_of
from services.operations.dead_letters import label, locate
from services.store.live import format_position, parse_position


def test_one_untagged_partition_keeps_the_plain_names():
    streams = StreamNames("wirelog")
    assert (streams.raw, streams.normalized) == ("wirelog:raw", "wirelog:normalized")
    assert (streams.bulletin_index, streams.heads) == ("wirelog:raw:bulletins", "wirelog:normalized:heads")
    assert streams.dead_letters("store") == "wirelog:dlq:store"


def test_partitions_are_named_with_hash_tags():
    streams = StreamNames("wirelog", 4)
    assert [p.raw for p in streams.partitions] == [f"wirelog:raw:{{{n}}}" for n in range(4)]
    assert streams.partition(3).normalized == "wirelog:normalized:{3}"


def test_a_single_partition_on_a_cluster_is_tagged_too():
    assert StreamNames("wirelog", 1, tagged=True).raw == "wirelog:raw:{0}"


@pytest.mark.parametrize("number", range(8))
def test_every_key_an_atomic_step_touches_is_in_the_partitions_slot(number):
    partition = StreamNames("wirelog", 8).partition(number)
    keys = [
        partition.raw,
        partition.normalized,
        partition.bulletin_index,
        partition.heads,
        partition.dead_letters("normalize"),
        partition.dead_letters("store"),
        partition.errors("normalize"),
        partition.errors("store"),
        partition.replay_cursor("normalize"),
        partition.lease("normalize"),
    ]
    assert {key_slot(key.encode()) for key in keys} == {key_slot(partition.raw.encode())}


def test_partitions_spread_over_the_slots_of_three_shards():
    slots = [key_slot(p.raw.encode()) for p in StreamNames("wirelog", 4).partitions]
    shards = {slot * 3 // 16384 for slot in slots}
    assert shards == {0, 1, 2}


def test_names_of_the_single_partition_are_refused_when_there_are_several():
    with pytest.raises(ValueError, match="4 partitions"):
        StreamNames("wirelog", 4).raw
    with pytest.raises(ValueError, match="does not exist"):
        StreamNames("wirelog", 4).partition(4)


def test_a_source_always_lands_in_the_same_partition_and_sources_spread():
    sources = [f"desk-{n}" for n in range(400)]
    first = [partition_of(source, 4) for source in sources]
    assert first == [partition_of(source, 4) for source in sources]
    counts = [first.count(n) for n in range(4)]
    assert min(counts) > 60  # 100 expected each
    assert partition_of("anything", 1) == 0


def test_the_partition_hash_does_not_depend_on_the_process():
    # A fixed value: Python's own hash() is salted per process and would scatter a source across restarts.
    assert partition_of("reuters", 16) == partition_of("reuters", 16)
    assert StreamNames("w", 16).for_source("reuters").number == partition_of("reuters", 16)


def test_settings_tag_the_names_when_partitioned_or_on_a_cluster():
    assert Settings(partitions=4, redis_cluster=False).streams.partition(0).raw == "wirelog:raw:{0}"
    assert Settings(partitions=1, redis_cluster=True).streams.raw == "wirelog:raw:{0}"
    assert Settings(partitions=1, redis_cluster=False).streams.raw == "wirelog:raw"


def test_workers_started_alike_get_different_names_unless_named():
    assert str(os.getpid()) in Settings().consumer_name("normalize")
    assert Settings(replica="a").consumer_name("store").endswith("-a")
    assert Settings().consumer_name("store") == Settings().consumer_name("store")  # same process, same name


@pytest.mark.parametrize(
    ("partitions", "workers", "share"), [(4, 1, 4), (4, 2, 2), (4, 3, 2), (4, 4, 1), (4, 8, 1), (1, 2, 1), (4, 0, 4)]
)
def test_fair_share_covers_every_partition(partitions, workers, share):
    assert fair_share(partitions, workers) == share
    assert share * max(workers, 1) >= partitions


def test_preference_visits_every_partition_once_starting_somewhere_of_its_own():
    orders = {tuple(preference(f"normalize-host-{n}", 8)) for n in range(20)}
    assert all(sorted(order) == list(range(8)) for order in orders)
    assert len({order[0] for order in orders}) > 1


def test_dead_letters_are_named_by_partition_when_there_are_several():
    streams = StreamNames("wirelog", 4)
    assert label(streams, streams.partition(2), "5-0") == "2/5-0"
    assert label(StreamNames("wirelog"), StreamNames("wirelog").only, "5-0") == "5-0"
    assert locate(streams, "2/5-0") == [(streams.partition(2), "5-0")]
    assert [p.number for p, _ in locate(streams, "5-0")] == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        locate(streams, "x/5-0")
    with pytest.raises(ValueError):
        locate(streams, "9/5-0")


def test_positions_hold_one_stream_id_per_partition():
    assert parse_position("1-0,2-3,0-0", 3) == ["1-0", "2-3", "0-0"]
    assert format_position(["1-0", None, "4-1"]) == "1-0,0-0,4-1"
    assert format_position([None]) is None and format_position(["7-1"]) == "7-1"
    for bad in ("1-0,2-3", "1-0,x,0-0", "", "1-0,,0-0"):
        with pytest.raises(ValueError):
            parse_position(bad, 3)
