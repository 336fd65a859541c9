"""`wirelog dlq list|show|retry|purge`: what failed, why, and re-driving it into the stream it came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from services.common.eventlog import is_stream_id
from services.common.settings import Partition, StreamNames

# KEYS[1] dead-letter stream, KEYS[2] the stream to re-drive into; ARGV[1] dead-letter id.
# Re-adds the original event and removes the dead letter in one atomic step.
_RETRY = """
local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entry == 0 then return false end
local fields, event = entry[1][2], nil
for i = 1, #fields, 2 do if fields[i] == 'event' then event = fields[i + 1] end end
if not event or event == '' then return redis.error_reply('dead letter has no event to re-drive') end
local id = redis.call('XADD', KEYS[2], '*', 'event', event)
redis.call('XDEL', KEYS[1], entry[1][1])
return id
"""


def source_stream(partition: Partition, stage: str) -> str:
    return partition.stream(stage)


def label(streams: StreamNames, partition: Partition, entry_id: str) -> str:
    """How a dead letter is named to operators: its id, prefixed by its partition when there are several."""
    return f"{partition.number}/{entry_id}" if len(streams.partitions) > 1 else entry_id


def locate(streams: StreamNames, ref: str) -> list[tuple[Partition, str]]:
    """Where a dead letter named `ref` may be: 'P/ID' in partition P, a bare ID in any partition."""
    number, slash, entry_id = ref.rpartition("/")
    # Whole ids only: a bare time would name several entries.
    if not is_stream_id(entry_id) or (slash and not number.isdigit()):
        raise ValueError(f"{ref!r} is not a dead-letter id: expected ID or PARTITION/ID as `dlq list` shows them")
    if slash:
        return [(streams.partition(int(number)), entry_id)]
    return [(partition, entry_id) for partition in streams.partitions]


def _order(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


async def list_dead_letters(redis: Redis, streams: StreamNames, stage: str, count: int = 50) -> list[dict[str, Any]]:
    """The oldest `count` dead letters of the stage over all partitions, oldest first."""
    found = []
    for partition in streams.partitions:
        for entry_id, fields in await redis.xrange(partition.dead_letters(stage), count=count):
            details = {k: v for k, v in fields.items() if k != "event"}
            found.append((_order(entry_id), {"id": label(streams, partition, entry_id), "partition": partition.number, **details}))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])[:count]]


async def show_dead_letter(redis: Redis, streams: StreamNames, stage: str, ref: str) -> dict[str, Any] | None:
    for partition, entry_id in locate(streams, ref):
        entries = await redis.xrange(partition.dead_letters(stage), entry_id, entry_id)
        if entries:
            fields = dict(entries[0][1])
            try:
                fields["event"] = json.loads(fields.get("event") or "null")
            except json.JSONDecodeError:
                pass
            return {"id": label(streams, partition, entries[0][0]), "partition": partition.number, **fields}
    return None


async def retry_dead_letters(
    redis: Redis, streams: StreamNames, stage: str, refs: list[str]
) -> dict[str, str | Exception | None]:
    """Re-drive each named dead letter (all when none are named) into the stream of its own partition: per ref
    the new entry's id, None when there is no such dead letter, or why it cannot be re-driven (it stays)."""
    script = redis.register_script(_RETRY)
    if not refs:
        refs = [
            label(streams, partition, entry_id)
            for partition in streams.partitions
            for entry_id, _ in await redis.xrange(partition.dead_letters(stage))
        ]
    results: dict[str, str | Exception | None] = {}
    for ref in refs:
        results[ref] = None
        for partition, entry_id in locate(streams, ref):
            keys = [partition.dead_letters(stage), source_stream(partition, stage)]
            try:
                new_id = await script(keys=keys, args=[entry_id])
            except ResponseError as exc:  # one that cannot be re-driven does not stop the others
                results[ref] = exc
                break
            if new_id:
                results[ref] = new_id
                break
    return results


async def purge_dead_letters(redis: Redis, streams: StreamNames, stage: str, refs: list[str]) -> int:
    if refs:
        return sum([await redis.xdel(p.dead_letters(stage), entry_id) for ref in refs for p, entry_id in locate(streams, ref)])
    count = 0
    for partition in streams.partitions:
        count += await redis.xlen(partition.dead_letters(stage))
        await redis.delete(partition.dead_letters(stage))
    return count


async def command(redis: Redis, streams: StreamNames, args: argparse.Namespace) -> int:
    if args.action in ("retry", "purge") and not args.ids and not args.all:
        print(f"dlq {args.action}: name dead-letter ids, or --all", file=sys.stderr)
        return 2
    try:
        for ref in args.ids:
            locate(streams, ref)
    except ValueError as exc:
        print(f"dlq {args.action}: {exc}", file=sys.stderr)
        return 2
    if args.action == "list":
        for entry in await list_dead_letters(redis, streams, args.stage, args.count):
            print(f"{entry['id']}  original {entry.get('original_id')}  attempts {entry.get('attempts')}  {entry.get('error')}")
    elif args.action == "show":
        missing = 0
        for entry_id in args.ids:
            entry = await show_dead_letter(redis, streams, args.stage, entry_id)
            if entry is None:
                print(f"{entry_id}: no such {args.stage} dead letter", file=sys.stderr)
                missing += 1
            else:
                print(json.dumps(entry, indent=2, ensure_ascii=False))
        return 1 if missing else 0
    elif args.action == "retry":
        not_done = 0
        for entry_id, outcome in (await retry_dead_letters(redis, streams, args.stage, args.ids)).items():
            if isinstance(outcome, str):
                print(f"{entry_id}: re-driven as {outcome}")
                continue
            not_done += 1
            why = f"not re-driven, {outcome}" if outcome else f"no such {args.stage} dead letter"
            print(f"{entry_id}: {why}", file=sys.stderr)
        return 1 if not_done else 0
    else:
        print(f"purged {await purge_dead_letters(redis, streams, args.stage, args.ids)} dead letters")
    return 0
