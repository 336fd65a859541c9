"""`wirelog partitions show|grow`: the partition count recorded in Redis, and growing it on a drained log.

Every service checks WIRELOG_PARTITIONS against the count recorded beside the log when it starts, so a worker
configured for another count never writes to streams nobody reads. Growing from N to M partitions:

1. stop ingest and let normalize and store drain (no lag, nothing pending): `grow` refuses otherwise;
2. `wirelog partitions grow --to M`: a single untagged partition is renamed to partition 0 (one server only; a
   cluster is always tagged); then every source that moves to another partition under M has its bulletins'
   dedup entries and its items' heads copied into its new partition, so re-pushes stay duplicates and replays
   stay idempotent; the old streams keep their history where they are;
3. restart every service with WIRELOG_PARTITIONS=M.

A source's bulletins before the change stay in its old partition and later ones go to its new partition; since
the old one was drained first, the source's order holds, and a consumer that merges partitions by stream id sees
it. Shrinking is not supported: history would have to be rewritten.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from schemas.streams import NORMALIZE_GROUP, STORE_GROUP
from services.common.settings import Partition, Settings, StreamNames


class PartitionMismatch(RuntimeError):
    """This process is configured for another partition count than the log has."""


class NotDrained(RuntimeError):
    """A group still has entries to read or pending: growing now could reorder a source."""


def count_key(prefix: str) -> str:
    return f"{prefix}:partitions"


async def check_partition_count(redis: Redis, streams: StreamNames) -> None:
    """Record the count on first use; refuse to run with another one. Redis down: checked by the next start."""
    try:
        await redis.set(count_key(streams.prefix), streams.count, nx=True)
        await verify_partition_count(redis, streams)
    except (RedisError, OSError):
        return


async def verify_partition_count(redis: Redis, streams: StreamNames) -> None:
    """Refuse to work on streams the log does not use; records nothing (operator commands only read)."""
    recorded = await redis.get(count_key(streams.prefix))
    if recorded is not None and int(recorded) != streams.count:
        raise PartitionMismatch(
            f"the log has {int(recorded)} partitions but WIRELOG_PARTITIONS={streams.count}: set it to "
            f"{int(recorded)}, or grow the log with `wirelog partitions grow --to N` (README: Deployment)"
        )


async def _undrained(redis: Redis, stream: str, group: str) -> int:
    try:
        groups = await redis.xinfo_groups(stream)
    except ResponseError:
        return 0  # no stream: nothing to drain
    for info in groups:
        if info["name"] == group:
            return (info.get("lag") or 0) + info["pending"]
    return 0  # no such group: it will read the partition from its start whenever it comes


def _keys(partition: Partition) -> list[str]:
    return [
        partition.raw,
        partition.normalized,
        partition.bulletin_index,
        partition.heads,
        *(partition.dead_letters(stage) for stage in ("normalize", "store")),
        *(partition.errors(stage) for stage in ("normalize", "store")),
    ]


async def grow(redis: Redis, old: StreamNames, new: StreamNames, batch: int = 1000) -> Counter:
    if new.count <= old.count:
        raise ValueError(f"the log has {old.count} partitions: growing needs more than that")
    for partition in old.partitions:
        behind = await _undrained(redis, partition.raw, NORMALIZE_GROUP)
        behind += await _undrained(redis, partition.normalized, STORE_GROUP)
        if behind:
            raise NotDrained(
                f"partition {partition.number} has {behind} entries unread or pending: stop ingest, let it drain"
            )
    counts: Counter = Counter()
    if not old.partitions[0].tagged and new.partitions[0].tagged:
        for source_key, target_key in zip(_keys(old.only), _keys(new.partition(0)), strict=True):
            if await redis.exists(source_key):
                await redis.rename(source_key, target_key)
                counts["renamed"] += 1
    for number in range(old.count):
        here = new.partition(number)
        counts += await _copy_moving_sources(redis, new, here, batch)
    await redis.set(count_key(new.prefix), new.count)
    return counts


async def _copy_moving_sources(redis: Redis, new: StreamNames, here: Partition, batch: int) -> Counter:
    """Dedup entries and heads of the sources that leave `here`, copied into their new partitions, in log order."""
    counts: Counter = Counter()
    moves = (
        (here.raw, "bulletin_id", "bulletin_index", "dedup_copied"),
        (here.normalized, "item_id", "heads", "heads_copied"),
    )
    for stream, id_field, index, counted in moves:
        cursor = "-"
        while rows := await redis.xrange(stream, cursor, "+", count=batch):
            for _, fields in rows:
                try:
                    event = json.loads(fields.get("event") or "")
                except json.JSONDecodeError:
                    continue  # undecodable entries were dead-lettered; they have no source to move
                target = new.for_source(event.get("source") or "")
                if target.number != here.number:
                    await _copy_field(redis, getattr(here, index), getattr(target, index), event["data"][id_field])
                    counts[counted] += 1
            cursor = "(" + rows[-1][0]
    return counts


async def _copy_field(redis: Redis, source: str, target: str, field: str) -> None:
    """One hash field into the moving source's new partition: its dedup entry, or its item's latest head."""
    value = await redis.hget(source, field)
    if value is not None:
        await redis.hset(target, field, value)


async def command(redis: Redis, settings: Settings, args: argparse.Namespace) -> int:
    recorded = await redis.get(count_key(settings.stream_prefix))
    if args.action == "show":
        print(f"partitions: {recorded or 'none recorded yet'} (this process: WIRELOG_PARTITIONS={settings.partitions})")
        return 0
    if args.to is None:
        print("partitions grow: name the new count with --to N")
        return 2
    old_count = int(recorded or settings.partitions)
    old = StreamNames(settings.stream_prefix, old_count, tagged=old_count > 1 or settings.cluster)
    new = StreamNames(settings.stream_prefix, args.to, tagged=True)
    try:
        counts = await grow(redis, old, new)
    except (ValueError, NotDrained) as exc:
        print(f"partitions grow: {exc}")
        return 2
    print(
        f"grew from {old_count} to {args.to} partitions: renamed {counts['renamed']} keys, copied "
        f"{counts['dedup_copied']} dedup entries and {counts['heads_copied']} heads; "
        f"now restart every service with WIRELOG_PARTITIONS={args.to}"
    )
    return 0
