"""Writes the HTTP APIs' OpenAPI documents into schemas/openapi/ (`make schemas`); a test keeps them fresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).parents[1] / "schemas" / "openapi"


def documents() -> dict[str, dict]:
    from services.common.settings import Settings
    from services.ingest.app import create_app as ingest_app
    from services.store.app import create_app as store_app

    settings = Settings(store_url="sqlite://")  # in memory: describing the API touches no data
    return {"ingest.json": ingest_app(settings).openapi(), "store.json": store_app(settings, consume=False).openapi()}


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, document in documents().items():
        (OUT / name).write_text(render(document), encoding="utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
