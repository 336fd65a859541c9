"""Places in bulletin items: recognition, disambiguation by the bulletin's scene, roles and the event location."""

from __future__ import annotations

import pytest

from services.normalize.places import BulletinContext, Gazetteer, choose_event_location, find_places

KYIV, CHERNIHIV, IRPIN, MARIUPOL = 703448, 710735, 707565, 701822
ODESA_UKRAINE, ODESSA_TEXAS = 698740, 5527554

# Written for these tests in the shape of a live-update bulletin: a lead, then labelled items.
BULLETIN = [
    "Missiles hit Kyiv and Chernihiv overnight, a day after Moscow said it would scale back.",
    "Suburbs in ruins: Much of the town of Irpin, outside Kyiv, lies in ruins, its mayor said on Tuesday.",
    "Port under siege: Aid convoys again failed to reach the southern city of Mariupol on Wednesday.",
    "Grain talks: Turkey will host Ukrainian and Russian officials next week, Ankara said.",
]


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Built once per test session into a private cache directory (shared with test_gazetteer.py)."""
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def places_in(text: str, gazetteer: Gazetteer, *context_texts: str):
    context = BulletinContext.from_texts([text, *context_texts], gazetteer)
    return find_places(text, gazetteer, context)


def test_seed_like_items_yield_their_towns_with_geonames_ids_and_coordinates(gazetteer):
    context = BulletinContext.from_texts(BULLETIN, gazetteer)
    found = {p.geonames_id: p for text in BULLETIN for p in find_places(text, gazetteer, context)}
    expected = {KYIV: (50.45, 30.52), CHERNIHIV: (51.51, 31.29), IRPIN: (50.52, 30.24), MARIUPOL: (47.10, 37.54)}
    for geonames_id, (lat, lon) in expected.items():
        assert geonames_id in found, geonames_id
        assert found[geonames_id].country_code == "UA"
        assert abs(found[geonames_id].lat - lat) < 0.02 and abs(found[geonames_id].lon - lon) < 0.02


@pytest.mark.parametrize(
    ("text", "surface", "geonames_id"),
    [
        ("Shelling resumed in Kiev overnight.", "Kiev", KYIV),
        ("Shelling resumed in Kyiv overnight.", "Kyiv", KYIV),
        ("Radiation levels near Chernobyl were normal.", "Chernobyl", 710403),
        ("Radiation levels near Chornobyl were normal.", "Chornobyl", 710403),
        ("Strikes hit the port of Odesa.", "Odesa", ODESA_UKRAINE),
        ("Artillery pounded Kharkov again.", "Kharkov", 706483),
        ("Artillery pounded Kharkiv again.", "Kharkiv", 706483),
        ("Bodies were found in Irpen.", "Irpen", IRPIN),
        ("Paratroopers landed at Gostomel airfield.", "Gostomel", 708251),
        ("Paratroopers landed at Hostomel airfield.", "Hostomel", 708251),
    ],
)
def test_spelling_variants_resolve_to_one_place(gazetteer, text, surface, geonames_id):
    [place] = places_in(text, gazetteer, "The war in Ukraine entered its second month.")
    assert (place.surface, place.geonames_id) == (surface, geonames_id)


@pytest.mark.parametrize(
    ("text", "context", "geonames_id"),
    [
        ("Ships left Odessa at dawn.", "Russia's war on Ukraine went on.", ODESA_UKRAINE),
        ("Schools closed in Odessa.", "Storms battered west Texas on Monday.", ODESSA_TEXAS),
        ("Odessa, Texas, counted the damage.", "Hail fell overnight.", ODESSA_TEXAS),
    ],
)
def test_odessa_is_the_one_the_bulletin_is_about(gazetteer, text, context, geonames_id):
    odessa = [p for p in places_in(text, gazetteer, context) if p.surface == "Odessa"]
    assert [p.geonames_id for p in odessa] == [geonames_id]


@pytest.mark.parametrize(
    ("text", "surface", "admin1"),
    [
        ("Fighting raged across Kharkiv Oblast.", "Kharkiv Oblast", "Kharkiv Oblast"),
        ("Fighting raged across the Donetsk region.", "Donetsk region", "Donetsk Oblast"),
    ],
)
def test_x_oblast_is_the_region_not_the_town(gazetteer, text, surface, admin1):
    [place] = places_in(text, gazetteer)
    assert (place.surface, place.feature, place.admin1, place.country_code) == (surface, "region", admin1, "UA")


def test_possessive_stays_outside_the_mention(gazetteer):
    text = "Kiev's mayor asked residents to stay indoors."
    [place] = places_in(text, gazetteer)
    assert (place.surface, place.start, place.end, place.geonames_id) == ("Kiev", 0, 4, KYIV)


def test_hyphenated_pair_gives_two_countries(gazetteer):
    text = "Officials praised China-Russia relations."
    places = places_in(text, gazetteer)
    assert [(p.surface, p.country_code, p.feature) for p in places] == [
        ("China", "CN", "country"),
        ("Russia", "RU", "country"),
    ]
    assert [text[p.start : p.end] for p in places] == ["China", "Russia"]


@pytest.mark.parametrize(
    "text",
    [
        "The envoy met Ambassador Lincoln on Friday.",  # title before a town name
        "A spokesman, John Kirby, said the talks stalled.",  # Kirby, Texas is a town
        "Lawyers for Maria Hope Henry asked for bail.",  # Hope and Henry are towns too
        "Talks will resume in March, and again in May.",  # March (England) and May (India) are towns
        "Hope remains for a ceasefire, officials said.",  # a common word opening a sentence
        "Police said the blast was deliberate.",  # Police is a town in Poland
    ],
)
def test_people_months_and_common_words_are_not_places(gazetteer, text):
    assert places_in(text, gazetteer) == []


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("Moscow said it would cut back its assault.", "Moscow", "metonym"),
        ("Washington believes the talks are a ruse.", "Washington", "metonym"),
        ("Kyiv rejected the proposal on Tuesday.", "Kyiv", "metonym"),
        ("Beijing warned against new sanctions.", "Beijing", "metonym"),
        ("Russia has denied targeting civilians.", "Russia", "metonym"),
        ("Missiles struck Kyiv on Tuesday.", "Kyiv", "location"),
        ("Protesters marched through Moscow.", "Moscow", "location"),
        ("Kyiv's residents sheltered in the metro.", "Kyiv", "location"),
    ],
)
def test_a_capital_that_speaks_is_a_metonym(gazetteer, text, surface, role):
    [place] = [p for p in places_in(text, gazetteer) if p.surface == surface]
    assert place.role == role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Half of Irpin, near Kyiv, has been destroyed, Ukraine said.", IRPIN),
        ("Moscow said Russian troops had left positions in Chernihiv Oblast.", 710734),
        ("Moscow said the talks would go on.", None),
        ("Satellite images of the besieged city of Mariupol show ruined blocks.", MARIUPOL),
    ],
)
def test_event_location_is_the_most_specific_located_place(gazetteer, text, expected):
    chosen = choose_event_location(text, places_in(text, gazetteer))
    assert (chosen.geonames_id if chosen else None) == expected


def test_places_come_sorted_by_start_with_offsets_matching_the_text(gazetteer):
    text = BULLETIN[0] + " " + BULLETIN[1]
    places = places_in(text, gazetteer)
    assert [p.start for p in places] == sorted(p.start for p in places)
    assert all(text[p.start : p.end] == p.surface for p in places)
