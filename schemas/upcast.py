"""Upcasters: old stored events are upgraded to the current schema when read, never rewritten in the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (event type, from version) -> function returning the event at version + 1.
# Example for a future breaking change: UPCASTERS[("ItemNormalized", 1)] = upcast_item_normalized_v1_v2
UPCASTERS: dict[tuple[str, int], Upcaster] = {}

CURRENT_VERSIONS = {"BulletinReceived": 1, "ItemNormalized": 1}


class UnknownSchemaVersion(ValueError):
    pass


class NewerSchemaVersion(UnknownSchemaVersion):
    """Written by a newer version of the schema than this code knows."""


def upcast(event: dict[str, Any]) -> dict[str, Any]:
    kind, version = event.get("type"), event.get("schema_version")
    if kind not in CURRENT_VERSIONS or not isinstance(version, int):
        raise UnknownSchemaVersion(f"unknown event type or version: {kind!r} v{version!r}")
    while version < CURRENT_VERSIONS[kind]:
        step = UPCASTERS.get((kind, version))
        if step is None:
            raise UnknownSchemaVersion(f"no upcaster from {kind} v{version}")
        event = step(event)
        version = event["schema_version"]
    if version > CURRENT_VERSIONS[kind]:
        raise NewerSchemaVersion(f"{kind} v{version} is newer than this reader (v{CURRENT_VERSIONS[kind]})")
    return event
