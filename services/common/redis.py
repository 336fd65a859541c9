"""The one place a Redis client is made, from settings, never at import time.

A URL naming a Redis Cluster node gets redis-py's cluster client, which routes each command to the shard
owning its key; every command Wirelog sends touches keys of one hash tag (see settings.Partition).
"""

from __future__ import annotations

import redis.asyncio as aioredis
from redis import Redis, RedisCluster
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster
from redis.exceptions import RedisError


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


def async_client(url: str, cluster: bool | None = None) -> aioredis.Redis | AsyncRedisCluster:
    if is_cluster(url) if cluster is None else cluster:
        return AsyncRedisCluster.from_url(url, decode_responses=True)
    return aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def sync_client(url: str, cluster: bool | None = None, **options: object) -> Redis | RedisCluster:
    if is_cluster(url) if cluster is None else cluster:
        return RedisCluster.from_url(url, decode_responses=True, **options)
    return Redis.from_url(url, decode_responses=True, **options)
