"""Turns a pushed request body (JSON, NDJSON or the live-update text format) into bulletins; pure, no I/O."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from schemas import Bulletin, BulletinItem

JSON_TYPES = {"application/json"}
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl"}
TEXT_TYPES = {"text/plain"}

_FIRST_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$")
_ITEM_LINE = re.compile(r"^\s*[-*\u2022]\s+(.*)$")
# "Label: text" when the part before the first colon reads like a heading (short, no sentence end).
_LABEL = re.compile(r"^([^:.!?\n]{1,120}):\s+(.+)$", re.DOTALL)


class ParseError(ValueError):
    """The body as a whole cannot be read; `field` names where."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Rejected:
    index: int
    errors: list[dict[str, str]]


Parsed = list[Bulletin | Rejected]


def parse_body(body: bytes, content_type: str, source: str | None = None) -> Parsed:
    media_type = content_type.split(";", 1)[0].strip().lower()
    text = _decode(body)
    if media_type in JSON_TYPES:
        return _parse_json(text, source)
    if media_type in NDJSON_TYPES:
        return _parse_ndjson(text, source)
    if media_type in TEXT_TYPES:
        if not source:
            raise ParseError("source", "text/plain bulletins need a source (query parameter ?source= or X-Wirelog-Source)")
        return [_validate(0, parse_live_update(text, source))]
    raise ParseError("content-type", f"unsupported media type {media_type!r}")


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError("body", f"not valid UTF-8 at byte {exc.start}") from exc


def _parse_json(text: str, source: str | None) -> Parsed:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError("body", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    records = value if isinstance(value, list) else [value]
    return [_validate(i, _with_source(record, source)) for i, record in enumerate(records)]


def _parse_ndjson(text: str, source: str | None) -> Parsed:
    out: Parsed = []
    for index, line in enumerate(line for line in text.splitlines() if line.strip()):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(Rejected(index, [{"field": "body", "reason": f"line {index + 1}: malformed JSON: {exc.msg}"}]))
            continue
        out.append(_validate(index, _with_source(record, source)))
    return out


def _with_source(record: Any, source: str | None) -> Any:
    if isinstance(record, dict) and source and "source" not in record:
        return {**record, "source": source}
    return record


def _validate(index: int, record: Any) -> Bulletin | Rejected:
    if not isinstance(record, dict):
        return Rejected(index, [{"field": "body", "reason": "a bulletin must be a JSON object"}])
    if "items" not in record and "lead" not in record:
        return Rejected(index, [{"field": "items", "reason": "field required"}])
    try:
        bulletin = Bulletin.model_validate(record)
    except ValidationError as exc:
        return Rejected(index, _describe_all(exc.errors()))
    if not bulletin.all_items():
        return Rejected(index, [{"field": "items", "reason": "a bulletin needs at least one item or a lead"}])
    return bulletin


# Union members appear in pydantic's error locations ("published_at.date"): users know the field only.
_UNION_MEMBERS = {"date", "datetime", "str", "int", "list", "dict"}


def _describe_all(errors: list[Any]) -> list[dict[str, str]]:
    described: dict[str, str] = {}
    for error in errors:
        parts = [str(p) for p in error.get("loc", ()) if str(p) not in _UNION_MEMBERS and "[" not in str(p)]
        described.setdefault(".".join(parts) or "body", error.get("msg", "invalid"))
    return [{"field": field, "reason": reason} for field, reason in described.items()]


def parse_live_update(text: str, source: str) -> dict[str, Any]:
    """The live-update format: `date YYYY-MM-DD <lead>` then `- Label: text` items.

    Lines before the first item belong to the lead, which becomes item 0; a line that starts neither an item
    nor the bulletin continues the previous one. The result is a record for `Bulletin` validation.
    """
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ParseError("body", "empty bulletin")
    first = _FIRST_LINE.match(lines[0])
    if not first:
        raise ParseError("body", "line 1 must start with 'date YYYY-MM-DD'")
    lead_lines = [first.group(2).strip()] if first.group(2).strip() else []
    items: list[list[str]] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        item = _ITEM_LINE.match(line)
        if item:
            items.append([item.group(1).strip()])
        elif items:
            items[-1].append(line.strip())
        else:
            lead_lines.append(line.strip())
    return {
        "source": source,
        "published_at": first.group(1),
        "lead": "\n".join(lead_lines) or None,
        "items": [_split_label("\n".join(parts)) for parts in items],
    }


def _split_label(text: str) -> dict[str, str]:
    match = _LABEL.match(text)
    if match and len(match.group(1).split()) <= 12:
        return {"label": match.group(1).strip(), "text": match.group(2).strip()}
    return {"text": text}


def items_of(bulletin: Bulletin) -> list[BulletinItem]:
    return bulletin.all_items()
