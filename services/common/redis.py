"""The one place a Redis client is made, from settings, never at import time."""

from __future__ import annotations

import redis.asyncio as aioredis
from redis import Redis


def async_client(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(url, decode_responses=True, health_check_interval=30)


def sync_client(url: str) -> Redis:
    return Redis.from_url(url, decode_responses=True)
