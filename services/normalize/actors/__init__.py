"""Actors: people, organisations and armed groups canonicalised against a curated dictionary."""

from __future__ import annotations

from schemas import ActorMention, PlaceMention


class ActorDictionary:
    @classmethod
    def load(cls) -> "ActorDictionary":
        return cls()


def find_actors(text: str, places: list[PlaceMention], dictionary: ActorDictionary) -> list[ActorMention]:
    return []
