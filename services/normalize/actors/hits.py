"""Actors, shared state: one scan of an item (tokens, places, hits so far) that every matcher reads and extends."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import ActorMention, PlaceMention
from services.normalize.actors.dictionary import ActorDictionary, ActorEntry
from services.normalize.actors.tokens import Token, keys_of, tokenize


@dataclass
class Hit:
    start: int  # token index of the first token
    end: int  # token index after the last token
    actor_id: str
    name: str
    type: str
    sector: str | None
    country: str | None
    role: str | None
    match: str
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

    @classmethod
    def of(cls, text: str, places: list[PlaceMention], dictionary: ActorDictionary) -> "Scan":
        tokens = tokenize(text)
        match_at = dictionary.countries.match_at
        refs = [match_at(tokens, i, ("name", "demonym", "capital")) for i in range(len(tokens))]
        return cls(text, dictionary, places, tokens, [], [None] * len(tokens), refs)

    def free(self, start: int, end: int) -> bool:
        return start >= 0 and end <= len(self.tokens) and all(o is None for o in self.owner[start:end])

    def add(self, hit: Hit) -> Hit:
        self.hits.append(hit)
        for i in range(hit.start, hit.end):
            self.owner[i] = hit
        return hit

    def add_entry(self, entry: ActorEntry, start: int, end: int, match: str, role: str | None = None) -> Hit:
        surname = keys_of(entry.surname) if entry.type == "person" and entry.surname else None
        return self.add(
            Hit(start, end, entry.id, entry.name, entry.type, entry.sector, entry.country,
                role or entry.latest_role, match, surname)
        )

    def place_at(self, i: int) -> PlaceMention | None:
        token = self.tokens[i]
        for place in self.places:
            if place.start < token.end and token.start < place.end:
                return place
        return None

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
        return self.text[self.tokens[start].start : self.tokens[end - 1].end]

    def mentions(self) -> list[ActorMention]:
        out = []
        for hit in sorted(self.hits, key=lambda h: (h.start, h.end)):
            first, last = self.tokens[hit.start], self.tokens[hit.end - 1]
            out.append(
                ActorMention(
                    surface=self.text[first.start : last.end], start=first.start, end=last.end,
                    actor_id=hit.actor_id, name=hit.name, type=hit.type, sector=hit.sector,
                    country=hit.country, role=hit.role, match=hit.match,
                )
            )
        return out
