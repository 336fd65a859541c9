"""`wirelog push`: sends bulletin files and feeds to the ingest endpoint and prints what happened to each."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from services.common.settings import Settings

CONTENT_TYPES = {
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".jsonl": "application/x-ndjson",
    ".txt": "text/plain",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
}
# Past this many bytes in all, a progress bar shows on the terminal.
LARGE_INPUT_BYTES = 1_000_000
# NDJSON files go in slices small enough for any sane body limit, so a huge file is not one refused request.
NDJSON_SLICE_LINES = 500
NDJSON_SLICE_BYTES = 1_000_000


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in CONTENT_TYPES)
        else:
            found.append(path)
    return found


def _sniff(body: bytes) -> str:
    start = body.lstrip()[:1]
    if start in (b"{", b"["):
        return "application/json"
    return "application/xml" if start == b"<" else "text/plain"


def requests_for(name: str, body: bytes) -> Iterator[tuple[str, bytes]]:
    """(content type, body) pairs to send for one input; NDJSON is sliced, everything else goes whole."""
    content_type = _sniff(body) if name == "-" else CONTENT_TYPES.get(Path(name).suffix.lower(), "text/plain")
    if content_type != "application/x-ndjson":
        yield content_type, body
        return
    lines: list[bytes] = []
    size = 0
    for line in body.splitlines(keepends=True):
        if lines and (len(lines) >= NDJSON_SLICE_LINES or size + len(line) > NDJSON_SLICE_BYTES):
            yield content_type, b"".join(lines)
            lines, size = [], 0
        lines.append(line)
        size += len(line)
    if lines:
        yield content_type, b"".join(lines)


def push_paths(paths: list[str], url: str | None = None, source: str | None = None) -> int:
    settings = Settings()
    base = url or f"http://{settings.ingest_host}:{settings.ingest_port}"
    headers = {"Authorization": f"Bearer {settings.push_token.get_secret_value()}"} if settings.push_token else {}
    inputs = [Path("-")] if paths == ["-"] else _files(paths)
    missing = [str(path) for path in inputs if str(path) != "-" and not path.exists()]  # pipes and /dev/stdin are fine
    if missing:  # checked before anything is sent: a typo never leaves a push half done
        print(f"{missing[0]}: no such file" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
              file=sys.stderr)
        return 2
    total = sum(p.stat().st_size for p in inputs if str(p) != "-" and p.is_file())
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    bar = tqdm(total=total, unit="B", unit_scale=True, disable=total < LARGE_INPUT_BYTES or None, file=sys.stderr)
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client, bar:
        for path in inputs:
            body = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
            params = {"source": source or path.stem or "stdin"}
            lines_before = records_before = 0  # in the file, before this NDJSON slice
            for content_type, part in requests_for(str(path), body):
                try:
                    response = client.post(
                        "/v1/bulletins", content=part, headers={"Content-Type": content_type}, params=params
                    )
                    answer = response.json()
                except httpx.HTTPError as exc:
                    print(f"{path}: not sent: {exc} (is ingest running at {base}?)", file=sys.stderr)
                    return 2
                except ValueError:
                    print(f"{path}: {response.status_code}, answer is not JSON", file=sys.stderr)
                    return 2
                _report(path, response.status_code, in_file(answer, lines_before, records_before), totals, reasons,
                        quiet=not bar.disable)
                bar.update(len(part))
                lines = part.splitlines()
                lines_before += len(lines)
                records_before += sum(1 for line in lines if line.strip())
    print(f"accepted {totals['accepted']}, duplicates {totals['duplicate']}, rejected {totals['rejected']}")
    for reason, count in reasons.most_common():
        print(f"  rejected {count}: {reason}")
    return 1 if totals["rejected"] else 0


_LINE = re.compile(r"^line (\d+):")


def in_file(answer: Any, lines_before: int, records_before: int) -> Any:
    """An answer to one NDJSON slice, with its indexes and line numbers counted in the whole file."""
    if not (lines_before or records_before) or not isinstance(answer, dict) or "results" not in answer:
        return answer
    results = []
    for result in answer["results"]:
        errors = [
            {**error, "reason": _LINE.sub(lambda m: f"line {int(m.group(1)) + lines_before}:", error["reason"])}
            if isinstance(error, dict) and isinstance(error.get("reason"), str) else error
            for error in result.get("errors", [])
        ]
        results.append({**result, "index": result["index"] + records_before, **({"errors": errors} if errors else {})})
    return {**answer, "results": results}


def _report(path: Path, status: int, answer: Any, totals: Counter, reasons: Counter, quiet: bool) -> None:
    """One line per bulletin, except accepted ones while a progress bar runs; reasons are also tallied."""
    if not isinstance(answer, dict) or "results" not in answer:
        error = answer.get("error", answer) if isinstance(answer, dict) else answer
        totals["rejected"] += 1
        reasons[f"{status} {_reason(error)}"] += 1
        tqdm.write(f"{path}: {status} {error}")
        return
    for result in answer["results"]:
        totals[result["status"]] += 1
        if result["status"] == "rejected":
            for error in result.get("errors", []):
                reasons[_reason(error)] += 1
        elif quiet:
            continue
        detail = result.get("bulletin_id") or result.get("errors")
        tqdm.write(f"{path}[{result['index']}]: {result['status']} {detail}")


def _reason(error: Any) -> str:
    if isinstance(error, dict) and "field" in error:
        return f"{error['field']}: {error.get('reason', '')}"
    return str(error)
