"""`wirelog push`: sends bulletin files to the ingest endpoint and prints what happened to each."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import httpx

from services.common.settings import Settings

CONTENT_TYPES = {
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".jsonl": "application/x-ndjson",
    ".txt": "text/plain",
}


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in CONTENT_TYPES)
        else:
            found.append(path)
    return found


def push_paths(paths: list[str], url: str | None = None, source: str | None = None) -> int:
    settings = Settings()
    base = url or f"http://{settings.ingest_host}:{settings.ingest_port}"
    totals: Counter[str] = Counter()
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in ([Path("-")] if paths == ["-"] else _files(paths)):
            body = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "text/plain")
            if str(path) == "-":
                content_type = "application/json" if body.lstrip()[:1] in (b"{", b"[") else "text/plain"
            params = {"source": source or path.stem or "stdin"}
            try:
                response = client.post(
                    "/v1/bulletins", content=body, headers={"Content-Type": content_type}, params=params
                )
                answer = response.json()
            except httpx.HTTPError as exc:
                print(f"{path}: not sent: {exc} (is ingest running at {base}?)", file=sys.stderr)
                return 2
            except ValueError:
                print(f"{path}: {response.status_code}, answer is not JSON", file=sys.stderr)
                return 2
            if "results" not in answer:
                totals["rejected"] += 1
                print(f"{path}: {response.status_code} {answer.get('error', answer)}")
                continue
            for result in answer["results"]:
                totals[result["status"]] += 1
                detail = result.get("bulletin_id") or result.get("errors")
                print(f"{path}[{result['index']}]: {result['status']} {detail}")
    print(f"accepted {totals['accepted']}, duplicates {totals['duplicate']}, rejected {totals['rejected']}")
    return 1 if totals["rejected"] else 0
