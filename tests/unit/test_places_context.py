"""The bulletin context reads each item once: what it read is reused, and reusing it changes no place."""

from __future__ import annotations

import pytest

from services.normalize.places import BulletinContext, Gazetteer, find_places


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


# Written for this test: a bulletin whose scene (Ukraine) steers an ambiguous town, and one that names no country.
WAR_BULLETIN = [
    "Overnight strikes: Drones hit Odessa and Kharkiv, Ukraine's air force said.",
    "Evacuations: Buses left the town of Izium for Dnipro on Thursday.",
    "Talks: Turkey offered to host another round in Istanbul.",
]
LOCAL_BULLETIN = [
    "Road closures: Crews will repave Main Street in Springfield next week.",
    "Schools: The Springfield board meets on Tuesday.",
]


@pytest.mark.parametrize("texts", [WAR_BULLETIN, LOCAL_BULLETIN])
def test_reusing_the_contexts_reading_changes_no_place(gazetteer, texts):
    context = BulletinContext.from_texts(texts, gazetteer)
    unread = BulletinContext(context.country_codes, context.regions)  # the same scene, nothing read yet
    assert set(context.readings) == set(texts)
    for text in texts:
        assert find_places(text, gazetteer, context) == find_places(text, gazetteer, unread)


def test_a_text_the_context_was_not_built_from_is_read_afresh(gazetteer):
    context = BulletinContext.from_texts(WAR_BULLETIN, gazetteer)
    text = "Shelling resumed near Odessa."
    [place] = find_places(text, gazetteer, context)
    assert (place.surface, place.country_code) == ("Odessa", "UA")


def test_contexts_with_the_same_scene_are_equal_whatever_they_read(gazetteer):
    context = BulletinContext.from_texts(WAR_BULLETIN, gazetteer)
    assert context == BulletinContext(context.country_codes, context.regions)
