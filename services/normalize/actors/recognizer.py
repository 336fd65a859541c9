"""Actors, the flow: dictionary, metonyms, titles, surnames, typos, collectives, in that order of trust."""

from __future__ import annotations

from schemas import ActorMention, PlaceMention
from services.normalize.actors.collectives import match_collectives, match_institutions_in_context
from services.normalize.actors.dictionary import ActorDictionary
from services.normalize.actors.exact import mark_surname_references, match_dictionary
from services.normalize.actors.fuzzy import match_fuzzy
from services.normalize.actors.hits import Scan
from services.normalize.actors.metonyms import match_place_metonyms, match_speaking_capitals
from services.normalize.actors.surnames import match_surnames
from services.normalize.actors.titles import match_titles


def find_actors(text: str, places: list[PlaceMention], dictionary: ActorDictionary) -> list[ActorMention]:
    """Actor mentions in one text, sorted by start; each token belongs to at most one mention."""
    scan = Scan.of(text, places, dictionary)
    match_dictionary(scan)
    match_place_metonyms(scan)
    match_speaking_capitals(scan)
    match_fuzzy(scan)
    match_titles(scan)
    match_surnames(scan)
    mark_surname_references(scan)
    match_collectives(scan)
    match_institutions_in_context(scan)
    return scan.mentions()
