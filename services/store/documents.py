"""The published contract, served by the store: JSON Schema files of the events and the AsyncAPI document."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

import schemas
from services.common.auth import ACCESS_RESPONSES, require

READ = [require("read")]

SCHEMAS = Path(schemas.__file__).parent


def document_routes() -> APIRouter:
    router = APIRouter()
    # Only the committed files, by exact name: nothing from the request reaches the disk.
    files = {path.name: path for path in (SCHEMAS / "json").glob("*.json")}
    files["asyncapi.json"] = SCHEMAS / "asyncapi.json"

    @router.get("/v1/schemas", dependencies=READ, responses=ACCESS_RESPONSES,
                summary="The published documents of the event contract")
    def listing() -> dict[str, list[str]]:
        return {"documents": sorted(files)}

    @router.get("/v1/schemas/{name}", dependencies=READ, summary="One document: a JSON Schema file or asyncapi.json",
                responses={**ACCESS_RESPONSES, 404: {"description": "No such document."}})
    def document(name: str) -> FileResponse:
        path = files.get(name)
        if path is None:
            raise HTTPException(status_code=404, detail={"field": "name", "reason": "no such document"})
        return FileResponse(path, media_type="application/json")

    return router
