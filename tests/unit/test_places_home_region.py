"""Third-pass place rules: the text's home region, the scene less a name's own guess, the recogniser's word limit."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.normalize.places import BulletinContext, Gazetteer, find_places
from services.normalize.places.model import Place
from services.normalize.places.recognize import Span
from services.normalize.places.words import tokenize
from services.normalize.places.resolve import Scene, _ranked


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def places_in(text: str, gazetteer: Gazetteer):
    return find_places(text, gazetteer, BulletinContext.from_texts([text], gazetteer))


TX, AL, OH = ("US", "Texas"), ("US", "Alabama"), ("US", "Ohio")


@pytest.mark.parametrize(
    ("regions", "home"),
    [
        ({}, None),
        ({TX: 1}, None),  # one place is no pattern
        ({TX: 2}, TX),
        ({TX: 3, AL: 1}, TX),
        ({TX: 2, AL: 2}, TX),  # a tie at half still leans to the first named
        ({TX: 2, AL: 2, OH: 1}, None),  # under half of all: no home
    ],
)
def test_home_region_is_the_region_holding_most_of_the_places(regions, home):
    assert Scene({}, regions).home_region() == home


def test_a_scene_without_a_name_drops_only_that_names_counts():
    everyone = Scene({"US": 3, "CA": 1}, {TX: 2})
    own = Scene({"US": 1, "CA": 1}, {TX: 1})
    assert everyone.without(own) == Scene({"US": 2}, {TX: 1})


counts = st.dictionaries(st.sampled_from("ABCDEF"), st.integers(1, 4), max_size=6)


@given(counts, counts)
def test_scenes_add_and_take_away_counts_as_counters_do_in_the_same_order(ours, theirs):
    # The order matters: the first named of equally named regions is the home region.
    merged, without = Scene(ours, {}).merged(Scene(theirs, {})), Scene(ours, {}).without(Scene(theirs, {}))
    assert list(merged.countries.items()) == list((Counter(ours) + Counter(theirs)).items())
    assert list(without.countries.items()) == list((Counter(ours) - Counter(theirs)).items())


# Written for these tests: one town name in two states, the bigger namesake in Alabama.
HUNTSVILLE_AL = Place(1, "Huntsville", "city", "US", "Alabama", 34.73, -86.59, 215_000)
HUNTSVILLE_TX = Place(2, "Huntsville", "city", "US", "Texas", 30.72, -95.55, 41_000)


@pytest.mark.parametrize(
    ("regions", "admin1"),
    [
        ({TX: 3, AL: 1}, "Texas"),  # most of the story's places are in Texas: its namesake wins
        ({TX: 1, AL: 1}, "Alabama"),  # no home region: the bigger town wins
        ({}, "Alabama"),
    ],
)
def test_the_home_region_outweighs_a_bigger_namesake_elsewhere(regions, admin1):
    scene = Scene({"US": 4}, regions)
    span = Span(first=0, last=0, start=0, end=10, key="huntsville")
    ranked = _ranked([(HUNTSVILLE_AL, False), (HUNTSVILLE_TX, False)], span, scene, None)
    assert ranked[0][0].admin1 == admin1


@pytest.mark.parametrize(
    ("text", "surface", "admin1"),
    [
        # Written for this test: Texas is never named, but the towns around Huntsville all lie in it.
        ("Crews from Conroe, Navasota and Madisonville were sent to Huntsville after the storm.", "Huntsville", "Texas"),
        ("Crews from Decatur, Madison and Athens were sent to Huntsville after the storm.", "Huntsville", "Alabama"),
    ],
)
def test_a_namesake_resolves_into_the_region_the_other_places_share(gazetteer, text, surface, admin1):
    found = {p.surface: p for p in places_in(text, gazetteer)}
    assert found[surface].admin1 == admin1


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Kyiv's mayor", ["kyiv", "mayor"]),
        ("Straße in Köln", ["strasse", "in", "koln"]),
        ("They'll go to U.S. bases", ["go", "to", "us", "bases"]),  # contractions carry no name
        ("ÉCOLE and café", ["ecole", "and", "cafe"]),
    ],
)
def test_tokens_fold_like_the_index_keys(text, keys):
    assert [t.key for t in tokenize(text)] == keys


@pytest.mark.parametrize(("word", "at_least"), [("new", 3), ("rostov", 3), ("bakhmut", 1)])
def test_the_index_knows_how_long_a_name_starting_with_a_word_can_be(gazetteer, word, at_least):
    assert gazetteer.longest_name(word) >= at_least


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Flooding hit New South Wales on Sunday.", "New South Wales"),
        ("Shelling was reported near Rostov-on-Don overnight.", "Rostov-on-Don"),
    ],
)
def test_multi_word_names_are_still_read_whole(gazetteer, text, surface):
    assert surface in [p.surface for p in places_in(text, gazetteer)]


@pytest.mark.parametrize(
    ("text", "surface", "lat", "lon"),
    [
        # The country's own record point, not its outline's centroid or its capital.
        ("Officials in China said exports rose.", "China", 35.0, 105.0),
        ("Rain fell across Australia on Monday.", "Australia", -27.0, 133.0),
    ],
)
def test_a_country_sits_at_its_records_conventional_point(gazetteer, text, surface, lat, lon):
    found = {p.surface: p for p in places_in(text, gazetteer)}
    assert (found[surface].lat, found[surface].lon) == (lat, lon)
