"""Step 3 of find_places, and the item's event location: a place that speaks is a government, not a location."""

from __future__ import annotations

import re

from schemas import PlaceMention
from schemas.normalized import PlaceRole
from services.normalize.places.lexicon import PLACE_CUES, STATEMENT_FILLERS, STATEMENT_VERBS
from services.normalize.places.model import SPECIFICITY, Place
from services.normalize.places.names import fold

_NEXT_WORDS = re.compile(r"[A-Za-z]+")
_FIRST_WORD = re.compile(r"\W{0,2}([A-Za-z]+)")
STATE_BODIES = frozenset("forces troops military army government regime authorities officials leadership".split())
_DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "is", "ch", "ic")
_DAY_FILLER = re.compile(r"\s*(?:on|late|early|last)\s+\w+day\b|\s*,[^,]{1,40},", re.IGNORECASE)


def role_of(text: str, end: int, place: Place) -> PlaceRole:
    """'metonym' for a country or capital followed by a verb of speech or decision ('Moscow said'), else 'location'."""
    if place.feature != "country" and not place.capital:
        return "location"
    rest = text[end : end + 80]
    if rest.startswith(("'s", "’s")):
        first = _FIRST_WORD.match(rest[2:])
        return "metonym" if first and first.group(1).lower() in STATE_BODIES else "location"
    first = _FIRST_WORD.match(rest)
    if first and first.group(1).lower() in STATE_BODIES:
        return "metonym"  # "Kiev forces", "Moscow's military": the state acting
    filler = _DAY_FILLER.match(rest)
    if filler:
        rest = rest[filler.end() :]
    for word in _NEXT_WORDS.findall(rest)[:4]:
        word = word.lower()
        if word in STATEMENT_VERBS:
            return "metonym"
        if word not in STATEMENT_FILLERS:
            return "location"
    return "location"


def choose_event_location(text: str, places: list[PlaceMention]) -> PlaceMention | None:
    """The most specific located place, preferring one introduced as a scene ('in X', 'near X') and the earliest."""
    located = [p for p in places if p.role == "location" and not is_demonym(p)]
    if not located:
        return None
    return max(located, key=lambda p: _event_score(text, p))


def is_demonym(place: PlaceMention) -> bool:
    """'Russian', 'Israelis', 'Chinese': a people, which says who acted, never where."""
    return names_a_people(place.surface, place.name, place.feature)


def names_a_people(surface: str, name: str, feature: str | None) -> bool:
    if feature != "country" or surface == name:
        return False
    surface, name = fold(surface), fold(name)
    return surface != name and surface.endswith(_DEMONYM_ENDINGS) and not name.startswith(surface)


def _event_score(text: str, place: PlaceMention) -> tuple:
    before = text[max(0, place.start - 30) : place.start].lower().split()
    previous = before[-1].strip(",") if before else ""
    quoted = text[: place.start].count("\u201c") > text[: place.start].count("\u201d")
    # "Irpin, near Kyiv": the place after "near" is the landmark, not the scene.
    return (SPECIFICITY.get(place.feature or "city", 4), previous != "near", previous in PLACE_CUES, not quoted,
            -place.start)
