"""Scores place recognition, resolution and event location against the gold corpora (part of `make eval`)."""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.normalize.batch import analyze_record
from services.normalize.evaluation import speed_line
from services.normalize.normalizer import Normalizer
from services.normalize.places import BulletinContext, Gazetteer, find_places
from services.normalize.places.resolve import candidates, recognise

DEFAULT_CORPUS = Path("/work/shared/corpus")
RESOLVED_KM = 161.0
EVENT_KM = 50.0
F1_TARGET = 0.80
ACCURACY_TARGET = 0.90


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def match_overlapping(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of gold and predicted spans that overlap, each gold taken by its first overlapping guess."""
    pairs, used = [], set()
    for g in gold:
        for i, p in enumerate(predicted):
            if i not in used and p["start"] < g["end"] and g["start"] < p["end"]:
                pairs.append((g, p))
                used.add(i)
                break
    return pairs


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _ratio(n: float, d: float) -> float:
    return n / d if d else 0.0


def _met(value: float, target: float) -> str:
    """Judged on the unrounded value: 0.8996 prints as 0.900 but misses 0.90."""
    return "met" if value >= target else "not met"


def passed_over(text: str, predicted: dict, gold: dict, gazetteer: Gazetteer) -> bool:
    """True when the name had a reading within RESOLVED_KM of the gold point that the resolver did not choose (the
    error is the ranking's); False when it had none (a place the index lacks, or a country or region whose gold
    point follows another convention than GeoNames' or its own)."""
    span = next((s for s in recognise(text, gazetteer) if (s.start, s.end) == (predicted["start"], predicted["end"])),
                None)
    return span is not None and any(
        distance_km(gold["lat"], gold["lon"], place.lat, place.lon) <= RESOLVED_KM
        for place, _ in candidates(span, gazetteer))


def score_geo(path: Path, normalizer: Normalizer) -> dict[str, float]:
    gold_n = predicted_n = matched_n = 0
    within = exact = exact_n = ranking = 0
    errors: list[float] = []
    for record in _records(path):
        predicted = analyze_record(record, normalizer)["places"]
        gold = record["places"]
        pairs = match_overlapping(gold, predicted)
        gold_n, predicted_n, matched_n = gold_n + len(gold), predicted_n + len(predicted), matched_n + len(pairs)
        for g, p in pairs:
            if g.get("lat") is None or p.get("lat") is None:
                continue
            error = distance_km(g["lat"], g["lon"], p["lat"], p["lon"])
            errors.append(error)
            within += error <= RESOLVED_KM
            if error > RESOLVED_KM:
                ranking += passed_over(record["text"], p, g, normalizer.gazetteer)
            if g.get("geonameid"):
                exact_n += 1
                exact += g["geonameid"] == p.get("geonames_id")
    precision, recall = _ratio(matched_n, predicted_n), _ratio(matched_n, gold_n)
    return {
        "gold": gold_n,
        "predicted": predicted_n,
        "matched": matched_n,
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "accuracy_161km": _ratio(within, len(errors)),
        "errors": len(errors) - within,
        "passed_over": ranking,
        # What a perfect choice among the index's readings of the recognised names would reach.
        "ceiling_161km": _ratio(within + ranking, len(errors)),
        "geonames_exact": _ratio(exact, exact_n),
        "mean_error_km": _ratio(sum(errors), len(errors)),
    }


def score_events(path: Path, normalizer: Normalizer) -> dict[str, float]:
    total = hits = located = 0
    for record in _records(path):
        if not record.get("location_in_text"):
            continue
        total += 1
        chosen = analyze_record(record, normalizer)["event_location"]
        gold = record["location"]
        if chosen is None or chosen.get("lat") is None:
            continue
        located += 1
        hits += distance_km(gold["lat"], gold["lon"], chosen["lat"], chosen["lon"]) <= EVENT_KM
    return {"records": total, "located": located, "accuracy_50km": _ratio(hits, total)}


def places_speed(path: Path, gazetteer: Gazetteer) -> str:
    """find_places on each text read as an item of its own (its context built from it), as the stage does."""
    texts = [record["text"] for record in _records(path)]
    return speed_line("find_places", texts,
                      lambda text: find_places(text, gazetteer, BulletinContext.from_texts([text], gazetteer)),
                      sum(map(len, texts)))


def evaluate(corpus_dir: Path, normalizer: Normalizer) -> str:
    started = time.perf_counter()
    geo = score_geo(corpus_dir / "dev" / "geo.jsonl", normalizer)
    events = score_events(corpus_dir / "dev" / "events.jsonl", normalizer)
    scored = time.perf_counter() - started
    return "\n".join(
        [
            "places (dev/geo.jsonl)",
            f"  recognition  P {geo['precision']:.3f}  R {geo['recall']:.3f}  F1 {geo['f1']:.3f}"
            f"  (gold {geo['gold']}, predicted {geo['predicted']}, matched {geo['matched']};"
            f" target F1 >= {F1_TARGET:.2f}: {_met(geo['f1'], F1_TARGET)})",
            f"  resolution   acc@161km {geo['accuracy_161km']:.3f}  geonames id exact {geo['geonames_exact']:.3f}"
            f"  mean error {geo['mean_error_km']:.0f} km  (acc@161km {geo['accuracy_161km']:.4f};"
            f" target >= {ACCURACY_TARGET:.2f}: {_met(geo['accuracy_161km'], ACCURACY_TARGET)})",
            f"  misses       {geo['errors']} beyond {RESOLVED_KM:.0f} km: {geo['passed_over']} where the index had a"
            f" reading within {RESOLVED_KM:.0f} km (the ranking's),"
            f" {geo['errors'] - geo['passed_over']} where it had none",
            "               (a place it lacks, or an area whose gold point follows another convention);"
            f" the best choice among its readings would reach {geo['ceiling_161km']:.3f}",
            "event location (dev/events.jsonl, location_in_text)",
            f"  acc@50km {events['accuracy_50km']:.3f}  ({events['records']} records, {events['located']} located)",
            f"  ({scored:.1f} s)",
            places_speed(corpus_dir / "dev" / "geo.jsonl", normalizer.gazetteer) + " (target under 0.5 ms)",
        ]
    )


USAGE = f"""usage: python -m services.normalize.evaluation.places [CORPUS_DIR]

Scores places on CORPUS_DIR/dev/geo.jsonl (recognition P/R/F1, acc@{RESOLVED_KM:.0f}km, GeoNames id, mean error) and
CORPUS_DIR/dev/events.jsonl (event location acc@{EVENT_KM:.0f}km). CORPUS_DIR defaults to {DEFAULT_CORPUS}."""


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    corpus_dir = Path(argv[0]) if argv else DEFAULT_CORPUS
    print(evaluate(corpus_dir, Normalizer()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
