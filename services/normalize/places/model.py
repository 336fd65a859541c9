"""Place: one gazetteer entry, the unit the index stores and the resolver ranks."""

from __future__ import annotations

from typing import NamedTuple

# How specific a feature is: the event location prefers the most specific place.
SPECIFICITY = {"continent": 0, "country": 1, "region": 2, "district": 3, "city": 4}


class Place(NamedTuple):
    geonames_id: int
    name: str
    feature: str  # continent, country, region (first-level), district (second-level), city
    country_code: str | None
    admin1: str | None
    lat: float
    lon: float
    population: int
    capital: bool = False

    @property
    def specificity(self) -> int:
        return SPECIFICITY[self.feature]
