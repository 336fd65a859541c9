"""Wires the operator commands (status, dlq, replay) into the `wirelog` parser."""

from __future__ import annotations

import argparse
import asyncio
import json

from services.common.redis import async_client
from services.common.settings import Settings


def _run(coro):  # noqa: ANN001, ANN202
    return asyncio.run(coro)


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _processes(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def cmd_status(args: argparse.Namespace) -> int:
    from services.operations.partitions import verify_partition_count
    from services.operations.status import log_status

    async def go() -> dict:
        settings = Settings()
        redis = async_client(settings.redis_url, settings.redis_cluster)
        try:
            await verify_partition_count(redis, settings.streams)
            return await log_status(redis, settings.streams)
        finally:
            await redis.aclose()

    status = _run(go())
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    for name, info in status["streams"].items():
        print(f"{name}: length {info['length']}, first {info['first_id']}, last {info['last_id']}")
        for group in info["groups"]:
            print(f"  group {group['name']}: lag {group['lag']}, pending {group['pending']}, consumers {group['consumers']}")
    for stage, count in status["dead_letters"].items():
        by_partition = status["dead_letters_by_partition"][stage]
        print(f"dead letters {stage}: {count}" + (f" (per partition {by_partition})" if len(by_partition) > 1 else ""))
    return 0


def cmd_dlq(args: argparse.Namespace) -> int:
    from services.operations import dead_letters
    from services.operations.partitions import verify_partition_count

    async def go() -> int:
        settings = Settings()
        redis = async_client(settings.redis_url, settings.redis_cluster)
        try:
            await verify_partition_count(redis, settings.streams)
            return await dead_letters.command(redis, settings.streams, args)
        finally:
            await redis.aclose()

    return _run(go())


def cmd_partitions(args: argparse.Namespace) -> int:
    from services.operations import partitions

    async def go() -> int:
        settings = Settings()
        redis = async_client(settings.redis_url, settings.redis_cluster)
        try:
            return await partitions.command(redis, settings, args)
        finally:
            await redis.aclose()

    return _run(go())


def cmd_replay(args: argparse.Namespace) -> int:
    from services.operations.replay import command

    return command(Settings(), args)


def add_operations(sub: argparse._SubParsersAction) -> None:
    from services.operations.replay import NORMALIZE_BATCH, REBUILD_BATCH, default_processes

    status = sub.add_parser("status", help="streams, groups, lag, pending and dead letters")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    dlq = sub.add_parser("dlq", help="inspect and re-drive dead letters")
    dlq.add_argument("action", choices=["list", "show", "retry", "purge"])
    dlq.add_argument(
        "ids", nargs="*", help="dead-letter ids as listed, PARTITION/ID or ID (retry/purge: all when none given with --all)"
    )
    dlq.add_argument("--stage", choices=["normalize", "store"], default="normalize")
    dlq.add_argument("--all", action="store_true", help="retry or purge every dead letter of the stage")
    dlq.add_argument("--count", type=positive, default=50, help="list: at most this many (default 50)")
    dlq.set_defaults(func=cmd_dlq)

    parts = sub.add_parser("partitions", help="the log's partition count; grow it on a drained log")
    parts.add_argument("action", choices=["show", "grow"])
    parts.add_argument("--to", type=positive, help="grow: the new partition count")
    parts.set_defaults(func=cmd_partitions)

    replay = sub.add_parser("replay", help="re-run a stage from the event log")
    replay.add_argument("stage", choices=["normalize", "store"])
    replay.add_argument("--from", dest="start", default="-", help="stream id or ISO time (default: the beginning)")
    replay.add_argument("--to", dest="end", default="+", help="stream id or ISO time (default: the end)")
    replay.add_argument("--rebuild", action="store_true", help="store: rebuild the read model into fresh tables")
    replay.add_argument("--resume", action="store_true", help="continue an interrupted replay from its checkpoint")
    replay.add_argument(
        "--batch",
        type=positive,
        default=None,
        help=f"entries per read and commit (default: normalize {NORMALIZE_BATCH}, store --rebuild {REBUILD_BATCH})",
    )
    replay.add_argument(
        "--partition", type=int, action="append", metavar="P", help="normalize: only this partition (repeatable; default: all)"
    )
    replay.add_argument(
        "--processes",
        type=_processes,
        default=default_processes(),
        help=f"normalize: worker processes, one per core to use; 0: this process only (default: {default_processes()})",
    )
    replay.set_defaults(func=cmd_replay)
