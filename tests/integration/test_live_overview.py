"""The web view's snapshot (/v1/overview) on both store backends: places, days, newest items and the position."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from schemas import Bulletin
from services.ingest.identity import bulletin_received
from services.ingest.parsing import parse_live_update
from services.store.database import Database
from services.store.overview import overview
from services.store.queries import EventFilters

pytestmark = pytest.mark.integration

WEB_FIXTURES = Path(__file__).parents[1] / "fixtures" / "web"
STREAM = "test:normalized"


def stored(db: Database, normalizer, names: list[str]) -> list:
    events = []
    for name in names:
        record = parse_live_update((WEB_FIXTURES / name).read_text(encoding="utf-8"), "overview-desk")
        events += normalizer.normalize(bulletin_received(Bulletin.model_validate(record), datetime.now(UTC)), datetime.now(UTC))
    db.apply_batch([(f"1700000000000-{n}", event) for n, event in enumerate(events)], STREAM)
    return events


SEED_PLACES = ["Kyiv", "Chernihiv", "Irpin", "Mariupol"]
ALL = ["bulletin-2022-03-31.txt", "bulletin-2022-04-02.txt", "bulletin-2022-04-03.txt"]


def test_places_carry_counts_coordinates_and_their_latest_day(store_url, normalizer):
    db = Database(store_url)
    events = stored(db, normalizer, ALL)
    view = overview(db, EventFilters(), [STREAM], latest=0, cursor=None)
    places = {place["name"]: place for place in view["places"]}
    assert set(SEED_PLACES) <= set(places)
    located = [event.data for event in events if event.data.event_location]
    for name in SEED_PLACES:
        here = [data for data in located if data.event_location.name == name]
        assert places[name]["count"] == len(here)
        assert places[name]["latest"] == max(data.event_date.value for data in here)
        assert (places[name]["lat"], places[name]["lon"]) == (here[0].event_location.lat, here[0].event_location.lon)
    assert sum(place["count"] for place in view["places"]) == len(located)
    assert view["total"] == 13 and view["items"] == [] and view["position"] == "1700000000000-12"


def test_days_count_items_by_event_day(store_url, normalizer):
    db = Database(store_url)
    events = stored(db, normalizer, ALL)
    view = overview(db, EventFilters(), [STREAM], latest=0, cursor=None)
    expected: dict[str, int] = {}
    for event in events:
        expected[event.data.event_date.value] = expected.get(event.data.event_date.value, 0) + 1
    assert {day["date"]: day["count"] for day in view["days"]} == expected
    assert [day["date"] for day in view["days"]] == sorted(expected)
    assert view["without_day"] == 0


def test_filters_narrow_every_part_alike(store_url, normalizer):
    db = Database(store_url)
    events = stored(db, normalizer, ALL)
    view = overview(db, EventFilters(place="Mariupol"), [STREAM], latest=50, cursor=None)
    mentioning = [event.data.item_id for event in events if any(p.name == "Mariupol" for p in event.data.places)]
    assert view["total"] == len(mentioning) >= 1
    assert sorted(item["item_id"] for item in view["items"]) == sorted(mentioning)
    assert "Kyiv" not in {place["name"] for place in view["places"]}
    april = overview(db, EventFilters(date_from=date(2022, 4, 1)), [STREAM], latest=50, cursor=None)
    in_april = [event for event in events if event.data.event_date.value >= "2022-04-01"]
    assert all(day["date"] >= "2022-04-01" for day in april["days"]) and april["total"] == len(in_april)


def test_newest_bulletins_come_first_and_the_cursor_pages_through_the_rest(store_url, normalizer):
    db = Database(store_url)
    stored(db, normalizer, ALL)
    first = overview(db, EventFilters(), [STREAM], latest=4, cursor=None)
    assert [item["reference_date"] for item in first["items"]] == ["2022-04-03"] * 3 + ["2022-04-02"]
    assert [item["position"] for item in first["items"]] == [0, 1, 2, 0]
    seen, cursor = list(first["items"]), first["next_cursor"]
    while cursor:
        page = overview(db, EventFilters(), [STREAM], latest=4, cursor=cursor)
        seen, cursor = seen + page["items"], page["next_cursor"]
    assert len(seen) == 13 and len({item["item_id"] for item in seen}) == 13
    assert [item["reference_date"] for item in seen] == sorted((item["reference_date"] for item in seen), reverse=True)
