"""Backpressure for ingest: refuse pushes while normalize's unread backlog on wirelog:raw is past the limit."""

from __future__ import annotations

import time
from collections.abc import Callable

from schemas.streams import NORMALIZE_GROUP
from services.ingest.log_writer import RawLog

RETRY_AFTER_SECONDS = 5


class Backpressure:
    """Asks Redis at most once per `ttl` seconds, so a busy ingest does not add a round trip to every push."""

    def __init__(
        self, raw_log: RawLog, limit: int, ttl: float = 0.5, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.raw_log = raw_log
        self.limit = limit
        self.ttl = ttl
        self.clock = clock
        self._backlog = 0
        self._checked_at: float | None = None

    async def backlog(self) -> int:
        now = self.clock()
        if self._checked_at is None or now - self._checked_at >= self.ttl:
            self._backlog = await self.raw_log.backlog(NORMALIZE_GROUP)
            self._checked_at = now
        return self._backlog

    async def retry_after(self) -> int | None:
        """None when pushes may go on, else the seconds a client should wait."""
        if self.limit <= 0:
            return None
        return RETRY_AFTER_SECONDS if await self.backlog() >= self.limit else None
