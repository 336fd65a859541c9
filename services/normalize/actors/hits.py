"""Actors, shared state: one scan of an item (tokens, places, hits so far) that every matcher reads and extends."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter

from schemas.normalized import ActorMatch, ActorMention, ActorType, PlaceMention
from services.normalize.actors.dictionary import ActorDictionary, ActorEntry
from services.normalize.actors.tokens import Token, keys_of, tokenize_with_offsets


@dataclass
class Hit:
    start: int  # token index of the first token
    end: int  # token index after the last token
    actor_id: str
    name: str
    type: ActorType
    sector: str | None
    country: str | None
    role: str | None
    match: ActorMatch
    surname: tuple[str, ...] | None = None  # token keys a later surname-only reference would use


@dataclass
class Scan:
    text: str
    dictionary: ActorDictionary
    places: list[PlaceMention]
    tokens: list[Token] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    owner: list[Hit | None] = field(default_factory=list)
    refs: list[tuple[int, str, str] | None] = field(default_factory=list)  # country reference at each token
    keys: list[str] = field(default_factory=list)  # tokens[i].key, read by the tight loops
    starts: list[int] = field(default_factory=list)  # character offset of each token
    ends: list[int] = field(default_factory=list)  # character offset after each token
    _places_by_token: list[PlaceMention | None] | None = None

    @classmethod
    def of(cls, text: str, places: list[PlaceMention], dictionary: ActorDictionary) -> "Scan":
        tokens, starts, ends = tokenize_with_offsets(text)
        keys = list(map(attrgetter("key"), tokens))
        countries = dictionary.countries
        lengths, match_at, kinds = countries.lengths, countries.match_at, ("name", "demonym", "capital")
        refs: list[tuple[int, str, str] | None] = [None] * len(tokens)
        for i in compress(range(len(keys)), map(lengths.__contains__, keys)):  # match_at checks the capital
            refs[i] = match_at(tokens, i, kinds)
        return cls(text, dictionary, places, tokens, [], [None] * len(tokens), refs, keys, starts, ends)

    def where(self, flags: Iterable[object]) -> Iterator[int]:
        """Indexes of the tokens whose flag is truthy, filtered in C: the matchers' loops then visit only those."""
        return compress(range(len(self.tokens)), flags)

    def free(self, start: int, end: int) -> bool:
        # Hits are always truthy, so any() over the slice asks "is any token taken?" without a generator.
        return start >= 0 and end <= len(self.tokens) and not any(self.owner[start:end])

    def add(self, hit: Hit) -> Hit:
        self.hits.append(hit)
        for i in range(hit.start, hit.end):
            self.owner[i] = hit
        return hit

    def add_entry(self, entry: ActorEntry, start: int, end: int, match: ActorMatch, role: str | None = None) -> Hit:
        surname = keys_of(entry.surname) if entry.type == "person" and entry.surname else None
        return self.add(
            Hit(start, end, entry.id, entry.name, entry.type, entry.sector, entry.country,
                role or entry.latest_role, match, surname)
        )

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Token indexes (first, after last) of the tokens overlapping characters start..end, if any."""
        first = bisect_right(self.ends, start)
        after = bisect_left(self.starts, end)
        return (first, after) if first < after else None

    def place_at(self, i: int) -> PlaceMention | None:
        """The first place (in the places stage's order) overlapping token i."""
        if self._places_by_token is None:
            by_token: list[PlaceMention | None] = [None] * len(self.tokens)
            for place in self.places:
                span = self.token_span(place.start, place.end)
                for k in range(*span) if span else ():
                    by_token[k] = by_token[k] or place
            self._places_by_token = by_token
        return self._places_by_token[i]

    def country_ref(self, i: int, kinds: tuple[str, ...] = ("name", "demonym")) -> tuple[int, str] | None:
        """A country named at token i (by the dictionary's country table): (length, code)."""
        found = self.refs[i]
        return (found[0], found[1]) if found and found[2] in kinds else None

    def country_before(self, i: int) -> str | None:
        """The nearest country the text points at before token i: a hit's country, a place's, or a country word."""
        k = i - 1
        while k >= 0:
            hit = self.owner[k]
            if hit is not None and hit.country:
                return hit.country
            ref = self.country_ref(k, ("name", "demonym", "capital"))
            if ref:
                return ref[1]
            place = self.place_at(k)
            if place is not None and place.country_code:
                return place.country_code
            k -= 1
        return None

    def surface(self, start: int, end: int) -> str:
        return self.text[self.starts[start] : self.ends[end - 1]]

    def mentions(self) -> list[ActorMention]:
        out = []
        for hit in sorted(self.hits, key=lambda h: (h.start, h.end)):
            start, end = self.starts[hit.start], self.ends[hit.end - 1]
            out.append(
                ActorMention(
                    surface=self.text[start:end], start=start, end=end,
                    actor_id=hit.actor_id, name=hit.name, type=hit.type, sector=hit.sector,
                    country=hit.country, role=hit.role, match=hit.match,
                )
            )
        return out
