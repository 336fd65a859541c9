"""What the store writes for one ItemNormalized event: its item row, place and actor rows, and its bulletin row.

Read straight from the JSON as logged when it has the current schema's shape (services/store/shape.py), else
from the validated model. Both give the same values, so the live store and a rebuild write the same tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import orjson

from schemas import ItemNormalized
from services.store.dates import day_bounds
from services.store.shape import compile_check

# Columns in the order the tuples below hold them; the item row starts with what only the database knows.
ITEM_FIELDS = (
    "normalizer_version", "bulletin_id", "position", "source", "reference_date", "event_date", "event_date_precision",
    "event_date_start", "event_date_end", "location_name", "location_geonames_id", "location_country", "full_text",
    "event",
)
ITEM_COLUMNS = ("item_id", "event_id", "revision", "stream_id", *ITEM_FIELDS)
PLACE_COLUMNS = ("item_id", "geonames_id", "name", "name_key", "country_code")
ACTOR_COLUMNS = ("item_id", "actor_id", "name", "name_key", "country")
BULLETIN_COLUMNS = ("bulletin_id", "source", "published_at", "reference_date", "url", "language")

_HAS_CURRENT_SHAPE = compile_check(ItemNormalized)


class StoredItem(NamedTuple):
    event_id: str
    item_id: str
    bulletin_id: str
    item: tuple  # ITEM_FIELDS
    places: list[tuple]
    actors: list[tuple]
    bulletin: tuple


def read_logged(raw: str) -> StoredItem | None:
    """The rows of a logged event in the current schema's shape; None for anything the model must look at."""
    try:
        event = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return from_json(event, raw) if _HAS_CURRENT_SHAPE(event) else None


def from_json(event: dict[str, Any], raw: str) -> StoredItem:
    """Rows from JSON that passed the shape check, with the values the model would hold (its defaults included)."""
    data = event["data"]
    item_id, bulletin_id = data["item_id"], data["bulletin_id"]
    when = data["event_date"]
    start, end = day_bounds(when["value"], when.get("range_start"), when.get("range_end"))
    location = data.get("event_location")
    has_location = location is not None
    item = (
        data["normalizer_version"], bulletin_id, data["position"], data["source"], data["reference_date"],
        when["value"], when["precision"], start, end,
        location["name"] if has_location else None,
        location["geonames_id"] if has_location else None,
        location.get("country_code") if has_location else None,
        data["full_text"], raw,
    )
    places = [
        (item_id, p["geonames_id"], p["name"], p["name"].casefold(), p.get("country_code")) for p in data.get("places", ())
    ]
    actors = [(item_id, a["actor_id"], a["name"], a["name"].casefold(), a.get("country")) for a in data.get("actors", ())]
    bulletin = (
        bulletin_id, data["source"], _moment(data["published_at"]), data["reference_date"], data.get("url"),
        data.get("language"),
    )
    return StoredItem(event["id"], item_id, bulletin_id, item, places, actors, bulletin)


def _moment(value: str) -> str:
    """published_at as the model gives it back: a day as is, a date-time in `datetime.isoformat` form."""
    return value if len(value) == 10 else datetime.fromisoformat(value).isoformat()


def from_model(event: ItemNormalized, raw: str | None = None) -> StoredItem:
    """Rows from a validated event; `raw` is its JSON as logged, stored as is (else the model's own JSON)."""
    data = event.data
    when = data.event_date
    start, end = day_bounds(when.value, when.range_start, when.range_end)
    location = data.event_location
    item = (
        data.normalizer_version, data.bulletin_id, data.position, data.source, data.reference_date.isoformat(),
        when.value, when.precision, start, end,
        location.name if location else None,
        location.geonames_id if location else None,
        location.country_code if location else None,
        data.full_text, raw if raw is not None else event.model_dump_json(),
    )
    places = [(data.item_id, p.geonames_id, p.name, p.name.casefold(), p.country_code) for p in data.places]
    actors = [(data.item_id, a.actor_id, a.name, a.name.casefold(), a.country) for a in data.actors]
    bulletin = (
        data.bulletin_id, data.source, data.published_at.isoformat(), data.reference_date.isoformat(), data.url,
        data.language,
    )
    return StoredItem(event.id, data.item_id, data.bulletin_id, item, places, actors, bulletin)
