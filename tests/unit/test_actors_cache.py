"""Unit tests for the actor dictionary's start-up cache and the shortcuts the recogniser takes for speed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.normalize.actors import ActorDictionary, find_actors
from services.normalize.actors.cache import cache_file, read_cached
from services.normalize.actors.dictionary import HERE
from services.normalize.actors.tokens import _TOKEN_RE, tokenize_with_offsets


@pytest.fixture(scope="module")
def built_and_cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[ActorDictionary, ActorDictionary, Path]:
    cache_dir = tmp_path_factory.mktemp("actors-cache")
    first = ActorDictionary.load(cache_dir=cache_dir)
    return first, ActorDictionary.load(cache_dir=cache_dir), cache_dir


def test_keeps_one_built_dictionary_in_the_cache_dir(built_and_cached):
    _, _, cache_dir = built_and_cached
    kept = cache_file((HERE / "actors.json", HERE / "countries.json"), cache_dir)
    assert [p.name for p in cache_dir.iterdir()] == [kept.name]
    assert isinstance(read_cached(kept), ActorDictionary)  # read back, not built again (compiled or not)


def test_loads_from_the_cache_the_same_indexes_it_built(built_and_cached):
    built, cached = built_and_cached[:2]
    assert cached is not built
    assert cached.entries == built.entries
    assert cached.by_keys == built.by_keys
    assert cached.by_first_key == built.by_first_key
    assert cached.lowercase_by_first_key == built.lowercase_by_first_key
    assert cached.fuzzy_names == built.fuzzy_names
    assert cached.city_countries == built.city_countries and len(cached.city_countries) > 10_000


def test_rebuilds_when_the_cached_file_is_damaged(tmp_path):
    path = cache_file((HERE / "actors.json", HERE / "countries.json"), tmp_path)
    path.write_bytes(b"not a pickle")
    dictionary = ActorDictionary.load(cache_dir=tmp_path)
    assert dictionary.lookup("Sergey Lavrov").id == "per:sergey-lavrov"
    assert ActorDictionary.load(cache_dir=tmp_path).alias_count == dictionary.alias_count


def test_keys_the_cache_by_the_curated_data(tmp_path):
    edited = tmp_path / "actors.json"
    raw = json.loads((HERE / "actors.json").read_text(encoding="utf-8"))
    raw["actors"][0]["aliases"] = [*raw["actors"][0].get("aliases", []), "An Alias Added For The Test"]
    edited.write_text(json.dumps(raw), encoding="utf-8")
    countries = HERE / "countries.json"
    assert cache_file((edited, countries), tmp_path) != cache_file((HERE / "actors.json", countries), tmp_path)


def test_finds_the_same_typo_again_once_it_has_been_remembered(built_and_cached):
    dictionary = built_and_cached[1]
    for _ in range(2):
        (mention,) = [m for m in find_actors("Zelenksy said the talks were only words.", [], dictionary)]
        assert (mention.surface, mention.actor_id, mention.match) == ("Zelenksy", "per:volodymyr-zelensky", "fuzzy")
    assert dictionary.fuzzy_seen["zelenksy"] == "per:volodymyr-zelensky"


def test_matches_an_alias_written_in_lower_case_at_a_lower_case_word(built_and_cached):
    dictionary = built_and_cached[1]
    found = {m.surface: m.actor_id for m in find_actors("EU chief von der Leyen and the Pentagon spoke.", [], dictionary)}
    assert found["von der Leyen"] == dictionary.lookup("Ursula von der Leyen").id
    assert found["Pentagon"] == dictionary.lookup("Pentagon").id


def _tokens_by_regex(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


@pytest.mark.parametrize("text, words", [
    ("The U.S. and  Ukraine's\nenvoy met.", ["The", "U.S.", "and", "Ukraine", "'s", "envoy", "met", "."]),
    (" N’Djamena’s pro-Russian\tmayor, Erdoğan ", ["N’Djamena", "’s", "pro-Russian", "mayor", ",", "Erdoğan"]),
    ("", []),
])
def test_tokenises_space_separated_chunks_as_the_regex_does_over_the_whole_text(text, words):
    tokens, starts, ends = tokenize_with_offsets(text)
    assert [t.text for t in tokens] == words
    assert list(zip(words, starts, ends)) == _tokens_by_regex(text)


@given(st.text(alphabet="aZé1_ .,'’-‐sS\n\t\u00a0()", max_size=40))
def test_tokenises_any_text_as_the_regex_does(text):
    tokens, starts, ends = tokenize_with_offsets(text)
    assert list(zip([t.text for t in tokens], starts, ends)) == _tokens_by_regex(text)
