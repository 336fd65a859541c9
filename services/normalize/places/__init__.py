"""Places: mentions in item text resolved against an offline gazetteer (recognise, resolve, then assign roles)."""

from __future__ import annotations

from schemas import PlaceMention
from services.normalize.places.context import BulletinContext
from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.resolve import Scene, locate
from services.normalize.places.roles import choose_event_location, names_a_people, role_of


def find_places(text: str, gazetteer: Gazetteer, context: BulletinContext | None = None) -> list[PlaceMention]:
    """Every place named in the text, in order, with its gazetteer entry and its role."""
    located = context.locate(text, gazetteer) if context is not None else locate(text, gazetteer, Scene())
    mentions = []
    for span, place in located:
        surface = text[span.start : span.end]
        # "Russian forces" is the Russian military, which the actor stage names itself; never a government.
        role = "location" if names_a_people(surface, place.name, place.feature) else role_of(text, span.end, place)
        mentions.append(
            PlaceMention(
                surface=surface,
                start=span.start,
                end=span.end,
                geonames_id=place.geonames_id,
                name=place.name,
                feature=place.feature,
                country_code=place.country_code,
                admin1=place.admin1,
                lat=round(place.lat, 5),
                lon=round(place.lon, 5),
                role=role,
            )
        )
    return mentions


__all__ = ["BulletinContext", "Gazetteer", "choose_event_location", "find_places"]
