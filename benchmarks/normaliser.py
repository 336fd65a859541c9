"""Scenario 2, the normaliser alone: items/s on one core, in a process of its own, of Normalizer.normalize on
bulletins of 10 items (the stage's work) and of Normalizer.analyze on one item at a time (the per-item percentiles).

Run as `python -m benchmarks.normaliser ITEMS.json` it loads the normaliser, prints a `ready` line with its memory,
analyses the items and prints the timings; the parent measures start-up from launch to the `ready` line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

BULLETIN_ITEMS = 10  # items per bulletin, as the normalize stage scenario sends them
WARM_UP = 500  # items analysed before anything is timed


def memory_mb() -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of this process, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def _child(items_path: str) -> None:
    started = time.perf_counter()
    from datetime import UTC, date, datetime

    from services.normalize.normalizer import Normalizer
    from services.normalize.workers import keep_out_of_collections

    imported = time.perf_counter()
    normalizer = Normalizer()
    keep_out_of_collections()  # as the services do
    loaded = time.perf_counter()
    ready = {"import_s": imported - started, "load_s": loaded - imported, **memory_mb()}
    print("ready " + json.dumps(ready), flush=True)
    texts = json.loads(Path(items_path).read_text(encoding="utf-8"))
    reference = date(2022, 3, 31)
    for text in texts[:WARM_UP]:  # the lookup caches a long-running worker has warm, for both timed passes
        normalizer.analyze(text, reference, None)
    timings = []
    for text in texts:
        t0 = time.perf_counter()
        normalizer.analyze(text, reference, None)
        timings.append(time.perf_counter() - t0)
    after = memory_mb()  # before the events below are built, which are the benchmark's and not the normaliser's
    # The same texts as the stage gets them: bulletins of 10, each read as a whole first (its scene), then its
    # items analysed and made into events. The stage's ratio is taken to this, the same work without transport.
    from benchmarks.inputs import bulletins
    from benchmarks.stages import received_events

    events = received_events(bulletins(texts, BULLETIN_ITEMS, "normaliser"))
    recorded_at = datetime.now(UTC)
    t0 = time.perf_counter()
    for event in events:
        normalizer.normalize(event, recorded_at)
    whole = time.perf_counter() - t0
    print(json.dumps({"timings": timings, "bulletins_s": whole, "after": after}), flush=True)


def run(texts: list[str], cache_dir: Path, workdir: Path) -> dict:
    """Start a child with WIRELOG_CACHE_DIR=cache_dir, analyse `texts` in it; figures of that one run."""
    items_path = workdir / "normaliser-items.json"
    items_path.write_text(json.dumps(texts), encoding="utf-8")
    env = {**os.environ, "WIRELOG_CACHE_DIR": str(cache_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.normaliser", str(items_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    ready_line = child.stdout.readline()
    startup_s = time.perf_counter() - started
    if not ready_line.startswith("ready "):
        child.wait()
        raise RuntimeError(f"normaliser child failed to start (exit {child.returncode})")
    ready = json.loads(ready_line.removeprefix("ready "))
    result = json.loads(child.stdout.readline())
    child.wait()
    return {"startup_s": startup_s, **ready, **result}


if __name__ == "__main__":
    _child(sys.argv[1])
