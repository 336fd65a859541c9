"""Turns a pushed request body (JSON, NDJSON, the live-update text format, RSS or Atom) into bulletins; pure, no I/O."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from schemas import Bulletin, BulletinItem
from services.ingest.feeds import FEED_TYPES, FeedError, feed_records
from services.ingest.limits import TooDeep, json_shape

JSON_TYPES = {"application/json"}
NDJSON_TYPES = {"application/x-ndjson", "application/ndjson", "application/jsonl"}
TEXT_TYPES = {"text/plain"}

_FIRST_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$")
_ITEM_LINE = re.compile(r"^\s*[-*\u2022]\s+(.*)$")
# "Label: text" when the part before the first colon reads like a heading (short, no sentence end).
_LABEL = re.compile(r"^([^:.!?\n]{1,120}):\s+(.+)$", re.DOTALL)


class ParseError(ValueError):
    """The body as a whole cannot be read; `field` names where, `status` is the HTTP answer."""

    def __init__(self, field: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.status = status or (415 if field == "content-type" else 422)


@dataclass(frozen=True)
class Rejected:
    index: int
    errors: list[dict[str, str]]


Parsed = list[Bulletin | Rejected]


def parse_body(
    body: bytes, content_type: str, source: str | None = None, *, max_depth: int = 32, max_bulletins: int = 1000
) -> Parsed:
    """Raises ParseError for a body that cannot be read at all; `max_bulletins` is checked before parsing."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in FEED_TYPES:
        # XML declares its own encoding, so the feed reader gets the bytes.
        return _parse_feed(body, source, max_bulletins)
    text = _decode(body)
    if media_type in JSON_TYPES:
        _check_json_shape(text, max_depth, max_bulletins)
        return _parse_json(text, source)
    if media_type in NDJSON_TYPES:
        lines = ndjson_lines(text)
        _check_count(len(lines), max_bulletins)
        for _, line in lines:
            _check_json_shape(line, max_depth, max_bulletins=None)
        return _parse_ndjson(lines, source)
    if media_type in TEXT_TYPES:
        if not source:
            raise ParseError("source", "text/plain bulletins need a source (query parameter ?source= or X-Wirelog-Source)")
        return [_validate(0, parse_live_update(text, source))]
    raise ParseError("content-type", f"unsupported media type {media_type!r}")


def _parse_feed(body: bytes, source: str | None, max_bulletins: int) -> Parsed:
    try:
        records = feed_records(body, source)
    except FeedError as exc:
        raise ParseError("source" if str(exc).startswith("no source") else "body", str(exc)) from None
    _check_count(len(records), max_bulletins)
    return [_validate(index, record) for index, record in enumerate(records)]


def _check_json_shape(text: str, max_depth: int, max_bulletins: int | None) -> None:
    """`max_bulletins` None: a record of its own (an NDJSON line), where only the depth matters."""
    try:
        count = json_shape(text, max_depth)
    except TooDeep as exc:
        raise ParseError("body", str(exc)) from None
    if max_bulletins is not None:
        _check_count(count, max_bulletins)


def _check_count(count: int, max_bulletins: int) -> None:
    if count > max_bulletins:
        raise ParseError("body", f"more than {max_bulletins} bulletins in one request", status=413)


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
    except ValueError as exc:  # numbers past Python's 4,300-digit conversion limit
        raise ParseError("body", f"malformed JSON: {str(exc)[:80]}") from exc
    records = value if isinstance(value, list) else [value]
    return [_validate(i, _with_source(record, source)) for i, record in enumerate(records)]


_LINE_END = re.compile(r"\r\n|\r|\n")


def ndjson_lines(text: str) -> list[tuple[int, str]]:
    """The records of an NDJSON body with their line numbers (from 1, blank lines counted, as an editor shows
    them). Lines end at LF, CR LF or CR, which JSON never holds raw: str.splitlines would also cut at U+2028 and
    other separators that JSON allows inside strings."""
    return [(number, line) for number, line in enumerate(_LINE_END.split(text), start=1) if line.strip()]


def _parse_ndjson(lines: list[tuple[int, str]], source: str | None) -> Parsed:
    out: Parsed = []
    for index, (number, line) in enumerate(lines):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append(Rejected(index, [{"field": "body", "reason": f"line {number}: malformed JSON: {exc.msg}"}]))
            continue
        except ValueError as exc:
            out.append(Rejected(index, [{"field": "body", "reason": f"line {number}: {str(exc)[:80]}"}]))
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
    try:
        items = bulletin.all_items()
    except ValidationError as exc:  # the lead becomes item 0 and is validated as an item only then
        return Rejected(index, [{"field": "lead", "reason": exc.errors()[0].get("msg", "invalid")}])
    if not items:
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
