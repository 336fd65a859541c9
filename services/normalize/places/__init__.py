"""Places: mentions in item text resolved against an offline gazetteer."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import PlaceMention


class Gazetteer:
    @classmethod
    def load(cls) -> "Gazetteer":
        return cls()


@dataclass(frozen=True)
class BulletinContext:
    country_codes: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_texts(cls, texts: list[str], gazetteer: Gazetteer) -> "BulletinContext":
        return cls()


def find_places(text: str, gazetteer: Gazetteer, context: BulletinContext | None = None) -> list[PlaceMention]:
    return []


def choose_event_location(text: str, places: list[PlaceMention]) -> PlaceMention | None:
    located = [p for p in places if p.role == "location"]
    return located[0] if located else None
