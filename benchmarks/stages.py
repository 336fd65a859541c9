"""Scenarios 3 and 4: the real normalize StageLoop + NormalizeStage, with a no-op normaliser and with the real one."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from redis.asyncio import Redis

from schemas import Bulletin, BulletinReceived, ItemNormalized
from schemas.streams import NORMALIZE_GROUP
from services.common.eventlog import encode
from services.common.hosting import stage_loop
from services.common.settings import Settings
from services.ingest.identity import bulletin_received
from services.normalize.normalizer import Normalizer, event_id_for
from services.normalize.stage import NormalizeStage
from services.normalize.temporal import choose_event_date


def received_events(bulletins: list[dict]) -> list[BulletinReceived]:
    now = datetime.now(UTC)
    return [bulletin_received(Bulletin.model_validate(bulletin), now) for bulletin in bulletins]


async def fill_raw(redis: Redis, stream: str, events: list[BulletinReceived]) -> None:
    for start in range(0, len(events), 100):
        async with redis.pipeline(transaction=False) as pipe:
            for event in events[start : start + 100]:
                pipe.xadd(stream, encode(event))
            await pipe.execute()


def item_templates(normalizer: Normalizer, texts: list[str]) -> list[ItemNormalized]:
    """Real normaliser output for a few texts, to be copied under other ids (not re-analysed)."""
    bulletin = Bulletin.model_validate(
        {"source": "bench", "published_at": "2022-03-31", "items": [{"text": text} for text in texts]}
    )
    return normalizer.normalize(bulletin_received(bulletin, datetime.now(UTC)), datetime.now(UTC))


def copied_items(template: ItemNormalized, event: BulletinReceived) -> list[ItemNormalized]:
    """One ItemNormalized per item of `event`, all with the template's analysis, under the event's own ids."""
    out = []
    for position, item in enumerate(event.data.items):
        item_id = f"{event.data.bulletin_id}:{position}"
        data = template.data.model_copy(
            update={"item_id": item_id, "bulletin_id": event.data.bulletin_id, "position": position, "text": item.text,
                    "full_text": item.text}
        )
        out.append(
            template.model_copy(
                update={
                    "id": event_id_for(item_id, template.data.normalizer_version),
                    "correlation_id": event.data.bulletin_id,
                    "causation_id": event.id,
                    "data": data,
                }
            )
        )
    return out


def without_analysis(template: ItemNormalized) -> ItemNormalized:
    """What a normaliser that finds nothing emits for the template's item: no dates, places or actors, the bulletin
    date as reported. About 1.4 KB of JSON, the baseline's entry size; a real analysis makes some 3 KB."""
    data = template.data
    reported = choose_event_date(data.full_text, [], data.reference_date)
    nothing = {"dates": [], "places": [], "actors": [], "event_location": None, "event_date": reported}
    empty = data.model_copy(update=nothing)
    return template.model_copy(update={"data": empty})


class PrecomputedNormalizer:
    """Stands in for Normalizer in the transport scenario: answers from a table, does no analysis."""

    def __init__(self, answers: dict[str, list[ItemNormalized]]) -> None:
        self.answers = answers

    def normalize(self, event: BulletinReceived, recorded_at: datetime) -> list[ItemNormalized]:
        return self.answers[event.data.bulletin_id]


async def run_stage(settings: Settings, normalizer: object, events: list[BulletinReceived]) -> float:
    """Entries/s of the live normalize loop draining `events` from a freshly filled raw stream."""
    from services.common.redis import async_client

    redis = async_client(settings.redis_url)
    try:
        await fill_raw(redis, settings.streams.raw, events)
        stage = NormalizeStage(redis, settings.streams.only, NORMALIZE_GROUP, normalizer)
        drained, handled = asyncio.Event(), 0

        async def handle(entries):  # signals the last batch at once: polling would wake the loop during batches
            nonlocal handled
            failures = await stage.handle(entries)
            handled += len(entries) - len(failures)
            if handled >= len(events):
                drained.set()
            return failures

        loop = stage_loop(
            settings, redis, stage="normalize", partition=settings.streams.only, group=NORMALIZE_GROUP, handler=handle
        )
        started = time.perf_counter()
        task = asyncio.create_task(loop.run())
        waiting = asyncio.create_task(drained.wait())
        await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
        if not drained.is_set():
            waiting.cancel()
            task.result()
            raise RuntimeError("the stage loop stopped early")
        elapsed = time.perf_counter() - started
        loop.stop()
        await task
        written = await redis.xlen(settings.streams.normalized)
        expected = sum(len(event.data.items) for event in events)
        if written != expected:
            raise RuntimeError(f"the stage wrote {written} events, expected {expected}")
        return len(events) / elapsed
    finally:
        await redis.aclose()
