"""The curated actor dictionary is valid: unique ids, one sector vocabulary, real countries, no stray collisions."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest

from services.normalize.actors import SECTORS, ActorDictionary

DATA = Path(__file__).resolve().parents[2] / "services" / "normalize" / "actors" / "actors.json"
RAW = json.loads(DATA.read_text(encoding="utf-8"))["actors"]


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load()


def test_gives_every_curated_entry_a_unique_id():
    ids = [e["id"] for e in RAW]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("field, allowed", [("sector", set(SECTORS)), ("type", {"person", "organisation", "group"})])
def test_uses_one_vocabulary_for_sector_and_type(field, allowed):
    assert {e["id"]: e[field] for e in RAW if e[field] not in allowed} == {}


def test_uses_only_iso_alpha2_country_codes(dictionary):
    bad = {e.id: e.country for e in dictionary.entries.values()
           if e.country is not None and pycountry.countries.get(alpha_2=e.country) is None and e.country != "XK"}
    assert bad == {}


def test_gives_people_roles_with_years():
    people = [e for e in RAW if e["type"] == "person"]
    assert people and all(e["roles"] and all(isinstance(r["from"], int) for r in e["roles"]) for e in people)


def test_has_no_alias_shared_by_two_entries_unless_intended(dictionary):
    stray = {" ".join(k): ids for k, ids in dictionary.collisions.items() if k not in dictionary.intended_collisions}
    assert stray == {}


def test_holds_at_least_five_thousand_aliases(dictionary):
    assert dictionary.alias_count >= 5000


@pytest.mark.parametrize("name, actor_id, country, sector", [
    ("Government of Ukraine", "gov:UA", "UA", "GOV"),
    ("Government of Russia (Soviet Union)", "gov:RU", "RU", "GOV"),
    ("DPR", "grp:dpr", "UA", "REB"),
    ("LPR", "grp:lpr", "UA", "REB"),
    ("United Armed Forces of Novorossiya", "grp:novorossiya-forces", "UA", "REB"),
    ("Maidan", "grp:maidan", "UA", "PRO"),
])
def test_maps_coded_event_actor_names_to_country_and_sector(dictionary, name, actor_id, country, sector):
    entry = dictionary.lookup(name)
    assert entry is not None and (entry.id, entry.country, entry.sector) == (actor_id, country, sector)
