"""Second-pass place rules: co-mentioned places vote, demonyms name countries, people are not towns."""

from __future__ import annotations

import pytest

from services.normalize.places import BulletinContext, Gazetteer, choose_event_location, find_places
from services.normalize.places.coherence import affinity, coherent_choice, near
from services.normalize.places.model import Place


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def places_in(text: str, gazetteer: Gazetteer):
    return find_places(text, gazetteer, BulletinContext.from_texts([text], gazetteer))


def town(name: str, cc: str, admin1: str, lat: float, lon: float, population: int = 10_000) -> Place:
    return Place(abs(hash((name, cc, admin1))) % 10**8, name, "city", cc, admin1, lat, lon, population)


# Written for these tests: towns of one name in two states, and a neighbour that settles which.
PARIS_IL = town("Paris", "US", "Illinois", 39.61, -87.70)
PARIS_FR = Place(2988507, "Paris", "city", "FR", "Ile-de-France", 48.85, 2.35, 2_100_000, True)
URBANA_IL = town("Urbana", "US", "Illinois", 40.11, -88.21, 40_000)
URBANA_OH = town("Urbana", "US", "Ohio", 40.11, -83.75, 11_000)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (PARIS_IL, PARIS_IL, 1.0),
        (PARIS_IL, URBANA_IL, 0.73),  # about 70 km apart, past the flat top of the kernel
        (PARIS_IL, PARIS_FR, 0.0),
    ],
)
def test_nearness_falls_from_one_to_zero_with_distance(a, b, expected):
    assert near(a, b) == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(
    ("candidate", "other", "expected"),
    [
        (Place(1, "Illinois", "region", "US", "Illinois", 40.0, -89.0, 12_000_000), URBANA_IL, 1.0),
        (Place(1, "Illinois", "region", "US", "Illinois", 40.0, -89.0, 12_000_000), URBANA_OH, 0.0),
        (PARIS_IL, Place(2, "United States", "country", "US", None, 39.8, -98.5, 330_000_000), 0.0),
        (PARIS_IL, URBANA_IL, near(PARIS_IL, URBANA_IL)),
    ],
)
def test_affinity_is_containment_for_areas_and_distance_for_towns(candidate, other, expected):
    assert affinity(candidate, other) == pytest.approx(expected)


def test_a_sure_neighbour_outvotes_a_bigger_namesake():
    options = [[PARIS_FR, PARIS_IL], [URBANA_IL, URBANA_OH], [town("Edgar County", "US", "Illinois", 39.68, -87.75)]]
    scores = [[8.8, 7.2], [4.6, 4.0], [4.0]]
    assert coherent_choice(options, scores, ["paris", "urbana", "edgar county"]) == [1, 0, 0]


def test_without_neighbours_the_prior_stands():
    assert coherent_choice([[PARIS_FR, PARIS_IL]], [[8.8, 7.2]], ["paris"]) == [0]


@pytest.mark.parametrize(
    ("text", "surface", "country_code"),
    [
        ("Russian troops shelled the outskirts overnight.", "Russian", "RU"),
        ("Two Israelis were hurt in the blast.", "Israelis", "IL"),
        ("The Egyptian government closed the crossing.", "Egyptian", "EG"),
    ],
)
def test_demonyms_name_their_country(gazetteer, text, surface, country_code):
    found = [(p.surface, p.feature, p.country_code) for p in places_in(text, gazetteer)]
    assert (surface, "country", country_code) in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian forces shelled the village overnight.", None),
        ("Russians shelled Kharkiv overnight.", "Kharkiv"),
    ],
)
def test_a_demonym_is_never_the_event_location(gazetteer, text, expected):
    chosen = choose_event_location(text, places_in(text, gazetteer))
    assert (chosen.name if chosen else None) == expected


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("An officer responded, Capt. Roy A. Nelson told reporters, and Nelson later left.", "Nelson"),
        ("The music was loud, Welch said on Monday.", "Welch"),
        ("The autopsy identified the body as Harman's on Friday.", "Harman"),
    ],
)
def test_people_who_speak_own_or_carry_an_initial_are_not_towns(gazetteer, text, person):
    assert person not in [p.surface for p in places_in(text, gazetteer)]


def test_a_town_after_in_stays_a_town_even_when_it_owns_something(gazetteer):
    text = "Crews in Ashland cleared the road. Ashland's mayor thanked them, officials in Oregon said."
    assert [p.surface for p in places_in(text, gazetteer)].count("Ashland") == 2


@pytest.mark.parametrize(
    ("text", "surface", "admin1"),
    [
        ("Firefighters from Urbana and Edgar County helped put out the fire in Paris on Friday.", "Paris", "Illinois"),
        ("Deputies from Walton County and Oconee County searched near Monroe.", "Monroe", "Georgia"),
    ],
)
def test_co_mentioned_places_pick_the_namesake_near_them(gazetteer, text, surface, admin1):
    chosen = {p.surface: p for p in places_in(text, gazetteer)}
    assert chosen[surface].admin1 == admin1


def test_a_state_name_is_not_lent_to_a_small_town_near_the_other_towns(gazetteer):
    text = "Students from Jefferson City and Columbia drove to California for the tournament."
    chosen = {p.surface: p for p in places_in(text, gazetteer)}
    assert chosen["California"].feature == "region"


@pytest.mark.parametrize("text", ["Russian forces shelled the village.", "Russian officials said the talks failed."])
def test_a_demonym_is_never_a_metonym_so_the_actor_stage_names_the_people_itself(gazetteer, text):
    [russian] = [p for p in places_in(text, gazetteer) if p.surface == "Russian"]
    assert russian.role == "location"


@pytest.mark.parametrize(
    ("county", "town"),
    [
        # Each name has bigger namesakes elsewhere (Marshall County, Alabama; Plymouth, England; Johnson County,
        # Kansas; Marion, Ohio); together they are a county of Indiana and a town inside it.
        ("Marshall County", "Plymouth"),
        ("Johnson County", "Franklin"),
        ("Grant County", "Marion"),
    ],
)
def test_two_ambiguous_names_settle_on_the_state_that_holds_both(gazetteer, county, town):
    found = places_in(f"Deputies in {county} said a {town} man was charged on Friday.", gazetteer)
    expected = [(county, "US", "Indiana"), (town, "US", "Indiana")]
    assert [(p.surface, p.country_code, p.admin1) for p in found] == expected


def test_a_name_written_often_does_not_steer_itself(gazetteer):
    # 'Hanover' three times once lent its likeliest reading, Hanover parish of Jamaica, three votes of its own.
    text = ("The couple lived in Hanover. Police in Hanover said the son had called. Neighbours in Hanover were "
            "shocked. A daughter lives in Burlington, Vt.")
    readings = {(p.country_code, p.feature) for p in places_in(text, gazetteer) if p.surface == "Hanover"}
    assert readings == {("US", "city")}


def test_a_county_backs_the_town_of_its_name_inside_it():
    # Jackson County, Michigan holds Jackson, Michigan: the pair outweighs a bigger Jackson elsewhere.
    capital = Place(1, "Jackson", "city", "US", "Mississippi", 32.30, -90.18, 90_000, True)
    jackson_mi = town("Jackson", "US", "Michigan", 42.25, -84.40, 33_000)
    county_mi = Place(2, "Jackson County", "district", "US", "Michigan", 42.25, -84.42, 160_000)
    county_mo = Place(3, "Jackson County", "district", "US", "Missouri", 39.01, -94.35, 700_000)
    options, scores = [[county_mo, county_mi], [capital, jackson_mi]], [[5.8, 5.2], [7.0, 4.5]]
    assert coherent_choice(options, scores, ["jackson county", "jackson"]) == [1, 1]
    # Alone, each keeps its own likeliest reading.
    assert coherent_choice(options[1:], scores[1:], ["jackson"]) == [0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names sure of a known city are not outvoted by a crowd of small namesakes near each other.
        ("Officials in Washington and Lisbon met.", [("Washington", 4140963), ("Lisbon", 2267057)]),
        ("Leaders in Washington, Paris and Warsaw agreed.",
         [("Washington", 4140963), ("Paris", 2988507), ("Warsaw", 756135)]),
        ("Drones attacked Sloviansk and Mykolaiv, the governor said.", [("Sloviansk", 693468), ("Mykolaiv", 700569)]),
        ("Missiles hit Lutsk and Rivne.", [("Lutsk", 702569), ("Rivne", 695594)]),
        # Russian spellings of Ukrainian towns keep their Ukrainian readings beside Ukrainian neighbours.
        ("Russian troops reported gains near Seversk, Kremennaya and Lisichansk.",
         [("Russian", 2017370), ("Seversk", 694403), ("Kremennaya", 704138), ("Lisichansk", 702972)]),
        ("The attack occurred in Jenin in the occupied West Bank.", [("Jenin", 283506), ("West Bank", 285153)]),
        # A town named with its region keeps it whatever country the story names.
        ("Russian troops shelled Seversk in Ukraine's Donetsk region.",
         [("Russian", 2017370), ("Seversk", 694403), ("Ukraine", 690791), ("Donetsk region", 709716)]),
    ],
)
def test_world_news_lists_keep_their_cities(gazetteer, text, expected):
    assert [(p.surface, p.geonames_id) for p in places_in(text, gazetteer)] == expected


def test_a_county_holding_a_town_still_weighs_for_a_name_sure_of_a_bigger_city(gazetteer):
    # Richmond, Virginia (226,000) is what 'Richmond' alone reads; Wayne County holds Richmond, Indiana.
    found = places_in("Deputies in Wayne County said a Richmond man was charged on Friday.", gazetteer)
    assert [(p.country_code, p.admin1) for p in found if p.surface == "Richmond"] == [("US", "Indiana")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A county and the town of its name back each other, in the state that holds both.
        ("LANCASTER - A Lancaster man was charged with arson, Lancaster County District Attorney Heather Adams "
         "said Tuesday.", [("LANCASTER", 5197079), ("Lancaster", 5197079), ("Lancaster County", 5197085)]),
        # 'Georgia' read as the country still lends its state reading's vote to Columbus.
        ("Columbus police said the suspect fled on foot. Georgia Bureau of Investigation agents joined the search.",
         [("Columbus", 4188985), ("Georgia", 614540)]),
    ],
)
def test_local_news_keeps_its_county_and_state(gazetteer, text, expected):
    assert [(p.surface, p.geonames_id) for p in places_in(text, gazetteer)] == expected
