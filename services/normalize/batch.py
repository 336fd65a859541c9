"""normalize-file: the batch interface to the normaliser (JSON lines in, JSON lines out), used by `make eval`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TextIO

from services.normalize.normalizer import Normalizer


def _reference_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value)[:10])


def analyze_record(record: dict[str, Any], normalizer: Normalizer) -> dict[str, Any]:
    """Everything the normaliser produces for one `{"id", "text", "reference_date"}` record."""
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("field 'text' must be a string")
    analysis = normalizer.analyze(text, _reference_date(record.get("reference_date")), normalizer.context_for([text]))
    return {
        "id": record.get("id"),
        "dates": [d.model_dump(mode="json") for d in analysis.dates],
        "places": [p.model_dump(mode="json") for p in analysis.places],
        "actors": [a.model_dump(mode="json") for a in analysis.actors],
        "event_date": analysis.event_date.model_dump(mode="json") if analysis.event_date else None,
        "event_location": analysis.event_location.model_dump(mode="json") if analysis.event_location else None,
        "normalizer_version": normalizer.version,
    }


def analyze_lines(lines: Iterable[str], normalizer: Normalizer) -> Iterator[dict[str, Any]]:
    """One output per non-blank input line; a bad line yields an `error` object instead of stopping the run."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            yield analyze_record(record, normalizer)
        except (ValueError, TypeError) as exc:
            yield {"id": None, "line": number, "error": str(exc)}


def run(stdin: TextIO, stdout: TextIO, normalizer: Normalizer | None = None) -> int:
    normalizer = normalizer or Normalizer()
    failures = 0
    for result in analyze_lines(stdin, normalizer):
        failures += "error" in result
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if failures else 0
