"""The read model's tables; each rebuild writes a fresh generation of them and swaps it in."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text


def generation_tables(metadata: MetaData, generation: int) -> dict[str, Table]:
    g = f"g{generation}"
    items = Table(
        f"items_{g}",
        metadata,
        Column("item_id", String(80), primary_key=True),
        Column("event_id", String(40), nullable=False, unique=True),
        Column("revision", Integer, nullable=False),
        Column("normalizer_version", String(40), nullable=False),
        Column("stream_id", String(40), nullable=False),
        Column("bulletin_id", String(40), nullable=False),
        Column("position", Integer, nullable=False),
        Column("source", String(128), nullable=False),
        Column("reference_date", String(10), nullable=False),
        Column("event_date", String(40)),
        Column("event_date_precision", String(16), nullable=False),
        Column("event_date_start", String(10)),
        Column("event_date_end", String(10)),
        Column("location_name", String(200)),
        Column("location_geonames_id", Integer),
        Column("location_country", String(2)),
        Column("full_text", Text, nullable=False),
        Column("event", Text, nullable=False),
        Index(f"ix_{g}_items_order", "reference_date", "bulletin_id", "position"),
        Index(f"ix_{g}_items_bulletin", "bulletin_id", "position"),
        Index(f"ix_{g}_items_event_date", "event_date_start", "event_date_end"),
    )
    places = Table(
        f"item_places_{g}",
        metadata,
        Column("item_id", String(80), nullable=False),
        Column("geonames_id", Integer),
        Column("name", String(200), nullable=False),
        Column("name_key", String(200), nullable=False),
        Column("country_code", String(2)),
        Index(f"ix_{g}_places_item", "item_id"),
        Index(f"ix_{g}_places_name", "name_key"),
        Index(f"ix_{g}_places_gid", "geonames_id"),
        Index(f"ix_{g}_places_country", "country_code"),
    )
    actors = Table(
        f"item_actors_{g}",
        metadata,
        Column("item_id", String(80), nullable=False),
        Column("actor_id", String(120)),
        Column("name", String(200), nullable=False),
        Column("name_key", String(200), nullable=False),
        Column("country", String(2)),
        Index(f"ix_{g}_actors_item", "item_id"),
        Index(f"ix_{g}_actors_name", "name_key"),
        Index(f"ix_{g}_actors_id", "actor_id"),
    )
    bulletins = Table(
        f"bulletins_{g}",
        metadata,
        Column("bulletin_id", String(40), primary_key=True),
        Column("source", String(128), nullable=False),
        Column("published_at", String(40), nullable=False),
        Column("reference_date", String(10), nullable=False),
        Column("url", Text),
        Column("language", String(35)),
    )
    positions = Table(
        f"positions_{g}",
        metadata,
        Column("stream", String(200), primary_key=True),
        Column("last_id", String(40), nullable=False),
        Column("applied", Integer, nullable=False),
    )
    return {"items": items, "places": places, "actors": actors, "bulletins": bulletins, "positions": positions}


def meta_table(metadata: MetaData) -> Table:
    """One row: which generation serves queries, and which one a rebuild is filling."""
    return Table(
        "wirelog_meta",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("live_generation", Integer, nullable=False),
        Column("rebuild_generation", Integer),
    )
