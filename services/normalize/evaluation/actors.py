"""Scores actor recognition (`make eval`): the seed bulletin's actors, our gold file, and country/sector coverage
of the actor names coded in the dev events."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from services.normalize.actors import find_actors
from services.normalize.batch import analyze_record
from services.normalize.normalizer import Normalizer

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "actors"
DEFAULT_CORPUS = Path("/work/shared/corpus")


def seed_items(path: Path) -> list[dict[str, Any]]:
    """The bulletin's lead sentence and items as `normalize-file` records (labels dropped, texts kept)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    _, reference_date, lead = lines[0].strip().split(" ", 2)
    texts = [lead] + [line[2:].split(": ", 1)[-1] for line in lines[1:] if line.startswith("- ")]
    return [{"id": f"seed:{n}", "text": t, "reference_date": reference_date} for n, t in enumerate(texts)]


def _fits(actor: dict[str, Any], want: dict[str, Any]) -> bool:
    same_id = actor["actor_id"] == want["id"] if "id" in want else actor["actor_id"].startswith(want["id_prefix"])
    return actor["surface"] == want["surface"] and same_id and actor["sector"] == want["sector"] and (
        actor["country"] == want["country"]
    )


def score_seed(corpus_dir: Path, normalizer: Normalizer) -> tuple[int, int, list[str]]:
    found = [a for r in seed_items(corpus_dir / "seed" / "bulletin-2022-03-31.txt")
             for a in analyze_record(r, normalizer)["actors"]]
    expected = json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))["expected"]
    missing = [w["surface"] for w in expected if not any(_fits(a, w) for a in found)]
    return len(expected) - len(missing), len(expected), missing


def score_gold(path: Path, normalizer: Normalizer) -> dict[str, float]:
    tp = fp = fn = same_id = same_country_sector = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold = {(a["start"], a["end"]): a for a in record["actors"]}
        predicted = {(a["start"], a["end"]): a for a in analyze_record(record, normalizer)["actors"]}
        for span, actor in predicted.items():
            if span in gold:
                tp += 1
                same_id += actor["actor_id"] == gold[span]["actor_id"]
                same_country_sector += (actor["country"], actor["sector"]) == (gold[span]["country"], gold[span]["sector"])
            else:
                fp += 1
        fn += len(gold.keys() - predicted.keys())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gold": tp + fn, "predicted": tp + fp, "precision": precision, "recall": recall, "f1": f1,
        "id_accuracy": same_id / tp if tp else 0.0, "country_sector_accuracy": same_country_sector / tp if tp else 0.0,
    }


def score_event_actors(path: Path, normalizer: Normalizer) -> tuple[int, int, dict[str, int]]:
    """Coded actor names ("Government of Ukraine", "DPR") mapped through the dictionary: how many get both."""
    dictionary = normalizer.actor_dictionary
    total = covered = 0
    unmapped: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for name in json.loads(line).get("actors", []):
            total += 1
            entry = dictionary.lookup(name)
            country, sector = (entry.country, entry.sector) if entry else (None, None)
            if entry is None and (mentions := find_actors(name, [], dictionary)):
                country, sector = mentions[0].country, mentions[0].sector
            if country and sector:
                covered += 1
            else:
                unmapped[name] = unmapped.get(name, 0) + 1
    return covered, total, unmapped


def evaluate(corpus_dir: Path, normalizer: Normalizer) -> str:
    found, expected, missing = score_seed(corpus_dir, normalizer)
    gold = score_gold(FIXTURES / "gold.jsonl", normalizer)
    covered, total, unmapped = score_event_actors(corpus_dir / "dev" / "events.jsonl", normalizer)
    lines = [
        "actors",
        f"  seed bulletin: {found}/{expected} expected actors with the right id, sector and country"
        + (f" (missing: {', '.join(missing)})" if missing else ""),
        f"  gold ({gold['gold']} mentions, {gold['predicted']} predicted): P {gold['precision']:.3f}  "
        f"R {gold['recall']:.3f}  F1 {gold['f1']:.3f}  id accuracy {gold['id_accuracy']:.3f}  "
        f"country+sector accuracy {gold['country_sector_accuracy']:.3f}  (targets: F1 >= 0.90, id >= 0.95)",
        f"  dev events: {covered}/{total} coded actor mentions get a country and sector ({covered / max(total, 1):.1%})"
        + (f"; unmapped: {unmapped}" if unmapped else ""),
        f"  dictionary: {len(normalizer.actor_dictionary.entries)} entries, {normalizer.actor_dictionary.alias_count} aliases",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    corpus_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    print(evaluate(corpus_dir, Normalizer()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
