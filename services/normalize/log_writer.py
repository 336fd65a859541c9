"""Writes normalised items to wirelog:normalized; with the input's ack in the same atomic step when live."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from schemas import ItemNormalized
from services.common.settings import StreamNames

# KEYS[1] input stream, KEYS[2] output stream, KEYS[3] heads hash (item id -> latest event id).
# ARGV[1] group, ARGV[2] input entry id ('' when replaying: nothing to ack), then (item id, event id, JSON) triples.
# A live entry already acked by another consumer (reclaimed while still running) writes nothing: {-1, 0}.
# An event whose id is already the item's head is left out: replays with the same version change nothing.
_COMMIT = """
if ARGV[2] ~= '' then
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return {-1, 0} end
end
local written, unchanged = 0, 0
for i = 3, #ARGV, 3 do
  if redis.call('HGET', KEYS[3], ARGV[i]) == ARGV[i + 1] then
    unchanged = unchanged + 1
  else
    redis.call('XADD', KEYS[2], '*', 'event', ARGV[i + 2])
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
    written = written + 1
  end
end
return {written, unchanged}
"""


class NormalizedLog:
    def __init__(self, redis: Redis, streams: StreamNames) -> None:
        self.streams = streams
        self._commit = redis.register_script(_COMMIT)

    async def queue_commit(
        self, pipe: Pipeline, events: list[ItemNormalized], group: str = "", entry_id: str = ""
    ) -> None:
        """Queue one atomic commit on `pipe`; its reply is [written, unchanged] or [-1, 0]."""
        args: list[str] = [group, entry_id]
        for event in events:
            args += [event.data.item_id, event.id, event.model_dump_json()]
        await self._commit(keys=[self.streams.raw, self.streams.normalized, self.streams.heads], args=args, client=pipe)
