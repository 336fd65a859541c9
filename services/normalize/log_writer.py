"""Writes normalised items to wirelog:normalized; with the inputs' acks in the same atomic step when live."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from services.common.settings import Partition
from services.normalize.workers import Normalized

# One call commits a whole batch. KEYS[1] input stream, KEYS[2] output stream, KEYS[3] heads hash
# (item id -> latest event id). ARGV[1] group; then per input entry: its id ('' when replaying: nothing to ack),
# the number n of its events, and n (item id, event id, JSON) triples.
# A live entry already acked by another consumer (reclaimed while still running) writes nothing: {-1, 0}.
# An event whose id is already the item's head is left out: replays with the same version change nothing.
# The heads are read in one HMGET before anything is written and written back in one HSET at the end (per
# 1,000 items: unpack's stack limit), not one HGET and HSET per item, the costliest part of the script after
# the XADDs; `heads` holds them meanwhile, so an item met twice in one batch sees its first write.
_COMMIT = """
local call, argc = redis.call, #ARGV
local items, count, i = {}, 0, 2
while i <= argc do
  local n = tonumber(ARGV[i + 1])
  for k = i + 2, i + 3 * n - 1, 3 do
    count = count + 1
    items[count] = ARGV[k]
  end
  i = i + 2 + 3 * n
end
local heads = {}
for s = 1, count, 1000 do
  local last = math.min(s + 999, count)
  local values = call('HMGET', KEYS[3], unpack(items, s, last))
  for k = s, last do heads[items[k]] = values[k - s + 1] end
end
local results, written_heads, w = {}, {}, 0
i = 2
while i <= argc do
  local entry_id, n = ARGV[i], tonumber(ARGV[i + 1])
  local written, unchanged = 0, 0
  if entry_id ~= '' and call('XACK', KEYS[1], ARGV[1], entry_id) == 0 then
    written = -1
  else
    for k = i + 2, i + 3 * n - 1, 3 do
      local item, event = ARGV[k], ARGV[k + 1]
      if heads[item] == event then
        unchanged = unchanged + 1
      else
        call('XADD', KEYS[2], '*', 'event', ARGV[k + 2])
        heads[item] = event
        written_heads[w + 1] = item
        written_heads[w + 2] = event
        w = w + 2
        written = written + 1
      end
    end
  end
  i = i + 2 + 3 * n
  results[#results + 1] = written
  results[#results + 1] = unchanged
end
for s = 1, w, 2000 do
  call('HSET', KEYS[3], unpack(written_heads, s, math.min(s + 1999, w)))
end
return results
"""

Commit = tuple[str, Sequence[Normalized]]  # (input entry id or '' when replaying, its serialised items)


class NormalizedLog:
    def __init__(self, redis: Redis, partition: Partition) -> None:
        """Commits go from raw partition n to normalised partition n: one hash tag, one shard."""
        self.partition = partition
        self._commit = redis.register_script(_COMMIT)

    async def commit(self, batch: Sequence[Commit], group: str = "") -> list[tuple[int, int]]:
        """Commit every entry's items (and ack the entry) atomically; per entry (written, unchanged) or (-1, 0)."""
        if not batch:
            return []
        args: list[str | int | bytes] = [group]
        for entry_id, items in batch:
            args += [entry_id, len(items)]
            for item in items:
                args.extend(item)
        reply = await self._commit(keys=[self.partition.raw, self.partition.normalized, self.partition.heads], args=args)
        return list(zip(reply[::2], reply[1::2], strict=True))
