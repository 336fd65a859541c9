"""Read side of the web view: where (places), when (days) and the latest items for one filter, in one snapshot."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, func, or_, select, tuple_

from services.store.database import Database
from services.store.live import format_position
from services.store.queries import EventFilters, _filtered, decode_cursor, encode_cursor, row_view


def overview(db: Database, filters: EventFilters, streams: list[str], latest: int, cursor: str | None) -> dict[str, Any]:
    """Counts per place and per day, the newest items, and the stored stream position they were read at.

    All in one read transaction, so `position` is exactly where a live stream must resume to miss nothing.
    """
    with db.reader.connect() as conn:
        tables = db.live_tables(conn)
        matching = _filtered(tables, filters).subquery()
        positions = tables["positions"]
        stored = dict(conn.execute(select(positions.c.stream, positions.c.last_id).where(positions.c.stream.in_(streams))).all())
        position = format_position([stored.get(stream) for stream in streams])
        total = conn.execute(select(func.count()).select_from(matching)).scalar_one()
        places = _places(conn, tables["items"], matching)
        days, spread = _days(conn, matching)
        items, next_cursor = _latest(conn, tables, filters, latest, cursor) if latest else ([], None)
    return {
        "position": position,
        "total": total,
        "places": places,
        "days": days,
        "without_day": spread,
        "items": items,
        "next_cursor": next_cursor,
    }


def _places(conn, items, matching) -> list[dict[str, Any]]:  # noqa: ANN001
    """Each event location with its item count and latest event day; coordinates from one of its rows."""
    gid = matching.c.location_geonames_id
    grouped = conn.execute(
        select(gid, func.count(), func.max(matching.c.event_date_end), func.max(matching.c.item_id))
        .where(gid.is_not(None))
        .group_by(gid)
    ).all()
    if not grouped:
        return []
    # lat/lon live only in the stored event: read one event per place rather than every matching row.
    sample_ids = [row[3] for row in grouped]
    events = dict(conn.execute(select(items.c.item_id, items.c.event).where(items.c.item_id.in_(sample_ids))).all())
    places = []
    for geonames_id, count, latest, sample in grouped:
        location = json.loads(events[sample])["data"]["event_location"] or {}
        if location.get("lat") is None or location.get("lon") is None:
            continue
        places.append(
            {
                "geonames_id": geonames_id,
                "name": location["name"],
                "country_code": location.get("country_code"),
                "lat": location["lat"],
                "lon": location["lon"],
                "count": count,
                "latest": latest,
            }
        )
    return sorted(places, key=lambda place: -place["count"])


def _days(conn, matching) -> tuple[list[dict[str, Any]], int]:  # noqa: ANN001
    """Item counts per event day; items dated only to a week, month or wider range are counted apart."""
    start, end = matching.c.event_date_start, matching.c.event_date_end
    rows = conn.execute(select(start, end, func.count()).where(start.is_not(None)).group_by(start, end)).all()
    days: dict[str, int] = {}
    spread = 0
    for first, last, count in rows:
        if first == last:
            days[first] = days.get(first, 0) + count
        else:
            spread += count
    return [{"date": day, "count": days[day]} for day in sorted(days)], spread


def _latest(conn, tables, filters: EventFilters, limit: int, cursor: str | None) -> tuple[list, str | None]:  # noqa: ANN001
    """Newest bulletins first, each bulletin's items in order; the cursor pages on to older ones."""
    items = tables["items"]
    query = _filtered(tables, filters)
    if cursor:
        reference_date, bulletin_id, position = decode_cursor(cursor)
        query = query.where(
            or_(
                items.c.reference_date < reference_date,
                and_(
                    items.c.reference_date == reference_date,
                    tuple_(items.c.bulletin_id, items.c.position) > tuple_(bulletin_id, position),
                ),
            )
        )
    order = (items.c.reference_date.desc(), items.c.bulletin_id, items.c.position)
    rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
    page = rows[:limit]
    last = page[-1] if len(rows) > limit else None
    next_cursor = encode_cursor(last.reference_date, last.bulletin_id, last.position) if last else None
    return [row_view(row) for row in page], next_cursor
