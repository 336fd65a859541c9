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


def test_committed_asyncapi_document_is_up_to_date():
    from schemas.export import ASYNCAPI, render_asyncapi

    assert ASYNCAPI.read_text(encoding="utf-8") == render_asyncapi(), "run `make schemas` to refresh asyncapi.json"


@pytest.mark.parametrize("name", ["ingest.json", "store.json"])
def test_committed_openapi_documents_are_up_to_date_and_valid(name):
    from openapi_spec_validator import validate

    from services.openapi import OUT as OPENAPI, documents, render

    document = documents()[name]
    validate(document)
    assert (OPENAPI / name).read_text(encoding="utf-8") == render(document), f"run `make schemas` to refresh {name}"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_json_schema_files_are_valid_json_schema(name):
    import json

    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads((OUT / name).read_text(encoding="utf-8")))
