"""Press spellings of place names: abbreviated Saint/Mount/Fort, 'of the' dropped, 'Co.', possessives inside names,
lists of counties and 'X State University'."""

from __future__ import annotations

import pytest

from services.normalize.places import BulletinContext, Gazetteer, find_places
from services.normalize.places.names import spelling_variants


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def places_in(text: str, gazetteer: Gazetteer):
    return find_places(text, gazetteer, BulletinContext.from_texts([text], gazetteer))


@pytest.mark.parametrize(
    ("key", "also"),
    [
        ("saint petersburg", {"st petersburg"}),
        ("st petersburg", {"saint petersburg"}),
        ("mount pleasant", {"mt pleasant"}),
        ("ft worth", {"fort worth"}),
        ("port saint lucie", {"port st lucie"}),
        ("sainte genevieve", {"ste genevieve"}),
        ("democratic republic of the congo", {"democratic republic of congo"}),
        ("platte county", {"platte co"}),
        ("paris", set()),
        ("mount", set()),  # a single word is never expanded: "Mt" alone is no place
    ],
)
def test_spelling_variants_add_the_press_forms(key, also):
    assert spelling_variants(key) == {key} | also


@pytest.mark.parametrize(
    ("text", "surface", "feature", "country_code"),
    [
        ("Delegates from the People's Republic of China arrived on Monday.", "People's Republic of China",
         "country", "CN"),
        ("Flights to St. Petersburg resumed after the storm, Aeroflot said.", "St. Petersburg", "city", "RU"),
        ("Aid convoys crossed into the Democratic Republic of Congo at dawn.", "Democratic Republic of Congo",
         "country", "CD"),
    ],
)
def test_press_spellings_resolve_to_the_place_they_abbreviate(gazetteer, text, surface, feature, country_code):
    [place] = places_in(text, gazetteer)
    assert (place.surface, place.feature, place.country_code) == (surface, feature, country_code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Floods closed roads in Barrow, Jackson and Madison counties in Georgia on Monday.",
         [("Barrow", "Georgia"), ("Jackson", "Georgia"), ("Madison", "Georgia")]),
        ("Grass fires burned in Eastland and Callahan counties over the weekend.",
         [("Eastland", "Texas"), ("Callahan", "Texas")]),
    ],
)
def test_names_listed_before_counties_are_counties(gazetteer, text, expected):
    counties = [(p.surface, p.admin1) for p in places_in(text, gazetteer) if p.feature == "district"]
    assert counties == expected


def test_county_list_needs_the_plural_right_after_the_names(gazetteer):
    text = "Barrow and Jackson voted on Monday, and several counties followed."
    assert all(p.feature != "district" for p in places_in(text, gazetteer))


@pytest.mark.parametrize(
    ("text", "surface", "feature", "admin1"),
    [
        ("Its jobless rate sits near the middle of Indiana counties this winter.", "Indiana", "region", "Indiana"),
        ("Roads were closed in Washington and Jefferson counties on Monday.", "Washington", "district", None),
    ],
)
def test_a_state_alone_before_counties_owns_them(gazetteer, text, surface, feature, admin1):
    place = next(p for p in places_in(text, gazetteer) if p.surface == surface)
    assert place.feature == feature
    assert admin1 is None or place.admin1 == admin1


def test_co_abbreviates_county(gazetteer):
    [county, state] = places_in("The Platte Co. board met on Tuesday in Nebraska.", gazetteer)
    assert (county.name, county.feature, county.admin1, state.name) == ("Platte County", "district", "Nebraska",
                                                                         "Nebraska")


@pytest.mark.parametrize(
    ("text", "surface", "feature"),
    [
        ("Students at Youngstown State University voted for a new fee.", "Youngstown", "city"),
        ("Heavy rain flooded Washington State on Monday.", "Washington State", "region"),
    ],
)
def test_state_before_another_capitalised_word_names_a_school_not_the_state(gazetteer, text, surface, feature):
    [place] = places_in(text, gazetteer)
    assert (place.surface, place.feature) == (surface, feature)
