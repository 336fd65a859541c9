"""The normaliser: a pure, deterministic function from a bulletin to its normalised items.

The live stage, `wirelog replay normalize` and `wirelog normalize-file` all call this module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from schemas import (
    ActorMention,
    BulletinReceived,
    DateMention,
    EventDate,
    ItemNormalized,
    ItemNormalizedData,
    PlaceMention,
    Producer,
)
from services.normalize import compiled
from services.normalize.actors import ActorDictionary, find_actors
from services.normalize.places import BulletinContext, Gazetteer, choose_event_location, find_places
from services.normalize.temporal import choose_event_date, tag_dates

# Bump on any change that alters output: a new version writes new revisions of every item on replay.
NORMALIZER_VERSION = "1.7.0"


@dataclass(frozen=True)
class TextAnalysis:
    dates: list[DateMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    event_date: EventDate | None = None
    event_location: PlaceMention | None = None


def event_id_for(item_id: str, version: str) -> str:
    digest = hashlib.sha256(f"{item_id}|{version}".encode()).hexdigest()[:24]
    return f"evt_{digest}"


class Normalizer:
    """Holds the loaded resources (gazetteer, actor dictionary); analysis itself has no I/O."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        actors: ActorDictionary | None = None,
        version: str = NORMALIZER_VERSION,
        cache_dir: Path | None = None,
    ) -> None:
        compiled.ensure_fresh()  # a stale compiled module would write old output under the current version
        self.gazetteer = gazetteer or Gazetteer.load(cache_dir)
        self.actor_dictionary = actors or ActorDictionary.load(cache_dir=cache_dir)
        self.version = version

    def context_for(self, texts: list[str]) -> BulletinContext:
        return BulletinContext.from_texts(texts, self.gazetteer)

    def analyze(
        self, text: str, reference_date: date | None, context: BulletinContext | None = None
    ) -> TextAnalysis:
        dates = tag_dates(text, reference_date)
        places = find_places(text, self.gazetteer, context)
        actors = find_actors(text, places, self.actor_dictionary)
        return TextAnalysis(
            dates=dates,
            places=places,
            actors=actors,
            event_date=choose_event_date(text, dates, reference_date),
            event_location=choose_event_location(text, places),
        )

    def normalize(self, event: BulletinReceived, recorded_at: datetime) -> list[ItemNormalized]:
        bulletin = event.data
        full_texts = [f"{item.label}: {item.text}" if item.label else item.text for item in bulletin.items]
        # The context reads the very texts analysed below, so each item's place names are recognised once.
        context = self.context_for(full_texts)
        producer = Producer(service="normalize", version=self.version)
        out = []
        for position, (item, full_text) in enumerate(zip(bulletin.items, full_texts, strict=True)):
            item_id = f"{bulletin.bulletin_id}:{position}"
            analysis = self.analyze(full_text, bulletin.reference_date, context)
            out.append(
                ItemNormalized(
                    id=event_id_for(item_id, self.version),
                    occurred_at=event.occurred_at,
                    recorded_at=recorded_at,
                    source=bulletin.source,
                    correlation_id=bulletin.bulletin_id,
                    causation_id=event.id,
                    producer=producer,
                    data=ItemNormalizedData(
                        item_id=item_id,
                        bulletin_id=bulletin.bulletin_id,
                        position=position,
                        label=item.label,
                        text=item.text,
                        full_text=full_text,
                        source=bulletin.source,
                        published_at=bulletin.published_at,
                        reference_date=bulletin.reference_date,
                        url=bulletin.url,
                        language=bulletin.language,
                        normalizer_version=self.version,
                        dates=analysis.dates,
                        places=analysis.places,
                        actors=analysis.actors,
                        event_date=analysis.event_date
                        or EventDate(value=bulletin.reference_date.isoformat(), precision="reported"),
                        event_location=analysis.event_location,
                    ),
                )
            )
        return out
