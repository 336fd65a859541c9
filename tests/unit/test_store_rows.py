"""The store's JSON fast path: it accepts only what the model accepts, and reads the same rows as the model."""

import copy
import json
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from schemas import ItemNormalized
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, PermanentError
from services.store import rows
from services.store.shape import compile_check
from services.store.stage import stored_form

CHECK = compile_check(ItemNormalized)


def _mention(surface, start, **fields):
    return {"surface": surface, "start": start, "end": start + len(surface), **fields}


def event_json(**data_changes) -> dict:
    """An event as the normaliser logs it, with places, actors, dates and a location."""
    text = "Talks in Geneva on Friday; the mayor of Lviv and Ukrainian troops took part."
    geneva = _mention("Geneva", 9, geonames_id=2660646, name="Geneva", feature="city", country_code="CH", lat=46.2, lon=6.1)
    data = {
        "item_id": "b_one:0", "bulletin_id": "b_one", "position": 0, "label": None, "text": text, "full_text": text,
        "source": "desk", "published_at": "2024-06-13T08:30:00Z", "reference_date": "2024-06-13", "url": None,
        "language": "en", "normalizer_version": "1.0.0",
        "dates": [_mention("Friday", 19, value="2024-06-14", precision="day", explicit=False)],
        "places": [geneva, _mention("Lviv", 40, geonames_id=None, name="Lviv", role="metonym")],
        "actors": [
            _mention("the mayor", 27, actor_id=None, name="Mayor", type="person"),
            _mention("Ukrainian troops", 49, actor_id="collective:UA:MIL", name="Ukrainian forces", type="group",
                     sector="MIL", country="UA", match="pattern"),
        ],
        "event_date": {"value": "2024-06-14", "precision": "day"},
        "event_location": geneva,
    }
    data.update(data_changes)
    return {
        "id": "evt_one", "type": "ItemNormalized", "schema_version": 1, "occurred_at": "2024-06-13T08:30:00Z",
        "recorded_at": "2024-06-13T08:30:01.250000Z", "source": "desk", "correlation_id": "b_one",
        "causation_id": "evt_zero", "producer": {"service": "normalize", "version": "1.0.0"}, "data": data,
    }


def _paths(value, path=()):
    """Every key path and list index in a JSON value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*path, index)
            yield from _paths(inner, (*path, index))


def _mutations(event):
    """The event with one value removed or replaced by a value of another JSON type, for every path in it."""
    replacements = [None, "", "x", "2024-06-13", 0, -1, 2**70, 1.5, True, False, [], {}]
    for path in _paths(event):
        for replacement in [*replacements, "REMOVE"]:
            changed = copy.deepcopy(event)
            parent = changed
            for step in path[:-1]:
                parent = parent[step]
            if replacement == "REMOVE":
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            yield path, changed


def test_the_check_accepts_a_logged_event_so_the_fast_path_is_taken():
    logged = ItemNormalized.model_validate(event_json()).model_dump_json()
    assert CHECK(json.loads(logged))
    assert rows.read_logged(logged) == rows.from_model(ItemNormalized.model_validate_json(logged), logged)


def test_whatever_the_check_accepts_the_model_accepts_with_the_same_rows():
    accepted = refused = 0
    for path, changed in _mutations(event_json()):
        raw = json.dumps(changed)
        if not CHECK(changed):
            refused += 1
            continue
        accepted += 1
        try:
            model = ItemNormalized.model_validate_json(raw)
        except ValidationError as exc:
            pytest.fail(f"the check took {path} = {changed!r:.80} which the model refuses: {exc}")
        assert rows.from_json(changed, raw) == rows.from_model(model, raw), path
    assert accepted > 100 and refused > 500  # both sides exercised: optional fields dropped, wrong types refused


@pytest.mark.parametrize(
    "published_at",
    ["2024-06-13", "2024-06-13T08:30:00Z", "2024-06-13T08:30:00", "2024-06-13T08:30:00.5+02:00", "2024-06-13T08:30:00-00:00"],
)
def test_publication_times_are_stored_as_the_model_writes_them(published_at):
    raw = json.dumps(event_json(published_at=published_at))
    assert rows.read_logged(raw).bulletin == rows.from_model(ItemNormalized.model_validate_json(raw), raw).bulletin


def test_a_value_the_model_would_coerce_goes_through_the_model():
    raw = json.dumps(event_json(position="3"))
    assert rows.read_logged(raw) is None
    assert stored_form(Entry("1-0", {EVENT_FIELD: raw}))[1].item[2] == 3


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {EVENT_FIELD: "{not json"},
        {EVENT_FIELD: json.dumps(event_json(position=-1))},
        {EVENT_FIELD: json.dumps(event_json(reference_date="2024-02-30"))},
    ],
)
def test_a_malformed_event_is_a_permanent_error_with_its_reason(fields):
    with pytest.raises(PermanentError, match="ItemNormalized|event"):
        stored_form(Entry("1-0", fields))


def test_an_event_of_a_newer_schema_is_retried_not_a_permanent_error():
    from services.common.eventlog import NewerVersion

    with pytest.raises(NewerVersion, match="v7 is newer than this reader") as raised:
        stored_form(Entry("1-0", {EVENT_FIELD: json.dumps({**event_json(), "schema_version": 7})}))
    assert not isinstance(raised.value, PermanentError)


def test_a_model_with_its_own_validators_is_never_vouched_for():
    class Checked(BaseModel):
        name: str

        @field_validator("name")
        @classmethod
        def _upper(cls, value: str) -> str:
            return value.upper()

    assert not compile_check(Checked)({"name": "geneva"})


def test_the_model_path_stores_the_logged_json_as_is():
    model = ItemNormalized.model_validate(event_json())
    stored = rows.from_model(model, "as logged")
    assert stored.item[-1] == "as logged"
    assert json.loads(rows.from_model(model).item[-1])["id"] == "evt_one"
    assert datetime.fromisoformat(stored.bulletin[2]) == datetime(2024, 6, 13, 8, 30, tzinfo=UTC)
