"""How POST /v1/bulletins appears in ingest's OpenAPI document: the bodies it reads and every answer it gives."""

from __future__ import annotations

from typing import Any

from schemas import Bulletin
from services.common.auth import ACCESS_RESPONSES, MALFORMED_HTTP

# Media types the route reads; the route parses the raw body itself, so FastAPI cannot infer them.
BODY_MEDIA_TYPES = (
    "application/json",
    "application/x-ndjson",
    "text/plain",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON Schema with its $defs inlined, so it stands alone inside the OpenAPI document."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return resolve(schema)


def push_request_body() -> dict[str, Any]:
    bulletin = _inlined(Bulletin.model_json_schema())
    text = {"schema": {"type": "string"}}
    content: dict[str, Any] = {media_type: text for media_type in BODY_MEDIA_TYPES}
    content["application/json"] = {"schema": {"anyOf": [bulletin, {"type": "array", "items": bulletin}]}}
    return {"requestBody": {"required": True, "content": content}}


def _problem(description: str) -> dict[str, Any]:
    error = {
        "type": "object",
        "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
        "required": ["field", "reason"],
    }
    schema = {"type": "object", "properties": {"error": error}, "required": ["error"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PUSH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **{status: doc if status == MALFORMED_HTTP else _problem(doc["description"])
       for status, doc in ACCESS_RESPONSES.items()},
    202: {"description": "Every bulletin accepted, duplicate or rejected, listed in `results`."},
    403: _problem("The token lacks the push scope, or may not push for a bulletin's source; nothing was accepted."),
    413: _problem("Body over WIRELOG_MAX_BODY_BYTES, or more than WIRELOG_MAX_BULLETINS_PER_REQUEST bulletins."),
    415: _problem("A content type not listed in the request body."),
    422: _problem("Malformed, unsafe (XML entities, JSON nesting) or invalid; every bulletin rejected."),
    503: _problem("The event log is unreachable or its backlog is past WIRELOG_MAX_RAW_BACKLOG; see Retry-After."),
}
