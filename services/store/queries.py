"""Read side of the store: filtered, cursor-paginated queries over the live generation."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, Text, exists, literal, or_, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from services.store.database import Database


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class EventFilters:
    bulletin: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    place: str | None = None
    actor: str | None = None
    country: str | None = None
    q: str | None = None
    source: str | None = None


def encode_cursor(reference_date: str, bulletin_id: str, position: int) -> str:
    raw = json.dumps([reference_date, bulletin_id, position]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_INT64 = 2**63


def decode_cursor(cursor: str) -> tuple[str, str, int]:
    """The (reference date, bulletin id, position) an issued cursor holds; BadCursor for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError as exc:  # not base64, not UTF-8, not JSON
        raise BadCursor("cursor is not one this API issued") from exc
    match value:
        case [str(reference_date), str(bulletin_id), int(position)] if (
            type(position) is int and 0 <= position < _INT64 and "\x00" not in reference_date + bulletin_id
        ):
            return reference_date, bulletin_id, position
    raise BadCursor("cursor is not one this API issued")


_INT32 = 2**31  # geonames_id is an INTEGER column: 4 bytes on PostgreSQL


def geonames_id_in(place: str) -> int | None:
    """A place filter that is a GeoNames id (ASCII digits, within the column's integers), else None."""
    if place.isascii() and place.isdigit() and len(place) <= 10 and int(place) < _INT32:
        return int(place)
    return None


class _Folded(FunctionElement):
    """Text with its case folded, for matching that ignores case in every script: lower() on PostgreSQL (by the
    database's locale), wirelog_fold() (Python's casefold, services/store/database.py) on SQLite, whose lower()
    and LIKE fold ASCII letters only."""

    type = Text()
    inherit_cache = True
    name = "folded"


@compiles(_Folded)
def _lower(element: _Folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_Folded, "sqlite")
def _casefold(element: _Folded, compiler: Any, **kw: Any) -> str:
    return f"wirelog_fold({compiler.process(element.clauses, **kw)})"


def _filtered(tables: dict, filters: EventFilters) -> Select:
    items, places, actors = tables["items"], tables["places"], tables["actors"]
    query = select(items)
    if filters.bulletin:
        query = query.where(items.c.bulletin_id == filters.bulletin)
    if filters.source:
        query = query.where(items.c.source == filters.source)
    if filters.date_from:
        query = query.where(items.c.event_date_end >= filters.date_from.isoformat())
    if filters.date_to:
        query = query.where(items.c.event_date_start <= filters.date_to.isoformat())
    if filters.place:
        match = places.c.name_key == filters.place.casefold()
        if (geonames_id := geonames_id_in(filters.place)) is not None:
            match = or_(match, places.c.geonames_id == geonames_id)
        query = query.where(exists().where(places.c.item_id == items.c.item_id, match))
    if filters.actor:
        match = or_(actors.c.name_key == filters.actor.casefold(), actors.c.actor_id == filters.actor)
        query = query.where(exists().where(actors.c.item_id == items.c.item_id, match))
    if filters.country:
        code = filters.country.upper()
        query = query.where(
            or_(
                items.c.location_country == code,
                exists().where(places.c.item_id == items.c.item_id, places.c.country_code == code),
                exists().where(actors.c.item_id == items.c.item_id, actors.c.country == code),
            )
        )
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        if filters.q.isascii():  # the built-in case folding is enough, and the fastest
            query = query.where(items.c.full_text.ilike(f"%{escaped}%", escape="\\"))
        else:  # "élysée" finds "Élysée"
            pattern = _Folded(literal(f"%{escaped}%"))
            query = query.where(_Folded(items.c.full_text).like(pattern, escape="\\"))
    return query


def row_view(row: Any) -> dict[str, Any]:
    event = json.loads(row.event)
    return {
        "id": row.event_id,
        "item_id": row.item_id,
        "revision": row.revision,
        "normalizer_version": row.normalizer_version,
        "stream_id": row.stream_id,
        **{key: event["data"][key] for key in event["data"]},
        "envelope": {key: value for key, value in event.items() if key != "data"},
    }


def list_events(db: Database, filters: EventFilters, limit: int, cursor: str | None) -> dict[str, Any]:
    with db.reader.connect() as conn:
        tables = db.live_tables(conn)
        items = tables["items"]
        order = (items.c.reference_date, items.c.bulletin_id, items.c.position)
        query = _filtered(tables, filters)
        if cursor:
            query = query.where(tuple_(*order) > tuple_(*decode_cursor(cursor)))
        rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
    page, more = rows[:limit], len(rows) > limit
    last = page[-1] if page else None
    return {
        "items": [row_view(row) for row in page],
        "next_cursor": encode_cursor(last.reference_date, last.bulletin_id, last.position) if more and last else None,
    }


def get_event(db: Database, event_or_item_id: str) -> dict[str, Any] | None:
    with db.reader.connect() as conn:
        items = db.live_tables(conn)["items"]
        row = conn.execute(
            select(items).where(or_(items.c.event_id == event_or_item_id, items.c.item_id == event_or_item_id))
        ).first()
    return row_view(row) if row else None


def get_bulletin(db: Database, bulletin_id: str) -> dict[str, Any] | None:
    with db.reader.connect() as conn:
        tables = db.live_tables(conn)
        bulletin = conn.execute(
            select(tables["bulletins"]).where(tables["bulletins"].c.bulletin_id == bulletin_id)
        ).first()
        if bulletin is None:
            return None
        items = tables["items"]
        rows = conn.execute(select(items).where(items.c.bulletin_id == bulletin_id).order_by(items.c.position)).all()
    return {**bulletin._asdict(), "items": [row_view(row) for row in rows]}


def count_items(db: Database) -> int:
    from sqlalchemy import func

    with db.reader.connect() as conn:
        items = db.live_tables(conn)["items"]
        return conn.execute(select(func.count()).select_from(items)).scalar_one()
