"""The place evaluation: its split of resolution misses (a reading within 161 km passed over, or none in the index)
and its speed line."""

from __future__ import annotations

import pytest

from services.normalize.evaluation import speed_line
from services.normalize.evaluation.places import _met, passed_over
from services.normalize.places import Gazetteer, find_places

PARIS_TEXAS = {"lat": 33.66, "lon": -95.56}
MID_ATLANTIC = {"lat": 30.0, "lon": -40.0}


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def test_a_miss_is_the_rankings_when_the_index_has_a_reading_near_the_gold_point(gazetteer):
    text = "Storms hit Paris overnight."
    [paris] = find_places(text, gazetteer)
    assert paris.country_code == "FR"  # the capital, with nothing around it
    predicted = paris.model_dump()
    assert passed_over(text, predicted, PARIS_TEXAS, gazetteer)  # Paris, Texas was a reading
    assert not passed_over(text, predicted, MID_ATLANTIC, gazetteer)  # no Paris lies there


def test_speed_line_times_three_passes_over_every_item_and_names_the_characters():
    seen: list[str] = []
    line = speed_line("find_places", ["one", "two"], seen.append, 600)
    assert seen == ["one", "two"] * 3
    assert line.startswith("find_places speed: ") and "ms per 300 characters (600 characters" in line


def test_a_target_is_judged_on_the_unrounded_figure():
    assert _met(0.9, 0.90) == "met"
    assert _met(0.8996, 0.90) == "not met"  # printed as 0.900
