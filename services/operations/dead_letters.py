"""`wirelog dlq list|show|retry|purge`: what failed, why, and re-driving it into the stream it came from."""

from __future__ import annotations

import argparse
import json
from typing import Any

from redis.asyncio import Redis

from services.common.settings import StreamNames

# KEYS[1] dead-letter stream, KEYS[2] the stream to re-drive into; ARGV[1] dead-letter id.
# Re-adds the original event and removes the dead letter in one atomic step.
_RETRY = """
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then return false end
local fields, event = entry[1][2], nil
for i = 1, #fields, 2 do if fields[i] == 'event' then event = fields[i + 1] end end
if not event or event == '' then return redis.error_reply('dead letter has no event to re-drive') end
local id = redis.call('XADD', KEYS[2], '*', 'event', event)
redis.call('XDEL', KEYS[1], ARGV[1])
return id
"""


def source_stream(streams: StreamNames, stage: str) -> str:
    return streams.raw if stage == "normalize" else streams.normalized


async def list_dead_letters(redis: Redis, streams: StreamNames, stage: str, count: int = 50) -> list[dict[str, Any]]:
    entries = await redis.xrange(streams.dead_letters(stage), count=count)
    return [{"id": entry_id, **{k: v for k, v in fields.items() if k != "event"}} for entry_id, fields in entries]


async def show_dead_letter(redis: Redis, streams: StreamNames, stage: str, entry_id: str) -> dict[str, Any] | None:
    entries = await redis.xrange(streams.dead_letters(stage), entry_id, entry_id)
    if not entries:
        return None
    fields = dict(entries[0][1])
    try:
        fields["event"] = json.loads(fields.get("event") or "null")
    except json.JSONDecodeError:
        pass
    return {"id": entries[0][0], **fields}


async def retry_dead_letters(redis: Redis, streams: StreamNames, stage: str, ids: list[str]) -> dict[str, str | None]:
    script = redis.register_script(_RETRY)
    if not ids:
        ids = [entry_id for entry_id, _ in await redis.xrange(streams.dead_letters(stage))]
    return {
        entry_id: await script(keys=[streams.dead_letters(stage), source_stream(streams, stage)], args=[entry_id])
        for entry_id in ids
    }


async def purge_dead_letters(redis: Redis, streams: StreamNames, stage: str, ids: list[str]) -> int:
    if ids:
        return await redis.xdel(streams.dead_letters(stage), *ids)
    count = await redis.xlen(streams.dead_letters(stage))
    await redis.delete(streams.dead_letters(stage))
    return count


async def command(redis: Redis, streams: StreamNames, args: argparse.Namespace) -> int:
    if args.action in ("retry", "purge") and not args.ids and not args.all:
        print(f"dlq {args.action}: name dead-letter ids, or --all")
        return 2
    if args.action == "list":
        for entry in await list_dead_letters(redis, streams, args.stage, args.count):
            print(f"{entry['id']}  original {entry.get('original_id')}  attempts {entry.get('attempts')}  {entry.get('error')}")
    elif args.action == "show":
        for entry_id in args.ids:
            print(json.dumps(await show_dead_letter(redis, streams, args.stage, entry_id), indent=2, ensure_ascii=False))
    elif args.action == "retry":
        for entry_id, new_id in (await retry_dead_letters(redis, streams, args.stage, args.ids)).items():
            print(f"{entry_id}: " + (f"re-driven as {new_id}" if new_id else "no such dead letter"))
    else:
        print(f"purged {await purge_dead_letters(redis, streams, args.stage, args.ids)} dead letters")
    return 0
