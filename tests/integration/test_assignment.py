"""Competing workers share partitions through leases on a real Redis: fair shares, hand-over, expiry."""

import asyncio

from services.common.assignment import Assignment
from services.common.settings import StreamNames


def workers(redis, prefix, *names, lease_ms=400):
    streams = StreamNames(prefix, 4)
    return [Assignment(redis, streams, "normalize", name, lease_ms) for name in names]


async def settle(*assignments, rounds=3):
    for _ in range(rounds):
        for assignment in assignments:
            await assignment.rebalance()
            for partition in list(assignment.surplus):  # what the loops do between two batches
                await assignment.release(partition)


async def test_two_workers_split_four_partitions_and_never_share_one(redis, prefix):
    first, second = workers(redis, prefix, "w1", "w2")
    await first.rebalance()
    assert first.held == {0, 1, 2, 3}  # alone, it takes everything
    await settle(second, first, second)
    assert len(first.held) == len(second.held) == 2
    assert first.held.isdisjoint(second.held)


async def test_a_stopped_worker_hands_its_partitions_over_at_once(redis, prefix):
    first, second = workers(redis, prefix, "w1", "w2")
    await settle(first, second, first, second)
    await first.stop()
    await second.rebalance()
    assert second.held == {0, 1, 2, 3}


async def test_a_dead_workers_partitions_pass_on_when_its_leases_expire(redis, prefix):
    first, second = workers(redis, prefix, "w1", "w2")
    await settle(first, second, first, second)
    lost = set(first.held)  # first now stops heartbeating, as if killed
    await second.rebalance()
    assert second.held.isdisjoint(lost)
    await asyncio.sleep(0.5)
    await second.rebalance()
    assert second.held == {0, 1, 2, 3}
