"""The contract: committed JSON Schema files match the models, and upcasting refuses what it cannot read."""

import pytest

from schemas.export import MODELS, OUT, render
from schemas.upcast import UnknownSchemaVersion, upcast


@pytest.mark.parametrize("name", sorted(MODELS))
def test_committed_json_schema_is_up_to_date(name):
    model, mode = MODELS[name]
    assert (OUT / name).read_text(encoding="utf-8") == render(model, mode), f"run `make schemas` to refresh {name}"


def test_current_version_passes_through_unchanged():
    event = {"type": "ItemNormalized", "schema_version": 1, "data": {}}
    assert upcast(event) is event


@pytest.mark.parametrize(
    "event",
    [{"type": "ItemNormalized", "schema_version": 99}, {"type": "Nope", "schema_version": 1}, {"type": "ItemNormalized"}],
)
def test_unknown_types_and_versions_are_refused(event):
    with pytest.raises(UnknownSchemaVersion):
        upcast(event)
