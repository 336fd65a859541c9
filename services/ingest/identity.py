"""Deterministic identity of a pushed bulletin: the same bulletin always gets the same id."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from schemas import Bulletin, BulletinReceived, BulletinReceivedData, Producer

INGEST_VERSION = "1.0.0"


def bulletin_id(bulletin: Bulletin) -> str:
    """From source + external id when the publisher gives one, else from the content."""
    if bulletin.external_id:
        key = json.dumps(["ext", bulletin.source, bulletin.external_id])
    else:
        items = [[item.label, item.text] for item in bulletin.all_items()]
        key = json.dumps(["content", bulletin.source, str(bulletin.published_at), items], ensure_ascii=False)
    return "b_" + hashlib.sha256(key.encode()).hexdigest()[:24]


def reference_date(published_at: date | datetime) -> date:
    return published_at.date() if isinstance(published_at, datetime) else published_at


def occurred_at(published_at: date | datetime) -> datetime:
    if isinstance(published_at, datetime):
        return published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)
    return datetime(published_at.year, published_at.month, published_at.day, tzinfo=UTC)


def bulletin_received(bulletin: Bulletin, recorded_at: datetime) -> BulletinReceived:
    bid = bulletin_id(bulletin)
    return BulletinReceived(
        id="evt_" + hashlib.sha256(f"BulletinReceived|{bid}".encode()).hexdigest()[:24],
        occurred_at=occurred_at(bulletin.published_at),
        recorded_at=recorded_at,
        source=bulletin.source,
        correlation_id=bid,
        causation_id=None,
        producer=Producer(service="ingest", version=INGEST_VERSION),
        data=BulletinReceivedData(
            bulletin_id=bid,
            source=bulletin.source,
            external_id=bulletin.external_id,
            published_at=bulletin.published_at,
            reference_date=reference_date(bulletin.published_at),
            url=bulletin.url,
            language=bulletin.language,
            items=bulletin.all_items(),
        ),
    )
