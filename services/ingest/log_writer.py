"""Appends accepted bulletins to the raw log: per partition, the dedup checks and the XADDs are one atomic Lua step."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from schemas import BulletinReceived
from services.common.eventlog import encode
from services.common.settings import Partition, StreamNames

# KEYS[1] raw stream, KEYS[2] dedup hash (one partition, one hash tag); ARGV: (bulletin id, event JSON) pairs.
# Returns per bulletin {entry id, 1 if new else 0}, flattened; a bulletin twice in one call is new once.
_APPEND_ONCE = """
local results = {}
for i = 1, #ARGV, 2 do
  local id = redis.call('HGET', KEYS[2], ARGV[i])
  local new = 0
  if not id then
    id = redis.call('XADD', KEYS[1], '*', 'event', ARGV[i + 1])
    redis.call('HSET', KEYS[2], ARGV[i], id)
    new = 1
  end
  results[#results + 1] = id
  results[#results + 1] = new
end
return results
"""


@dataclass(frozen=True)
class Appended:
    bulletin_id: str
    entry_id: str
    duplicate: bool


# How long strict durability waits for the server's fsync before answering 503.
FSYNC_WAIT_MS = 5000


class DurabilityUnavailable(RuntimeError):
    """Strict durability asked of a server that has no append-only file to confirm writes with."""


class NotDurable(Exception):
    """Appended (the entries are in the log) but not confirmed on disk: the pusher is told to push again."""


class RawLog:
    def __init__(self, redis: Redis, streams: StreamNames, strict: bool = False) -> None:
        self.redis = redis
        self.streams = streams
        self.strict = strict
        self._append_once = redis.register_script(_APPEND_ONCE)

    async def append(self, events: list[BulletinReceived]) -> list[Appended]:
        """One script call per partition, the partitions concurrently; a source's bulletins keep their order."""
        if not events:
            return []
        by_partition: dict[Partition, list[int]] = defaultdict(list)
        for index, event in enumerate(events):
            by_partition[self.streams.for_source(event.data.source)].append(index)
        replies = await asyncio.gather(
            *(self._append(partition, [events[i] for i in indexes]) for partition, indexes in by_partition.items())
        )
        entries: list[tuple[str, int]] = [("", 0)] * len(events)
        for indexes, reply in zip(by_partition.values(), replies, strict=True):
            for index, entry_id, new in zip(indexes, reply[::2], reply[1::2], strict=True):
                entries[index] = (str(entry_id), int(new))
        if self.strict:
            # Answer only once the writes are on disk (Redis >= 7.2 / Valkey): local fsync, no replica needed.
            try:
                confirmed = await self._wait_for_fsync(by_partition)
            except RedisError as exc:  # after the append: the entries may well be in the log
                raise NotDurable(f"WAITAOF failed: {exc}") from exc
            if not confirmed:
                raise NotDurable(f"WAITAOF: no fsync within {FSYNC_WAIT_MS} ms")
        return [
            Appended(event.data.bulletin_id, entry_id, duplicate=not new)
            for event, (entry_id, new) in zip(events, entries, strict=True)
        ]

    async def _append(self, partition: Partition, events: list[BulletinReceived]) -> list:
        args: list[str] = []
        for event in events:
            args += [event.data.bulletin_id, encode(event)["event"]]
        return await self._append_once(keys=[partition.raw, partition.bulletin_index], args=args)

    async def check_durability(self) -> None:
        """With strict durability, refuse to start on a server that cannot confirm fsyncs (Redis before 7.2, or
        appendonly off): every push would otherwise be answered 503 for good."""
        if not self.strict:
            return
        try:
            await self._wait_for_fsync({partition: [] for partition in self.streams.partitions})
        except ResponseError as exc:
            raise DurabilityUnavailable(
                f"WIRELOG_DURABILITY=strict needs Redis 7.2 or later with appendonly yes (WAITAOF answered: {exc})"
            ) from exc

    async def _wait_for_fsync(self, partitions: dict[Partition, list[int]]) -> bool:
        """Whether every server that took a write has it in its fsynced append-only file (WAITAOF's first
        number: 1 once the local fsync is done, 0 when the wait timed out)."""
        get_node = getattr(self.redis, "get_node_from_key", None)
        if get_node is None:
            local, _ = await self.redis.execute_command("WAITAOF", 1, 0, FSYNC_WAIT_MS)
            return int(local) >= 1
        # On a cluster WAITAOF must reach each shard that took a write: routed by the partition's stream key.
        nodes = {node.name: node for node in (get_node(partition.raw) for partition in partitions)}
        for node in nodes.values():
            local, _ = await self.redis.execute_command("WAITAOF", 1, 0, FSYNC_WAIT_MS, target_nodes=node)
            if int(local) < 1:
                return False
        return True

    async def backlog(self, group: str) -> int:
        """Entries `group` has not read yet, over all partitions (XINFO GROUPS lag).

        A partition the group does not read yet counts whole; Redis cannot tell the lag after deletions inside
        the range, which counts as 0 rather than blocking ingest.
        """
        lags = await asyncio.gather(*(self._lag(partition.raw, group) for partition in self.streams.partitions))
        return sum(lags)

    async def _lag(self, stream: str, group: str) -> int:
        try:
            groups = await self.redis.xinfo_groups(stream)
        except ResponseError:  # no such stream yet: nothing pushed, nothing behind
            return 0
        for info in groups:
            if info.get("name") == group:
                return info.get("lag") or 0
        return await self.redis.xlen(stream)

    async def length(self) -> int:
        return sum(await asyncio.gather(*(self.redis.xlen(p.raw) for p in self.streams.partitions)))
