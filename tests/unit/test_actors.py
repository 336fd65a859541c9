"""Unit tests for actor recognition: every path, the seed's actors, and the curated dictionary's validity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import PlaceMention
from services.normalize.actors import ActorDictionary, find_actors

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "actors"


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load()


def mention(text, dictionary, surface, places=()):
    found = [a for a in find_actors(text, list(places), dictionary) if a.surface == surface]
    assert found, f"{surface!r} not found in {[a.surface for a in find_actors(text, list(places), dictionary)]}"
    return found[0]


@pytest.mark.parametrize(
    "text, surface, actor_id, match",
    [
        ("Vladimir Putin signed the decree on Monday.", "Vladimir Putin", "per:vladimir-putin", "exact"),
        ("Zelenskyy addressed the parliament.", "Zelenskyy", "per:volodymyr-zelensky", "alias"),
        ("The Pentagon declined to comment.", "Pentagon", "org:us-dod", "alias"),
        ("Officials from the WHO arrived in Lviv.", "WHO", "igo:who", "alias"),
        ("The Russian Defence Ministry said the strikes hit depots.", "Russian Defence Ministry", "org:ru-mod", "alias"),
        ("Hezbollah fired rockets overnight.", "Hezbollah", "grp:hezbollah", "exact"),
    ],
)
def test_finds_dictionary_names_and_aliases(dictionary, text, surface, actor_id, match):
    found = mention(text, dictionary, surface)
    assert (found.actor_id, found.match) == (actor_id, match)


@pytest.mark.parametrize("text", ["Who said that?", "They told us nothing.", "It was a major blow."])
def test_does_not_read_common_words_as_acronyms(dictionary, text):
    assert find_actors(text, [], dictionary) == []


@pytest.mark.parametrize(
    "text, surface, actor_id",
    [
        ("Zelenksy said the talks were only words.", "Zelenksy", "per:volodymyr-zelensky"),
        ("Sergey Lavorv arrived in Delhi.", "Sergey Lavorv", "per:sergey-lavrov"),
        ("Stoltenberrg called for unity.", "Stoltenberrg", "per:jens-stoltenberg"),
    ],
)
def test_corrects_typos_in_capitalised_names(dictionary, text, surface, actor_id):
    found = mention(text, dictionary, surface)
    assert (found.actor_id, found.match) == (actor_id, "fuzzy")


@pytest.mark.parametrize("text", ["Zelenko opened a bakery.", "Putney is in London."])
def test_does_not_stretch_typo_tolerance_to_other_names(dictionary, text):
    assert all(a.match != "fuzzy" for a in find_actors(text, [], dictionary))


@pytest.mark.parametrize(
    "text, surface, actor_id",
    [
        ("Sergey Lavrov met reporters. Lavrov said little.", "Lavrov", "per:sergey-lavrov"),
        ("Wang Yi hosted the talks. Wang said ties were strong.", "Wang", "per:wang-yi"),
        ("Pentagon spokesperson John Kirby spoke. Kirby added details.", "Kirby", "per:john-kirby"),
        ("The mayor of Irpin, Oleksandr Markushin, spoke. Markushin said half the city was destroyed.",
         "Markushin", "person:oleksandr-markushin"),
    ],
)
def test_resolves_surnames_to_people_named_earlier(dictionary, text, surface, actor_id):
    found = [a for a in find_actors(text, [], dictionary) if a.surface == surface]
    assert [(a.actor_id, a.match) for a in found] == [(actor_id, "surname")]


def test_leaves_a_lone_surname_of_an_unnamed_person_alone(dictionary):
    assert [a.surface for a in find_actors("Kirby said nothing.", [], dictionary)] == []


@pytest.mark.parametrize(
    "text, surface, actor_id, sector, country",
    [
        ("Russian forces shelled the town.", "Russian forces", "collective:RU:MIL", "MIL", "RU"),
        ("Ukrainian troops retook the village.", "Ukrainian troops", "collective:UA:MIL", "MIL", "UA"),
        ("Chinese officials declined to comment.", "Chinese officials", "collective:CN:GOV", "GOV", "CN"),
        ("Ukraine's delegation arrived in Istanbul.", "Ukraine's delegation", "collective:UA:GOV", "GOV", "UA"),
        ("Russian special forces landed at the airport.", "Russian special forces", "collective:RU:MIL", "MIL", "RU"),
        ("US troops arrived in Poland.", "US troops", "collective:US:MIL", "MIL", "US"),
        ("The Polish government protested.", "Polish government", "gov:PL", "GOV", "PL"),
        ("Pro-Russian separatists fired shells.", "Pro-Russian separatists", "collective:RU-backed:REB", "REB", None),
    ],
)
def test_builds_collectives_from_a_country_and_a_noun(dictionary, text, surface, actor_id, sector, country):
    found = mention(text, dictionary, surface)
    assert (found.actor_id, found.sector, found.country, found.type) == (
        actor_id, sector, country, "organisation" if actor_id.startswith("gov:") else "group"
    )


@pytest.mark.parametrize(
    "text, surface, name",
    [
        ("Russia's forces shelled the town.", "Russia's forces", "Russian forces"),
        ("Ukrainian troops held the bridge.", "Ukrainian troops", "Ukrainian forces"),
        ("Chinese officials declined to comment.", "Chinese officials", "Chinese officials"),
    ],
)
def test_collectives_are_named_with_the_country_adjective(dictionary, text, surface, name):
    assert mention(text, dictionary, surface).name == name


def test_does_not_read_us_the_pronoun_as_a_country(dictionary):
    assert find_actors("They sent us troops.", [], dictionary) == []


@pytest.mark.parametrize(
    "text, surface, actor_id, role, country",
    [
        ("Russian Foreign Minister Sergey Lavrov arrived.", "Sergey Lavrov", "per:sergey-lavrov", "foreign minister", "RU"),
        ("Pentagon spokesperson John Kirby said so.", "John Kirby", "per:john-kirby", "Pentagon spokesperson", "US"),
        ("The mayor of Irpin, Oleksandr Markushin, said so.", "Oleksandr Markushin", "person:oleksandr-markushin",
         "mayor of Irpin", "UA"),
        ("Half of Irpin is destroyed, according to Oleksandr Markushin, the city's mayor.", "Oleksandr Markushin",
         "person:oleksandr-markushin", "mayor of Irpin", "UA"),
        ("Estonian Defence Minister Hanno Pevkur visited the base.", "Hanno Pevkur", "person:hanno-pevkur",
         "defence minister", "EE"),
    ],
)
def test_takes_role_and_country_from_titles(dictionary, text, surface, actor_id, role, country):
    found = mention(text, dictionary, surface)
    assert (found.actor_id, found.role, found.country, found.type) == (actor_id, role, country, "person")


@pytest.mark.parametrize(
    "text, surface, id_prefix, sector, country",
    [
        ("According to the head of British intelligence agency GCHQ, morale was low.", "head", "official:GB:", "COP", "GB"),
        ("A senior US defense official said the troops withdrew.", "senior US defense official", "official:US:", "GOV", "US"),
        ("The mayor of Chernihiv said the city was under attack.", "mayor", "official:UA:", "GOV", "UA"),
    ],
)
def test_reports_unnamed_officials_with_their_role(dictionary, text, surface, id_prefix, sector, country):
    found = mention(text, dictionary, surface)
    assert found.actor_id.startswith(id_prefix) and (found.sector, found.country) == (sector, country)
    assert found.role


def test_turns_a_metonym_place_into_its_government(dictionary):
    text = "Moscow said it would reduce its assault."
    moscow = PlaceMention(surface="Moscow", start=0, end=6, geonames_id=524901, name="Moscow",
                          country_code="RU", role="metonym")
    found = mention(text, dictionary, "Moscow", [moscow])
    assert (found.actor_id, found.sector, found.country, found.match) == ("gov:RU", "GOV", "RU", "metonym")


def test_ignores_a_place_the_places_stage_calls_a_location(dictionary):
    text = "Fighting continued near Kharkiv overnight."
    kharkiv = PlaceMention(surface="Kharkiv", start=24, end=31, geonames_id=706483, name="Kharkiv",
                           country_code="UA", role="location")
    assert find_actors(text, [kharkiv], dictionary) == []


@pytest.mark.parametrize("text, surface, actor_id", [
    ("Beijing says it opposes sanctions.", "Beijing", "gov:CN"),
    ("Washington has warned of consequences.", "Washington", "gov:US"),
])
def test_falls_back_to_speaking_capitals_without_places(dictionary, text, surface, actor_id):
    found = mention(text, dictionary, surface)
    assert (found.actor_id, found.match) == (actor_id, "metonym")


def test_gives_an_unqualified_ministry_the_country_in_context(dictionary):
    text = "The Russian leader was not informed by his Ministry of Defense."
    found = mention(text, dictionary, "Ministry of Defense")
    assert (found.actor_id, found.country) == ("org:ru-mod", "RU")


def test_returns_mentions_sorted_and_with_offsets_into_the_text(dictionary):
    text = "CNN reported that Russian forces left, and Zelensky spoke to the BBC."
    found = find_actors(text, [], dictionary)
    assert [a.start for a in found] == sorted(a.start for a in found)
    assert all(text[a.start : a.end] == a.surface for a in found)


SEED_SENTENCES = [
    "Talks will resume online, the head of the Ukrainian delegation said, amid calls for a meeting between "
    "Ukrainian President Volodymyr Zelensky and Russian President Vladimir Putin. Zelenksy said the talks were "
    "only words.",
    "Some Russian soldiers refused orders, according to the head of British intelligence agency GCHQ.",
    "Russian Foreign Minister Sergey Lavrov met Chinese Foreign Minister Wang Yi, while British Foreign Secretary "
    "Liz Truss and US Deputy National Security Adviser for International Economics, Daleep Singh, visited Delhi.",
    "The Russian leader was misled by his Ministry of Defense, Pentagon spokesperson John Kirby said, and a US "
    "official told CNN the same.",
    "Much of Irpin is in ruins, according to Oleksandr Markushin, the city's mayor. A Red Cross depot was hit, and "
    "Ukrainian troops pushed Russian forces back.",
]


@pytest.mark.parametrize(
    "want", json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))["expected"],
    ids=lambda w: w["surface"],
)
def test_finds_every_seed_actor_with_id_sector_and_country(dictionary, want):
    moscow_text = "Moscow said it would scale back."
    places = {moscow_text: [PlaceMention(surface="Moscow", start=0, end=6, geonames_id=524901, name="Moscow",
                                         country_code="RU", role="metonym")]}
    found = [a for t in SEED_SENTENCES + [moscow_text] for a in find_actors(t, places.get(t, []), dictionary)]
    matching = [
        a for a in found
        if a.surface == want["surface"] and a.sector == want["sector"] and a.country == want["country"]
        and (a.actor_id == want["id"] if "id" in want else a.actor_id.startswith(want["id_prefix"]))
    ]
    assert matching


def test_a_headline_of_capitalised_words_after_a_title_is_no_name(dictionary):
    # A name that long is no person's; it would also not fit the store's columns.
    words = " ".join(f"Zorvath{chr(97 + n % 26)}ek" for n in range(30))
    found = find_actors(f"Ukrainian President {words} said it.", [], dictionary)
    assert [(actor.name, actor.actor_id) for actor in found] == [("president", "official:UA:president")]
    for name in ("Anna Maria Zorvath de Quillon", "Anna Maria Bella Zorvath Quillon Arbel"):  # six words: still a name
        assert [actor.name for actor in find_actors(f"Ukrainian President {name} said it.", [], dictionary)] == [name]
    apposition = find_actors(f"{words}, the city's mayor, said it.", [], dictionary)
    assert all(len(actor.name.split()) <= 6 for actor in apposition), [actor.name for actor in apposition]
    misspelt = find_actors("Zelenksy Quillon Arbel Bella Maria Anna Torvek Morvan said it.", [], dictionary)
    assert "per:volodymyr-zelensky" in [actor.actor_id for actor in misspelt]
