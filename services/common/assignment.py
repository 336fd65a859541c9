"""Which worker consumes which partition: one owner per partition and stage at a time, by leases in Redis.

Consumer groups alone would let two workers read neighbouring batches of one partition and commit them in
either order; a lease per partition keeps a partition's entries, and so each source's bulletins, in log order
while any number of workers compete. Every worker heartbeats into a registry of the stage's live workers and
holds at most its fair share, ceil(partitions / live workers): a new worker takes partitions as the others give
them up between two batches, and the partitions of a worker that dies are taken over once its leases expire,
its pending entries with them (see StageLoop.take_over). A worker that stalls past its lease and comes back
can only repeat work, never duplicate it: every commit acks its input atomically and writes nothing when the
entry was acked meanwhile.
"""

from __future__ import annotations

import asyncio
import math
import time
import zlib

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.common.settings import StreamNames

log = structlog.get_logger()

# KEYS[1] lease; ARGV[1] owner, ARGV[2] ttl ms. Takes a free lease or renews one's own: 1, else 0.
_ACQUIRE = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not owner then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def fair_share(partitions: int, workers: int) -> int:
    return math.ceil(partitions / max(workers, 1))


def preference(consumer: str, partitions: int) -> list[int]:
    """The order in which a worker tries partitions: rotated by its name, so workers starting together spread."""
    start = zlib.crc32(consumer.encode()) % partitions
    return [(start + offset) % partitions for offset in range(partitions)]


class Assignment:
    """The partitions this worker owns for one stage; `run` keeps the leases, loops ask `owns` between batches."""

    def __init__(self, redis: Redis, streams: StreamNames, stage: str, consumer: str, lease_ms: int = 10_000) -> None:
        self.redis = redis
        self.streams = streams
        self.stage = stage
        self.consumer = consumer
        self.lease_ms = lease_ms
        self.held: set[int] = set()
        self.surplus: set[int] = set()  # held, but to be given up at the end of the current batch
        self._acquire = redis.register_script(_ACQUIRE)
        self._release = redis.register_script(_RELEASE)
        self._stopping = asyncio.Event()
        self.log = log.bind(stage=stage, consumer=consumer)

    def owns(self, partition: int) -> bool:
        return partition in self.held and partition not in self.surplus

    def must_release(self, partition: int) -> bool:
        return partition in self.surplus

    def holds(self, partition: int) -> bool:
        """Whether the lease is still this worker's, to consume on or to hand over (surplus)."""
        return partition in self.held

    async def release(self, partition: int) -> None:
        """Called by the partition's loop between batches, so no entry is in flight when another worker takes over."""
        self.held.discard(partition)
        self.surplus.discard(partition)
        await self._release(keys=[self.streams.partition(partition).lease(self.stage)], args=[self.consumer])
        self.log.info("partition released", partition=partition)

    async def rebalance(self) -> None:
        """One heartbeat: announce this worker, renew its leases, then take or give up partitions to its fair share."""
        now = int(time.time() * 1000)
        members = self.streams.workers(self.stage)
        await self.redis.zadd(members, {self.consumer: now})
        await self.redis.zremrangebyscore(members, 0, now - self.lease_ms)
        share = fair_share(len(self.streams.partitions), await self.redis.zcard(members))
        for partition in sorted(self.held):
            if not await self._lease(partition):
                self.log.warning("partition lease lost", partition=partition)
                self.held.discard(partition)
                self.surplus.discard(partition)
        for partition in preference(self.consumer, len(self.streams.partitions)):
            if len(self.held) >= share:
                break
            if partition not in self.held and await self._lease(partition):
                self.held.add(partition)
                self.log.info("partition acquired", partition=partition)
        self.surplus = set(sorted(self.held, key=preference(self.consumer, len(self.streams.partitions)).index)[share:])

    async def _lease(self, partition: int) -> bool:
        key = self.streams.partition(partition).lease(self.stage)
        return bool(await self._acquire(keys=[key], args=[self.consumer, self.lease_ms]))

    async def run(self) -> None:
        """Heartbeats three times per lease period until stopped; then gives every lease back."""
        while not self._stopping.is_set():
            try:
                await self.rebalance()
            except (RedisError, OSError) as exc:
                self.log.warning("partition heartbeat failed", error=str(exc))
            try:
                await asyncio.wait_for(self._stopping.wait(), timeout=self.lease_ms / 3000)
            except asyncio.TimeoutError:
                pass

    async def stop(self) -> None:
        """After the loops have stopped: leave the registry and free the leases for the other workers at once."""
        self._stopping.set()
        try:
            for partition in list(self.held):
                await self.release(partition)
            await self.redis.zrem(self.streams.workers(self.stage), self.consumer)
        except (RedisError, OSError):
            pass  # the leases expire on their own
