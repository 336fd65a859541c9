"""The recogniser's words and the resolver's shortcuts: offsets, keys, and votes that settle in one round."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.normalize.places.coherence import coherent_choice
from services.normalize.places.model import Place
from services.normalize.places.words import _CONTRACTION, _TOKEN, tokenize
from services.normalize.places.resolve import Scene


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # The same word twice: each keeps its own offset.
        ("Lviv and Lviv again", [("Lviv", "lviv", False), ("and", "and", False), ("Lviv", "lviv", False),
                                 ("again", "again", False)]),
        # A possessive stays outside the word; a contraction is dropped.
        ("Dnipro's mayor didn't say", [("Dnipro", "dnipro", True), ("mayor", "mayor", False),
                                       ("say", "say", False)]),
        ("Kherson’s port", [("Kherson", "kherson", True), ("port", "port", False)]),
        # Abbreviations with dots are one word, folded without them.
        ("the U.S. and St. Paul", [("the", "the", False), ("U.S.", "us", False), ("and", "and", False),
                                   ("St.", "st", False), ("Paul", "paul", False)]),
        # Accents fold away, digits split nothing into words.
        ("Kyïv, 12 km from Irpin", [("Kyïv", "kyiv", False), ("km", "km", False), ("from", "from", False),
                                    ("Irpin", "irpin", False)]),
    ],
)
def test_words_carry_their_offsets_keys_and_possessives(text, words):
    tokens = tokenize(text)
    assert [(t.text, t.key, t.possessive) for t in tokens] == words
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.capitalised == token.text[0].isupper()


def test_offsets_follow_the_text_even_when_a_word_repeats_inside_another():
    text = "Ternopil, Ternopil Oblast and Pil"
    assert [(t.start, t.end) for t in tokenize(text)] == [(0, 8), (10, 18), (19, 25), (26, 29), (30, 33)]


def test_a_punctuated_chunk_seen_before_takes_the_offsets_of_its_new_place():
    text = "Bucha, Irpin, and Bucha, again"
    assert [(t.text, t.start, t.end) for t in tokenize(text)] == [
        ("Bucha", 0, 5), ("Irpin", 7, 12), ("and", 14, 17), ("Bucha", 18, 23), ("again", 25, 30)]


def _words_by_regex(text: str) -> list[tuple[str, int, int, bool]]:
    """The words as the regex finds them over the whole text, contractions dropped and possessives cut off."""
    words = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        if _CONTRACTION.search(word):
            continue
        possessive = len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"
        word = word[:-2] if possessive else word
        words.append((word, match.start(), match.start() + len(word), possessive))
    return words


@given(st.text(alphabet="aZéÏ1_ .,'’-sStA\n\t\u00a0()", max_size=40))
def test_splitting_at_spaces_first_finds_the_words_the_regex_finds_over_the_whole_text(text):
    assert [(t.text, t.start, t.end, t.possessive) for t in tokenize(text)] == _words_by_regex(text)


def test_adding_or_removing_an_empty_scene_changes_nothing():
    scene = Scene({"UA": 2}, {("UA", "Kyiv"): 1})
    assert scene.merged(Scene()) == scene
    assert scene.without(Scene()) == scene
    assert scene.merged(Scene({"UA": 1})).countries == {"UA": 3}
    assert scene.without(Scene({"UA": 2})).countries == {}


def _town(geonames_id: int, admin1: str, lat: float, lon: float, population: int) -> Place:
    return Place(geonames_id, f"Town {geonames_id}", "city", "US", admin1, lat, lon, population)


def test_names_with_single_readings_need_no_vote():
    one, other = _town(1, "Ohio", 40.0, -83.0, 5_000), _town(2, "Iowa", 42.0, -93.0, 5_000)
    assert coherent_choice([[one], [other], []], [[0.0], [0.0], []], ["a", "b", "c"]) == [0, 0, -1]


def test_far_neighbours_leave_each_name_its_own_best_reading():
    # Nothing lies within reach of anything else: every vote is 0, so each name keeps its likeliest reading.
    big, small = _town(1, "Ohio", 40.0, -83.0, 50_000), _town(2, "Maine", 45.0, -69.0, 2_000)
    lone = _town(3, "Nevada", 39.0, -117.0, 9_000)
    assert coherent_choice([[big, small], [lone]], [[4.7, 3.3], [0.0]], ["x", "y"]) == [0, 0]


def test_a_near_neighbour_still_outvotes_a_bigger_namesake():
    big, small = _town(1, "Ohio", 40.0, -83.0, 50_000), _town(2, "Maine", 45.0, -69.0, 2_000)
    neighbour = _town(3, "Maine", 45.1, -69.1, 9_000)
    assert coherent_choice([[big, small], [neighbour]], [[4.7, 3.3], [0.0]], ["x", "y"]) == [1, 0]
