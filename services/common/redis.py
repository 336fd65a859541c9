"""The one place a Redis client is made, from settings, never at import time.

A URL naming a Redis Cluster node gets redis-py's cluster client, which routes each command to the shard
owning its key; every command Wirelog sends touches keys of one hash tag (see settings.Partition).
"""

from __future__ import annotations

from functools import cache

import hiredis
import redis.asyncio as aioredis
from redis import Redis, RedisCluster
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.exceptions import RedisError
from redis.utils import HIREDIS_AVAILABLE


_cluster_mode: dict[str, bool] = {}


def is_cluster(url: str) -> bool:
    """Whether the server at `url` runs in cluster mode (INFO cluster), asked once per process.

    An unreachable server counts as a single node for now and is asked again next time; set
    WIRELOG_REDIS_CLUSTER to skip the question.
    """
    if url not in _cluster_mode:
        try:
            with Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) as client:
                _cluster_mode[url] = bool(client.info("cluster").get("cluster_enabled"))
        except (RedisError, OSError):
            return False
    return _cluster_mode[url]


class _HiredisPacking:
    """Commands packed by hiredis, in C, as redis-py's synchronous client already does; its asyncio connections
    still pack them in Python (redis/redis-py#4176), a fifth of the normalize loop's time in a profile. Single
    servers only: the cluster client makes its connections itself and keeps redis-py's packing.

    The bytes sent are the same. Whatever hiredis would read differently goes through redis-py's own packing:
    buffers (hiredis reads a memoryview's underlying memory, not its view) and values it refuses (int subclasses,
    which redis-py sends; others, which redis-py refuses with its DataError)."""

    def pack_command(self, *args: object) -> list[bytes]:
        first = args[0]
        if isinstance(first, str):  # 'CONFIG GET': the command's words go as arguments of their own
            args = (*first.encode().split(), *args[1:])
        elif b" " in first:
            args = (*first.split(), *args[1:])
        if not any(issubclass(kind, (memoryview, bytearray)) for kind in set(map(type, args))):
            try:
                return [hiredis.pack_command(args)]
            except TypeError:
                pass
        return super().pack_command(*args)


@cache
def _packed_by_hiredis(connection_class: type) -> type:
    return type(connection_class.__name__, (_HiredisPacking, connection_class), {})


def async_client(url: str, cluster: bool | None = None) -> aioredis.Redis | AsyncRedisCluster:
    if is_cluster(url) if cluster is None else cluster:
        return AsyncRedisCluster.from_url(url, decode_responses=True)
    client = aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
    pool = client.connection_pool
    # hiredis writes text as UTF-8 and stops at what cannot be encoded, as the client's default encoder does
    utf8 = pool.connection_kwargs.get("encoding", "utf-8") == "utf-8"
    if HIREDIS_AVAILABLE and utf8 and pool.connection_kwargs.get("encoding_errors", "strict") == "strict":
        # the class the URL's scheme chose (TCP, TLS or a Unix socket), packing with hiredis
        pool.connection_class = _packed_by_hiredis(pool.connection_class)
    return client


def sync_client(url: str, cluster: bool | None = None, **options: object) -> Redis | RedisCluster:
    if is_cluster(url) if cluster is None else cluster:
        return RedisCluster.from_url(url, decode_responses=True, **options)
    return Redis.from_url(url, decode_responses=True, **options)
