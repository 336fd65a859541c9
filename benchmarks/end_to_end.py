"""Scenario 6, end to end: the three services as processes; items/s into the store, ingest-to-stored latency.

When an item is stored is read from the store's own SQLite file (WAL mode lets a reader look while the store
writes): a watcher thread polls the live items table every few milliseconds for rows added since its last look
and notes, per bulletin, the moment its last item appeared. Latency is that moment minus the moment the load
generator was scheduled to send the bulletin, so it includes ingest, both stages and the store's commit; the
polling adds at most one interval (POLL_S) to each figure.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from benchmarks.inputs import bulletins, items
from benchmarks.load import run_load
from benchmarks.report import percentile
from benchmarks.services import ServiceProcesses

POLL_S = 0.005
ITEMS_PER_BULLETIN = 10


class StoredWatcher(threading.Thread):
    """Notes when each bulletin's items are all in the store's live table."""

    def __init__(self, store_path: Path, expected_items: int) -> None:
        super().__init__(daemon=True)
        self.store_path = store_path
        self.expected_items = expected_items
        self.counts: dict[str, int] = {}
        self.complete_at: dict[str, float] = {}
        self.stored = 0
        self.last_stored_at = 0.0
        self.finished = threading.Event()
        self._stop = threading.Event()

    def run(self) -> None:
        db = sqlite3.connect(f"file:{self.store_path}?mode=ro", uri=True, timeout=30)
        try:
            generation = db.execute("SELECT live_generation FROM wirelog_meta WHERE id = 1").fetchone()[0]
            last_rowid = 0
            while not self._stop.is_set() and self.stored < self.expected_items:
                rows = db.execute(
                    f"SELECT rowid, bulletin_id FROM items_g{generation} WHERE rowid > ? ORDER BY rowid", (last_rowid,)
                ).fetchall()
                now = time.time()
                for rowid, bulletin_id in rows:
                    count = self.counts[bulletin_id] = self.counts.get(bulletin_id, 0) + 1
                    if count == ITEMS_PER_BULLETIN:
                        self.complete_at[bulletin_id] = now
                    last_rowid = rowid
                if rows:
                    self.stored += len(rows)
                    self.last_stored_at = now
                time.sleep(POLL_S)
        finally:
            db.close()
            self.finished.set()

    def stop(self) -> None:
        self._stop.set()


def _bodies(pool: list[str], count: int, tag: str, bulletins_per_request: int) -> list[str]:
    records = bulletins(items(pool, count), ITEMS_PER_BULLETIN, tag)
    return [json.dumps(records[n : n + bulletins_per_request]) for n in range(0, len(records), bulletins_per_request)]


def _drive(
    services: ServiceProcesses, workdir: Path, bodies: list[str], expected: int, **load: object
) -> tuple[dict, StoredWatcher]:
    watcher = StoredWatcher(services.store_path, expected)
    watcher.start()
    outcome = run_load(f"{services.ingest_url}/v1/bulletins", bodies, workdir, **load)  # type: ignore[arg-type]
    bad = [r for r in outcome["results"] if r["status"] != 202]
    if bad:
        watcher.stop()
        raise RuntimeError(f"ingest answered {bad[0]['status']} to {len(bad)} requests")
    if not watcher.finished.wait(timeout=120 + expected / 50):
        watcher.stop()
        raise RuntimeError(f"only {watcher.stored} of {expected} items reached the store")
    return outcome, watcher


def sustained(redis_url: str, workdir: Path, pool: list[str], count: int, tag: str, env: dict | None = None) -> dict:
    """Push `count` items as fast as ingest takes them (10 bulletins of 10 items a request); items/s into the store."""
    count -= count % ITEMS_PER_BULLETIN
    with ServiceProcesses(redis_url, workdir, f"bench-e2e-{tag}", ("ingest", "normalize", "store"), env) as services:
        outcome, watcher = _drive(services, workdir, _bodies(pool, count, tag, 10), count, concurrency=2, duration=1e9)
        first_sent = min(r["sent_at"] for r in outcome["results"])
        return {
            "items_per_s": count / (watcher.last_stored_at - first_sent),
            "push_items_per_s": count / outcome["seconds"],
            "normalize_hwm_mb": (memory := services.tree_memory_mb("normalize"))["max_hwm"],
            "normalize_pss_mb": memory["pss_total"],
            "normalize_processes": memory["processes"],
        }


def latency(
    redis_url: str, workdir: Path, pool: list[str], seconds: float, rate_items: float, tag: str, env: dict | None = None
) -> dict:
    """One bulletin of 10 items a request at `rate_items` items/s for `seconds`; ingest-to-stored per bulletin."""
    count = int(seconds * rate_items) // ITEMS_PER_BULLETIN * ITEMS_PER_BULLETIN
    with ServiceProcesses(redis_url, workdir, f"bench-lat-{tag}", ("ingest", "normalize", "store"), env) as services:
        outcome, watcher = _drive(
            services, workdir, _bodies(pool, count, tag, 1), count, concurrency=8, rate=rate_items / ITEMS_PER_BULLETIN
        )
        latencies = [
            (watcher.complete_at[bulletin_id] - r["sent_at"]) * 1000
            for r in outcome["results"]
            for bulletin_id in r["bulletin_ids"]
        ]
        return {"p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99), "count": len(latencies)}
