"""Step 1a of find_places: words of the text and the names in it that are people, so they are never taken for towns."""

from __future__ import annotations

import re
from typing import NamedTuple

from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.lexicon import (
    CONNECTORS,
    DIRECTIONS,
    NEVER_PLACES,
    ORGANISATION_TAILS,
    PERSON_TITLES,
    PLACE_CUES,
    REGION_WORDS,
)

# Very common English words ('Hope', 'Police', 'Henry') are towns somewhere; a name this common needs backing.
COMMON_WORD = 4.3
# A town this small named like a person ('Nelson said', 'Harman's body') is far likelier the person.
PERSON_SIZED_TOWN = 50_000
_JOINABLE_GAP = re.compile(r"[ \t]{1,2}|[\-‐‑–]|[ ]?[\-–][ ]?")
_NEVER_PLACES_BUT_TITLES = NEVER_PLACES - PERSON_TITLES
_SPEECH = frozenset("said says told noted added explained asked wrote recalled testified".split())


class Token(NamedTuple):
    """One word of the text; `end` stops before a possessive "'s", which stays outside the mention."""

    text: str
    start: int
    end: int
    key: str
    possessive: bool
    capitalised: bool


def joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens belong to one name only when separated by a space or a hyphen, never by punctuation."""
    if left.possessive:
        return False
    gap = text[left.end : right.start]
    return gap == " " or _JOINABLE_GAP.fullmatch(gap) is not None  # one space: nearly every case, no regex


def people_named(text: str, tokens: list[Token], gazetteer: Gazetteer, headline: bool,
                 capitals: list[int]) -> set[str]:
    """Name keys that stand for people anywhere in this text.

    A surname written once in full ('John Moore', 'Roy A. Nelson', 'Mayor Moore') stays a person when it comes
    back alone; so does a small town's name that speaks ('Nelson said') or owns ('Harman's body'), unless the
    text also puts it after 'in', 'near', 'from'. Every rule starts at a capitalised word: `capitals` are the
    indexes of those, in order.
    """
    people = set()
    for i in capitals if not headline else ():
        if i + 1 == len(tokens):
            continue
        left, right = tokens[i], tokens[i + 1]
        # Joined by exactly one space (a possessive never joins).
        if not right.capitalised or left.possessive or text[left.end : right.start] != " ":
            continue
        if right.key in REGION_WORDS or right.key in ORGANISATION_TAILS or left.key in _NEVER_PLACES_BUT_TITLES:
            continue
        if left.key in DIRECTIONS or left.key in CONNECTORS or left.text.isupper():
            continue
        if left.key in PERSON_TITLES or left.key not in gazetteer or gazetteer.word_frequency(left.key) >= COMMON_WORD:
            people.add(right.key)
    people |= _after_middle_initial(text, tokens, capitals)
    return people | _speaking_or_owning(text, tokens, capitals, gazetteer) - _cued(tokens, capitals)


def _after_middle_initial(text: str, tokens: list[Token], capitals: list[int]) -> set[str]:
    """'Roy A. Nelson', 'Kijuan D. McDonald': a first name, an initial, then the surname."""
    found = set()
    for i in capitals:
        if i + 2 >= len(tokens):
            break
        initial = tokens[i + 1]
        if len(initial.text) != 1:
            continue  # nearly every word: no initial follows
        first, last = tokens[i], tokens[i + 2]
        if initial.text.isupper() and last.capitalised \
                and text[first.end : initial.start] == " " and text[initial.end : last.start] == ". " \
                and first.key not in PERSON_TITLES and len(first.text) > 1:
            found.add(last.key)
    return found


def _speaking_or_owning(text: str, tokens: list[Token], capitals: list[int], gazetteer: Gazetteer) -> set[str]:
    found = set()
    for i in capitals:
        token = tokens[i]
        if token.key in found:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        speaks = following is not None and following.key in _SPEECH and text[token.end : following.start] == " "
        if (speaks or token.possessive) and _person_sized(token.key, gazetteer):
            found.add(token.key)
    return found


def _person_sized(key: str, gazetteer: Gazetteer) -> bool:
    places = [p for p, alternate in gazetteer.lookup(key)]
    return bool(places) and all(p.feature == "city" and not p.capital and p.population < PERSON_SIZED_TOWN
                                for p in places)


def _cued(tokens: list[Token], capitals: list[int]) -> set[str]:
    return {tokens[i].key for i in capitals if i > 0 and tokens[i - 1].key in PLACE_CUES}
