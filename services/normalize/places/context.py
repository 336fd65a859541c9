"""The bulletin's scene: countries and regions named anywhere in it, which steer every item's places."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.resolve import Scene, is_unambiguous, locate, scene_of


@dataclass(frozen=True)
class BulletinContext:
    country_codes: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def from_texts(cls, texts: list[str], gazetteer: Gazetteer) -> BulletinContext:
        named = [(span, place) for text in texts for span, place in locate(text, gazetteer, Scene())]
        # Only names that say for sure where they are steer the rest: "Odessa" alone must not vote for Ukraine.
        scene = scene_of([place for span, place in named if place.specificity <= 2 or is_unambiguous(span, gazetteer)])
        return cls(frozenset(scene.countries), frozenset(scene.regions))

    @property
    def scene(self) -> Scene:
        return Scene(Counter(self.country_codes), Counter(self.regions))
