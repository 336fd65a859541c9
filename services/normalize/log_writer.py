"""Writes normalised items to wirelog:normalized; with the inputs' acks in the same atomic step when live."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from schemas import ItemNormalized
from services.common.settings import Partition

# One call commits a whole batch. KEYS[1] input stream, KEYS[2] output stream, KEYS[3] heads hash
# (item id -> latest event id). ARGV[1] group; then per input entry: its id ('' when replaying: nothing to ack),
# the number n of its events, and n (item id, event id, JSON) triples.
# A live entry already acked by another consumer (reclaimed while still running) writes nothing: {-1, 0}.
# An event whose id is already the item's head is left out: replays with the same version change nothing.
_COMMIT = """
local results, i = {}, 2
while i <= #ARGV do
  local entry_id, n = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  local written, unchanged = 0, 0
  if entry_id ~= '' and redis.call('XACK', KEYS[1], ARGV[1], entry_id) == 0 then
    written = -1
  else
    for k = i, i + 3 * (n - 1), 3 do
      if redis.call('HGET', KEYS[3], ARGV[k]) == ARGV[k + 1] then
        unchanged = unchanged + 1
      else
        redis.call('XADD', KEYS[2], '*', 'event', ARGV[k + 2])
        redis.call('HSET', KEYS[3], ARGV[k], ARGV[k + 1])
        written = written + 1
      end
    end
  end
  i = i + 3 * n
  results[#results + 1] = written
  results[#results + 1] = unchanged
end
return results
"""

Commit = tuple[str, Sequence[ItemNormalized]]  # (input entry id or '' when replaying, its events)


class NormalizedLog:
    def __init__(self, redis: Redis, partition: Partition) -> None:
        """Commits go from raw partition n to normalised partition n: one hash tag, one shard."""
        self.partition = partition
        self._commit = redis.register_script(_COMMIT)

    async def commit(self, batch: Sequence[Commit], group: str = "") -> list[tuple[int, int]]:
        """Commit every entry's events (and ack the entry) atomically; per entry (written, unchanged) or (-1, 0)."""
        if not batch:
            return []
        args: list[str | int] = [group]
        for entry_id, events in batch:
            args += [entry_id, len(events)]
            for event in events:
                args += [event.data.item_id, event.id, event.model_dump_json()]
        reply = await self._commit(keys=[self.partition.raw, self.partition.normalized, self.partition.heads], args=args)
        return list(zip(reply[::2], reply[1::2], strict=True))
