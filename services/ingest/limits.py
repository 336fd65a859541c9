"""Ingest's guards on a pushed body and its bulletins, checked before they cost memory or reach the log; pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from schemas import Bulletin
from services.ingest.identity import reference_date

# The one rule for text: no control characters (C0, DEL, C1) and no lone surrogates, which cannot be stored
# as UTF-8; only the lead and item texts may hold tab, line feed and carriage return. Refused, never cleaned:
# a changed text would change the bulletin's content id.
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
FORBIDDEN_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A JSON string (skipped, so that brackets and commas inside it are not counted as structure) or a bracket or
# comma. An unterminated string runs to the end of the text in one match: each token is read once, so the scan
# is linear whatever the body (a pattern that needs the closing quote retries from every later quote).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|([\[\]{},])', re.DOTALL)


@dataclass(frozen=True)
class Limits:
    max_items_per_bulletin: int = 1000
    max_item_chars: int = 100_000
    max_published_age_days: int = 36_500
    max_published_ahead_days: int = 2


class TooDeep(ValueError):
    pass


def json_shape(text: str, max_depth: int) -> int:
    """Top-level element count of a JSON text (1 for a non-array); raises TooDeep past `max_depth`.

    Runs before json.loads, which would otherwise recurse once per bracket (100,000 nested brackets
    crash it) and build every element of a huge array before the batch limit could be checked.
    """
    depth, top_level, top_is_array = 0, 0, False
    for match in _JSON_TOKEN.finditer(text):
        char = match.group(1)
        if char is None:  # a string
            continue
        if char in "[{":
            if depth == 0:
                top_is_array = char == "["
            depth += 1
            if depth > max_depth:
                raise TooDeep(f"JSON nested deeper than {max_depth} levels")
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 1 and top_is_array:
            top_level += 1
    return top_level + 1 if top_is_array else 1


def bulletin_problems(bulletin: Bulletin, limits: Limits, today: date) -> list[dict[str, str]]:
    """What makes an otherwise valid bulletin unacceptable, each naming its field; empty when none."""
    items = bulletin.all_items()
    if len(items) > limits.max_items_per_bulletin:
        return [{"field": "items", "reason": f"more than {limits.max_items_per_bulletin} items"}]
    problems = [*_text_problems(bulletin), *_date_problems(bulletin, limits, today)]
    for position, entry in enumerate(items):
        if len(entry.text) > limits.max_item_chars:
            reason = f"longer than {limits.max_item_chars} characters"
            problems.append({"field": f"items.{position}.text", "reason": reason})
            break
    return problems


def _text_problems(bulletin: Bulletin) -> list[dict[str, str]]:
    fields: list[tuple[str, str | None, re.Pattern[str]]] = [
        ("external_id", bulletin.external_id, FORBIDDEN_IN_LINE),
        ("url", bulletin.url, FORBIDDEN_IN_LINE),
        ("language", bulletin.language, FORBIDDEN_IN_LINE),
        ("lead", bulletin.lead, FORBIDDEN_IN_TEXT),
    ]
    fields += [(f"items.{i}.label", item.label, FORBIDDEN_IN_LINE) for i, item in enumerate(bulletin.items)]
    fields += [(f"items.{i}.text", item.text, FORBIDDEN_IN_TEXT) for i, item in enumerate(bulletin.items)]
    for name, value, forbidden in fields:
        if value and (found := forbidden.search(value)):
            reason = f"control character or lone surrogate U+{ord(found.group()):04X} at offset {found.start()}"
            return [{"field": name, "reason": reason}]
    return []


def _date_problems(bulletin: Bulletin, limits: Limits, today: date) -> list[dict[str, str]]:
    day = reference_date(bulletin.published_at)
    earliest = today - timedelta(days=limits.max_published_age_days)
    latest = today + timedelta(days=limits.max_published_ahead_days)
    if day < earliest:
        return [{"field": "published_at", "reason": f"before {earliest.isoformat()}: too far in the past"}]
    if day > latest:
        return [{"field": "published_at", "reason": f"after {latest.isoformat()}: too far in the future"}]
    return []
