"""The gazetteer: name folding, the curated override file, and the on-disk index cache."""

from __future__ import annotations

import json

import pycountry
import pytest

from services.normalize.places import Gazetteer
from services.normalize.places.gazetteer import cache_path
from services.normalize.places.names import name_key
from services.normalize.places.sources import OVERRIDES_PATH


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Kyïv", "kyiv"),
        ("U.S.", "us"),
        ("Rostov-on-Don", "rostov on don"),
        ("St. Louis", "st louis"),
        ("Coeur d’Alene", "coeur dalene"),
        ("  São   Paulo ", "sao paulo"),
    ],
)
def test_name_keys_fold_case_accents_and_punctuation(name, key):
    assert name_key(name) == key


def test_overrides_name_places_the_gazetteer_holds(gazetteer):
    overrides = json.loads(OVERRIDES_PATH.read_text(encoding="utf-8"))
    for geonames_id, aliases in overrides["aliases"].items():
        place = gazetteer.by_id(int(geonames_id))
        assert place is not None, geonames_id
        assert aliases and all(isinstance(a, str) and a.strip() == a and a for a in aliases)
        assert len(set(aliases)) == len(aliases)
        for alias in aliases:
            assert place.geonames_id in [p.geonames_id for p, _ in gazetteer.lookup(name_key(alias))], alias
    for geonames_id, name in overrides["canonical_names"].items():
        assert gazetteer.by_id(int(geonames_id)).name == name


def test_override_country_points_are_real_countries_and_coordinates():
    overrides = json.loads(OVERRIDES_PATH.read_text(encoding="utf-8"))
    for code, (lat, lon) in overrides["country_points"].items():
        assert pycountry.countries.get(alpha_2=code) is not None, code
        assert -90 <= lat <= 90 and -180 <= lon <= 180


@pytest.mark.parametrize(
    ("name", "feature", "country_code"),
    [
        ("Ukraine", "country", "UA"),
        ("Texas", "region", "US"),
        ("Laurel County", "district", "US"),
        ("Mariupol", "city", "UA"),
        ("Europe", "continent", None),
    ],
)
def test_gazetteer_holds_countries_regions_districts_towns_and_continents(gazetteer, name, feature, country_code):
    assert (feature, country_code) in [(p.feature, p.country_code) for p, _ in gazetteer.lookup(name_key(name))]


def test_regions_carry_their_admin1_name_and_towns_their_region(gazetteer):
    [kharkiv] = [p for p, _ in gazetteer.lookup("kharkiv") if p.feature == "city" and p.country_code == "UA"]
    assert kharkiv.admin1 == "Kharkiv Oblast"


def test_index_is_cached_on_disk_and_reloaded_without_rebuilding(gazetteer, tmp_path_factory):
    cache_dir = tmp_path_factory.getbasetemp() / "wirelog-cache"
    path = cache_path(cache_dir)
    assert path.exists()
    assert not list(cache_dir.glob("*.tmp"))  # written atomically
    mtime = path.stat().st_mtime_ns
    again = Gazetteer.load(cache_dir)
    assert path.stat().st_mtime_ns == mtime
    assert len(again.places) == len(gazetteer.places)


def test_cache_file_name_depends_on_the_directory_only_through_its_location(tmp_path):
    assert cache_path(tmp_path).parent == tmp_path
    assert cache_path(tmp_path).name == cache_path(tmp_path / "other").name


def _region(gazetteer: Gazetteer, key: str):
    return next(place for place, _ in gazetteer.lookup(key) if place.feature == "region")


def test_a_region_sits_at_the_centre_of_its_area_not_of_its_towns(gazetteer):
    # Ontario's towns crowd the lakes, around 46.6N; the province's centre lies far to the north.
    ontario = _region(gazetteer, "ontario")
    assert 49.0 < ontario.lat < 51.5 and -88.0 < ontario.lon < -84.0
    queensland = _region(gazetteer, "queensland")
    assert -24.0 < queensland.lat < -21.0 and 143.0 < queensland.lon < 146.0


def test_a_region_whose_centre_in_the_data_is_its_namesake_city_keeps_the_middle_of_its_towns(gazetteer):
    # The countries-states-cities data puts New York state on New York City (40.7N 74.0W).
    new_york = _region(gazetteer, "new york")
    assert new_york.lat > 42.0 and new_york.lon < -74.5
