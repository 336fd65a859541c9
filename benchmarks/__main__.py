"""`make bench`: normaliser alone, replay normalize and store rebuild on a Redis server of its own.

Input is item text cut from the corpus bulletins (~300 characters), or generated text when the corpus is absent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from schemas import Bulletin
from services.common.embedded import EmbeddedRedis
from services.common.eventlog import encode
from services.common.redis import sync_client
from services.common.settings import Settings
from services.ingest.identity import bulletin_received


def corpus_items(corpus: Path, count: int) -> list[str]:
    texts = []
    for path in sorted((corpus / "bulletins").glob("*.txt")):
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        texts += [text[i : i + 300] for i in range(0, len(text) - 300, 300)]
    if not texts:
        texts = [f"Officials said on Monday that shelling near Kharkiv damaged {n} homes, the governor said." for n in range(500)]
    return [texts[i % len(texts)] for i in range(count)]


def bench_normalizer(items: list[str]) -> dict:
    from services.normalize.normalizer import Normalizer

    started = time.perf_counter()
    normalizer = Normalizer()
    load_s = time.perf_counter() - started
    reference = datetime(2022, 3, 31).date()
    timings = []
    for text in items:
        t0 = time.perf_counter()
        normalizer.analyze(text, reference, None)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    return {
        "items": len(items),
        "load_s": round(load_s, 3),
        "items_per_s": round(len(items) / sum(timings)),
        "p50_ms": round(statistics.median(timings) * 1000, 3),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 3),
    }


def fill_raw(settings: Settings, items: list[str], per_bulletin: int = 100) -> None:
    redis = sync_client(settings.redis_url)
    now = datetime.now(UTC)
    pipe = redis.pipeline(transaction=False)
    for n in range(0, len(items), per_bulletin):
        chunk = [{"text": text} for text in items[n : n + per_bulletin]]
        bulletin = Bulletin.model_validate(
            {"source": "bench", "external_id": str(n), "published_at": "2022-03-31", "items": chunk}
        )
        pipe.xadd(settings.streams.raw, encode(bulletin_received(bulletin, now)))
        if len(pipe) >= 50:
            pipe.execute()
    pipe.execute()


def bench_replay(settings: Settings, items: list[str]) -> dict:
    from services.operations.replay import rebuild_store, replay_normalize

    fill_raw(settings, items)
    started = time.perf_counter()
    counts = asyncio.run(replay_normalize(settings, "-", "+", batch=50, resume=False))
    normalize_s = time.perf_counter() - started
    started = time.perf_counter()
    rebuilt = rebuild_store(settings, batch=1000, resume=False)
    rebuild_s = time.perf_counter() - started
    return {
        "replay_normalize": {"items": counts["written"], "seconds": round(normalize_s, 1), "items_per_s": round(counts["written"] / normalize_s)},
        "rebuild_store": {"events": rebuilt["read"], "seconds": round(rebuild_s, 1), "events_per_s": round(rebuilt["read"] / rebuild_s)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--items", type=int, default=100_000, help="items for replay and rebuild")
    parser.add_argument("--normalizer-items", type=int, default=3000)
    parser.add_argument("--report", default="bench-report.json")
    args = parser.parse_args()
    report: dict = {"when": datetime.now(UTC).isoformat()}
    report["normalizer"] = bench_normalizer(corpus_items(Path(args.corpus), args.normalizer_items))
    print("normaliser alone:", report["normalizer"], flush=True)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp) / "redis") as server:
        settings = Settings(redis_url=server.url, store_url=f"sqlite:///{tmp}/store.db")
        report.update(bench_replay(settings, corpus_items(Path(args.corpus), args.items)))
    print("replay normalize:", report["replay_normalize"])
    print("rebuild store:   ", report["rebuild_store"])
    Path(args.report).write_text(json.dumps(report, indent=2))
    print(f"report written to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
