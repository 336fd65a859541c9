"""Scenario 5, ingest over HTTP: requests/s, items/s and p50/p99 latency, single bulletins and batches of 100."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.inputs import bulletins, items
from benchmarks.load import run_load
from benchmarks.report import percentile
from benchmarks.services import ServiceProcesses

# Single: one bulletin of one ~300-character item per request. Batch: a JSON array of 100 such bulletins.
MODES = {"single": 1, "batch100": 100}


def bodies(pool: list[str], mode: str, requests: int, tag: str) -> list[str]:
    per_request = MODES[mode]
    records = bulletins(items(pool, requests * per_request), 1, tag)
    if per_request == 1:
        return [json.dumps(record) for record in records]
    return [json.dumps(records[n : n + per_request]) for n in range(0, len(records), per_request)]


def measure(redis_url: str, workdir: Path, pool: list[str], rep: int, duration: float) -> dict[str, dict]:
    """One repetition: a fresh ingest process, then each mode for about `duration` seconds."""
    # No normalize runs here, so the whole raw log counts as backlog: lift the limit rather than measure 503s.
    unlimited = {"WIRELOG_MAX_RAW_BACKLOG": "0"}
    with ServiceProcesses(redis_url, workdir, f"bench-ingest-{rep}", ("ingest",), unlimited) as services:
        figures = {}
        for mode, per_request in MODES.items():
            expected = int(duration * (2000 if per_request == 1 else 40))  # more than one worker can answer
            outcome = run_load(
                f"{services.ingest_url}/v1/bulletins", bodies(pool, mode, expected, f"{rep}-{mode}"), workdir,
                concurrency=4, duration=duration,
            )
            results = outcome["results"]
            bad = [r for r in results if r["status"] != 202]
            if bad:
                raise RuntimeError(f"ingest answered {bad[0]['status']} to {len(bad)} of {len(results)} requests")
            latencies = [r["latency_s"] * 1000 for r in results]
            figures[mode] = {
                "requests_per_s": len(results) / outcome["seconds"],
                "items_per_s": len(results) * per_request / outcome["seconds"],
                "p50_ms": percentile(latencies, 0.5),
                "p99_ms": percentile(latencies, 0.99),
                "rss_mb": services.memory_mb("ingest")["VmHWM"],
            }
        return figures
