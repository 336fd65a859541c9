"""`make eval`: runs each area's evaluation against the gold corpora and prints their reports."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

AREAS = ("time", "places", "actors")


def run(corpus: str, only: str | None = None) -> int:
    from services.normalize.normalizer import Normalizer

    corpus_dir = Path(corpus)
    if not (corpus_dir / "dev").is_dir():
        print(f"no corpus at {corpus_dir.resolve()} (expected dev/*.jsonl): pass --corpus PATH or CORPUS=PATH")
        return 2
    started = time.perf_counter()
    normalizer = Normalizer()
    print(f"normaliser {normalizer.version} loaded in {time.perf_counter() - started:.2f}s\n")
    for area in AREAS if only is None else (only,):
        module = importlib.import_module(f"services.normalize.evaluation.{area}")
        print(f"== {area} ==")
        print(module.evaluate(corpus_dir, normalizer))
        print()
    return 0
