"""Actors, resource: the curated dictionary (actors.json) loaded once per process into token-keyed indexes."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from services.normalize.actors.cache import by_fields, cache_file, read_cached, write_cached
from services.normalize.actors.countries import CountryTable, load_city_countries
from services.normalize.actors.tokens import Token, keys_of, tokenize
from services.normalize.actors.variants import (
    GENERIC_INSTITUTIONS,
    institution_aliases,
    person_aliases,
    punctuation_aliases,
)

HERE = Path(str(resources.files("services.normalize.actors")))  # no __file__ in a compiled module
SECTORS = ("GOV", "MIL", "COP", "REB", "PTY", "LEG", "JUD", "IGO", "NGO", "MED", "BUS", "CVL", "PRO")
ActorType = Literal["person", "organisation", "group"]


@dataclass(frozen=True)
class Role:
    title: str
    start: int | None = None
    end: int | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)


@dataclass(frozen=True)
class ActorEntry:
    id: str
    name: str
    type: ActorType
    sector: str | None
    country: str | None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    surname: str | None = None
    institution: str | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)

    @property
    def latest_role(self) -> str | None:
        return self.roles[-1].title if self.roles else None


@dataclass(frozen=True)
class Alias:
    keys: tuple[str, ...]
    text: str
    entry_id: str
    canonical: bool  # the alias is the entry's canonical name (match "exact")
    upper: tuple[bool, ...]  # tokens written in capitals (US, WHO) must be capitals in the text too

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)

    def accepts(self, tokens: list[Token]) -> bool:
        if self.text[:1].isupper() and not tokens[0].is_capitalised:
            return False
        return all(t.is_upper for t, needs in zip(tokens, self.upper) if needs)


def _upper_flags(text: str) -> tuple[bool, ...]:
    return tuple(t.is_upper and len(t.key) <= 6 for t in tokenize(text))


def _by_first_key(aliases: Iterable[Alias]) -> dict[str, list[tuple[int, dict[tuple[str, ...], Alias]]]]:
    """First token key -> [(length, {token keys: alias})], longest first."""
    grouped: dict[str, dict[int, dict[tuple[str, ...], Alias]]] = defaultdict(lambda: defaultdict(dict))
    for alias in aliases:
        grouped[alias.keys[0]][len(alias.keys)][alias.keys] = alias
    return {k: sorted(v.items(), key=lambda item: -item[0]) for k, v in grouped.items()}


@dataclass
class ActorDictionary:
    entries: dict[str, ActorEntry]
    countries: CountryTable
    # first token key -> [(length, {token keys: alias})], longest first
    by_first_key: dict[str, list[tuple[int, dict[tuple[str, ...], Alias]]]] = field(default_factory=dict)
    # the same, for a first token in lower case: only aliases not written with a capital ("al-Assad") can match
    lowercase_by_first_key: dict[str, list[tuple[int, dict[tuple[str, ...], Alias]]]] = field(default_factory=dict)
    by_keys: dict[tuple[str, ...], Alias] = field(default_factory=dict)
    collisions: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    institutions: dict[tuple[str, str], str] = field(default_factory=dict)
    # (first letter, length) -> ([names], [entry ids]) for typo-tolerant matching
    fuzzy_names: dict[tuple[str, int], tuple[list[str], list[str]]] = field(default_factory=dict)
    intended_collisions: frozenset[tuple[str, ...]] = frozenset()
    city_countries: dict[str, str] = field(default_factory=dict)
    fuzzy_seen: dict[str, str | None] = field(default_factory=dict)  # query -> closest entry id (fuzzy.py)

    @classmethod
    def load(
        cls, path: Path = HERE / "actors.json", countries_path: Path = HERE / "countries.json",
        cache_dir: Path | None = None,
    ) -> "ActorDictionary":
        """The dictionary built from these files, read from the cache when it was built before (see cache.py)."""
        kept = cache_file((path, countries_path), cache_dir)
        dictionary = read_cached(kept)
        if not isinstance(dictionary, cls):
            dictionary = cls.build(path, countries_path)
            write_cached(kept, dictionary)
        return dictionary

    @classmethod
    def build(cls, path: Path = HERE / "actors.json", countries_path: Path = HERE / "countries.json") -> "ActorDictionary":
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = {}
        for e in raw["actors"]:
            roles = tuple(Role(r["title"], r.get("from"), r.get("to")) for r in e.get("roles", []))
            entries[e["id"]] = ActorEntry(
                e["id"], e["name"], e["type"], e.get("sector"), e.get("country"), tuple(e.get("aliases", [])),
                roles, e.get("surname"), e.get("institution"),
            )
        dictionary = cls(entries, CountryTable.load(countries_path))
        dictionary.intended_collisions = frozenset(keys_of(a) for a in raw.get("intended_collisions", []))
        dictionary.city_countries = load_city_countries()
        dictionary._index()
        return dictionary

    def _add_generic_institutions(self) -> None:
        curated = {(e.country, e.institution) for e in self.entries.values() if e.institution}
        for code, country in self.countries.countries.items():
            for institution, (name, sector) in GENERIC_INSTITUTIONS.items():
                if (code, institution) not in curated:
                    entry_id = f"org:{code.lower()}-{institution}"
                    self.entries[entry_id] = ActorEntry(
                        entry_id, name.format(N=country.name), "organisation", sector, code, institution=institution
                    )

    def _index(self) -> None:
        self._add_generic_institutions()
        for entry in self.entries.values():
            for text, canonical in self.alias_texts(entry):
                self._add(Alias(keys_of(text), text, entry.id, canonical, _upper_flags(text)))
            if entry.institution and entry.country:
                self.institutions.setdefault((entry.country, entry.institution), entry.id)
        self.by_first_key = _by_first_key(self.by_keys.values())
        # "the" starts hundreds of aliases and most items; in lower case it can only start a lower-case alias.
        self.lowercase_by_first_key = _by_first_key(a for a in self.by_keys.values() if not a.text[:1].isupper())
        fuzzy: dict[tuple[str, int], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
        for alias in self.by_keys.values():
            name = " ".join(alias.keys)
            # Only proper names are worth correcting: acronyms and generated country patterns are not typo-prone.
            if len(name) >= 6 and not any(alias.upper) and "'s" not in alias.keys:
                names, ids = fuzzy[(name[0], len(name))]
                names.append(name)
                ids.append(alias.entry_id)
        self.fuzzy_names = dict(fuzzy)

    def alias_texts(self, entry: ActorEntry) -> list[tuple[str, bool]]:
        """Every alias of an entry, curated and generated, with a flag for the canonical name."""
        texts = [(entry.name, True)] + [(a, False) for a in entry.aliases]
        if entry.type == "person":
            texts += [(v, False) for v in person_aliases(entry.name)]
        if entry.institution and entry.country in self.countries.countries:
            country = self.countries.countries[entry.country]
            texts += [(v, False) for v in institution_aliases(entry.institution, country)]
        texts += [(p, False) for t, _ in list(texts) for p in punctuation_aliases(t)]
        first: dict[str, bool] = {}
        for text, canonical in texts:
            first.setdefault(text, canonical)
        return list(first.items())

    def _add(self, alias: Alias) -> None:
        existing = self.by_keys.get(alias.keys)
        if existing is None:
            self.by_keys[alias.keys] = alias
        elif existing.entry_id != alias.entry_id:
            self.collisions.setdefault(alias.keys, {existing.entry_id}).add(alias.entry_id)

    @property
    def alias_count(self) -> int:
        return len(self.by_keys)

    def lookup(self, name: str) -> ActorEntry | None:
        """The entry a name stands for, compared by token keys (case and accents ignored)."""
        alias = self.by_keys.get(keys_of(name))
        return self.entries[alias.entry_id] if alias else None

    def government(self, country: str) -> ActorEntry:
        entry = self.entries.get(f"gov:{country}")
        if entry:
            return entry
        return ActorEntry(f"gov:{country}", f"Government of {self.countries.name_of(country)}", "organisation", "GOV", country)
