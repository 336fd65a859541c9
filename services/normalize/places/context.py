"""The bulletin's scene: countries and regions named anywhere in it, which steer every item's places."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.model import Place
from services.normalize.places.recognize import Span
from services.normalize.places.resolve import Region, Scene, is_unambiguous, locate, recognise, scene_of


class Reading(NamedTuple):
    """One text's recognised names, and their places as read with no scene (the way the context reads them)."""

    spans: list[Span]
    alone: list[tuple[Span, Place]]


@dataclass(frozen=True)
class BulletinContext:
    country_codes: frozenset[str] = field(default_factory=frozenset)
    regions: frozenset[Region] = field(default_factory=frozenset)
    # Each text the context was built from, already read: recognition was half the cost of places, and the items
    # the context is built from are the very items analysed next.
    readings: Mapping[str, Reading] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_texts(cls, texts: list[str], gazetteer: Gazetteer) -> BulletinContext:
        readings = {text: read(text, gazetteer) for text in dict.fromkeys(texts)}
        named = [pair for text in texts for pair in readings[text].alone]
        # Only names that say for sure where they are steer the rest: "Odessa" alone must not vote for Ukraine.
        scene = scene_of([place for span, place in named if place.specificity <= 2 or is_unambiguous(span, gazetteer)])
        return cls(frozenset(scene.countries), frozenset(scene.regions), readings)

    @property
    def scene(self) -> Scene:
        # Sorted: a set's order changes with the process's string hashing, and the scene's order breaks ties
        # (the home region), so an unsorted scene made the same item come out differently from run to run.
        return Scene(dict.fromkeys(sorted(self.country_codes), 1), dict.fromkeys(sorted(self.regions), 1))

    def locate(self, text: str, gazetteer: Gazetteer) -> list[tuple[Span, Place]]:
        """The text's places in this bulletin's scene, reusing what building the context already read."""
        scene = self.scene
        reading = self.readings.get(text)
        if reading is None:
            return locate(text, gazetteer, scene)
        if not scene.countries and not scene.regions:
            return reading.alone  # the scene it was read in
        return locate(text, gazetteer, scene, reading.spans)


def read(text: str, gazetteer: Gazetteer) -> Reading:
    spans = recognise(text, gazetteer)
    return Reading(spans, locate(text, gazetteer, Scene(), spans))
