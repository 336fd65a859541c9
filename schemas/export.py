"""Writes the contract's JSON Schema files (schemas/json/) and AsyncAPI document (`make schemas`); tests keep them fresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas.bulletin import Bulletin, BulletinReceived
from schemas.normalized import ItemNormalized

OUT = Path(__file__).parent / "json"

# file -> (model, mode): what is pushed is described as accepted, events as written on the wire.
MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "bulletin.schema.json": (Bulletin, "validation"),
    "bulletin_received.v1.schema.json": (BulletinReceived, "serialization"),
    "item_normalized.v1.schema.json": (ItemNormalized, "serialization"),
}


def render(model: type[BaseModel], mode: str) -> str:
    schema = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


ASYNCAPI = Path(__file__).parent / "asyncapi.json"


def render_asyncapi() -> str:
    from schemas.asyncapi import document

    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, (model, mode) in MODELS.items():
        (OUT / name).write_text(render(model, mode), encoding="utf-8")
        print(f"wrote {OUT / name}")
    ASYNCAPI.write_text(render_asyncapi(), encoding="utf-8")
    print(f"wrote {ASYNCAPI}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
