"""Bulletin identity: the same bulletin always gets the same id, whoever pushes it and how often."""

from datetime import UTC, datetime

from schemas import Bulletin
from services.ingest.identity import bulletin_id, bulletin_received


def make(**overrides):
    fields = {"source": "desk", "published_at": "2024-01-02", "items": [{"label": "A", "text": "one"}]}
    return Bulletin.model_validate({**fields, **overrides})


def test_same_content_gives_same_id():
    assert bulletin_id(make()) == bulletin_id(make())


def test_changed_text_gives_a_new_id():
    assert bulletin_id(make()) != bulletin_id(make(items=[{"label": "A", "text": "two"}]))


def test_external_id_identifies_the_bulletin_even_when_the_text_changes():
    first = make(external_id="42")
    edited = make(external_id="42", items=[{"text": "corrected"}])
    assert bulletin_id(first) == bulletin_id(edited)


def test_same_external_id_from_another_source_is_another_bulletin():
    assert bulletin_id(make(external_id="42")) != bulletin_id(make(external_id="42", source="other"))


def test_received_event_carries_the_lead_as_item_zero_and_the_reference_date():
    event = bulletin_received(make(lead="The lead.", published_at="2024-01-02T23:30:00+00:00"), datetime.now(UTC))
    assert [item.text for item in event.data.items] == ["The lead.", "one"]
    assert event.data.reference_date.isoformat() == "2024-01-02"
    assert event.correlation_id == event.data.bulletin_id
