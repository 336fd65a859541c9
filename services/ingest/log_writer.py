"""Appends accepted bulletins to wirelog:raw: the dedup check and the XADD are one atomic Lua step."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from schemas import BulletinReceived
from services.common.eventlog import encode
from services.common.settings import StreamNames

# KEYS[1] raw stream, KEYS[2] dedup hash; ARGV: bulletin id, event JSON.
# Returns {entry id, 1 if new else 0}.
_APPEND_ONCE = """
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return {existing, 0} end
local id = redis.call('XADD', KEYS[1], '*', 'event', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], id)
return {id, 1}
"""


@dataclass(frozen=True)
class Appended:
    bulletin_id: str
    entry_id: str
    duplicate: bool


class RawLog:
    def __init__(self, redis: Redis, streams: StreamNames, strict: bool = False) -> None:
        self.redis = redis
        self.streams = streams
        self.strict = strict
        self._append_once = redis.register_script(_APPEND_ONCE)

    async def append(self, events: list[BulletinReceived]) -> list[Appended]:
        """All in one pipeline round trip; each script call is atomic on its own."""
        if not events:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in events:
                await self._append_once(
                    keys=[self.streams.raw, self.streams.bulletin_index],
                    args=[event.data.bulletin_id, encode(event)["event"]],
                    client=pipe,
                )
            replies = await pipe.execute()
        if self.strict:
            # Answer only once the writes are on disk (Redis >= 7.2 / Valkey): local fsync, no replica needed.
            await self.redis.execute_command("WAITAOF", 1, 0, 5000)
        return [
            Appended(event.data.bulletin_id, str(entry_id), duplicate=not int(new))
            for event, (entry_id, new) in zip(events, replies, strict=True)
        ]

    async def backlog(self, group: str) -> int | None:
        """Entries the group has not read yet (XINFO GROUPS lag); None when the group does not exist.

        Redis cannot tell the lag after deletions inside the range; that counts as 0 rather than blocking ingest.
        """
        try:
            groups = await self.redis.xinfo_groups(self.streams.raw)
        except ResponseError:  # no such stream yet: nothing pushed, nothing behind
            return 0
        for info in groups:
            if info.get("name") == group:
                return info.get("lag") or 0
        return None

    async def length(self) -> int:
        return await self.redis.xlen(self.streams.raw)
