"""Date scores for `make eval`: TempEval-3 extent and value F1 on dev/time.jsonl, event-date accuracy on dev/events.jsonl."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from services.normalize.batch import analyze_record
from services.normalize.evaluation import speed_line
from services.normalize.normalizer import Normalizer
from services.normalize.temporal import tag_dates
from services.normalize.temporal.patterns import SCANNER

_WEEK = re.compile(r"-W(\d)(?=$|-)")
_UNSPECIFIED = re.compile(r"(?:-XX)+$|(?<=\d)X+$")
# The word joining the two ends of a stated range ("between 1985 and 1987", "from Aug. 26 to Oct. 20", "1-3 March").
_RANGE_JOIN = re.compile(r"\s*(?:-|–|\band\b|\bto\b|\bthrough\b|\buntil\b|\btill\b)\s*", re.IGNORECASE)
_RANGE_LEAD = re.compile(r"^(?:between|from)\s+", re.IGNORECASE)
# The value target is on exact value strings, as TempEval-3's scorer compares them (it normalises no spelling).
TARGETS = {"raw value F1": 0.85, "relaxed F1": 0.90}


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    strict_predicted: int = 0
    strict_gold: int = 0
    relaxed_predicted: int = 0
    relaxed_gold: int = 0
    value_predicted: int = 0
    value_gold: int = 0
    raw_value_predicted: int = 0
    raw_value_gold: int = 0
    by_kind: dict[str, Counter] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def count(self, kind: str, outcome: str, example: str | None = None) -> None:
        self.by_kind.setdefault(kind, Counter())[outcome] += 1
        if example is not None and len(self.examples.setdefault(f"{kind}/{outcome}", [])) < 4:
            self.examples[f"{kind}/{outcome}"].append(example)


def canonical_value(value: str | None) -> str | None:
    """Spellings of one TIMEX3 value compare equal: '2000-W7' and '2000-W07'; '1949-XX' and '1949'; '199X' and '199'."""
    if not value:
        return value
    return _UNSPECIFIED.sub("", _WEEK.sub(r"-W0\1", value))


def timex3_points(prediction: dict[str, Any]) -> list[dict[str, Any]]:
    """A stated range as TimeML writes it: one DATE timex per end ('1985/1987' is no TIMEX3 DATE value).

    Spans without two stated ends ("the past 24 hours") stay whole; TimeML makes them DURATIONs, which are not scored.
    """
    value = prediction.get("value") or ""
    if prediction.get("precision") != "range" or value.count("/") != 1:
        return [prediction]
    surface, start = prediction["surface"], prediction["start"]
    joins = [m for m in _RANGE_JOIN.finditer(surface) if 0 < m.start() and m.end() < len(surface)]
    if not joins:
        return [prediction]
    join, lead = joins[0], _RANGE_LEAD.match(surface)
    first_start = lead.end() if lead else 0
    first, last = value.split("/")
    return [
        {**prediction, "surface": surface[first_start : join.start()], "start": start + first_start,
         "end": start + join.start(), "value": first, "precision": "point"},
        {**prediction, "surface": surface[join.end() :], "start": start + join.end(), "end": prediction["end"],
         "value": last, "precision": "point"},
    ]


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _kind(surface: str) -> str:
    match = SCANNER.search(surface)
    return match.lastgroup if match else "unrecognised"


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_document(record: dict[str, Any], predicted: list[dict[str, Any]], tally: Tally) -> None:
    predicted = [point for p in predicted for point in timex3_points(p)]
    gold = [t for t in record["timexes"] if t["type"] == "DATE"]
    others = [t for t in record["timexes"] if t["type"] != "DATE"]
    # A prediction on a TIME, DURATION or SET timex is neither right nor wrong for DATE scoring.
    scored = [p for p in predicted if any(_overlaps(p, g) for g in gold) or not any(_overlaps(p, o) for o in others)]
    tally.gold += len(gold)
    tally.predicted += len(scored)
    for p in scored:
        hits = [g for g in gold if _overlaps(p, g)]
        tally.strict_predicted += any(g["start"] == p["start"] and g["end"] == p["end"] for g in hits)
        tally.relaxed_predicted += bool(hits)
        tally.value_predicted += any(canonical_value(g["value"]) == canonical_value(p["value"]) for g in hits)
        tally.raw_value_predicted += any(g["value"] == p["value"] for g in hits)
        if not hits:
            tally.count(_kind(p["surface"]), "spurious", p["surface"])
    for g in gold:
        hits = [p for p in scored if _overlaps(p, g)]
        kind = _kind(hits[0]["surface"]) if hits else _kind(g["surface"])
        tally.count(kind, "gold")
        tally.strict_gold += any(g["start"] == p["start"] and g["end"] == p["end"] for p in hits)
        tally.relaxed_gold += bool(hits)
        right = any(canonical_value(g["value"]) == canonical_value(p["value"]) for p in hits)
        tally.value_gold += right
        tally.raw_value_gold += any(g["value"] == p["value"] for p in hits)
        if not hits:
            tally.count(kind, "missed", g["surface"])
        elif not right:
            shown = f"{hits[0]['surface']!r}={hits[0]['value']} gold {g['value']} (ref {record.get('reference_date')})"
            tally.count(kind, "wrong value", shown)


def tempeval3_value_f1(tally: Tally) -> float:
    """Value F1 as TempEval-3's evaluate_entities.py reports it: the share of relaxed-matched gold timexes whose value
    string is exactly right, times relaxed extent F1."""
    if not tally.relaxed_gold or not tally.predicted:
        return 0.0
    relaxed = _f1(tally.relaxed_predicted / tally.predicted, tally.relaxed_gold / tally.gold)
    return tally.raw_value_gold / tally.relaxed_gold * relaxed


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _time_report(records: list[dict[str, Any]], normalizer: Normalizer) -> tuple[list[str], Tally]:
    tally = Tally()
    for record in records:
        score_document(record, analyze_record(record, normalizer)["dates"], tally)
    rows = []
    for name, (p_hits, g_hits) in {
        "strict": (tally.strict_predicted, tally.strict_gold),
        "relaxed": (tally.relaxed_predicted, tally.relaxed_gold),
        "value": (tally.value_predicted, tally.value_gold),
        "raw value": (tally.raw_value_predicted, tally.raw_value_gold),
    }.items():
        precision = p_hits / tally.predicted if tally.predicted else 0.0
        recall = g_hits / tally.gold if tally.gold else 0.0
        f1 = _f1(precision, recall)
        target = TARGETS.get(f"{name} F1")
        mark = "" if target is None else f"  (target >= {target:.2f}: {'met' if f1 >= target else 'NOT met'})"
        rows.append(f"  {name:<9} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}{mark}")
    rows.append(f"  TempEval-3 value F1 {tempeval3_value_f1(tally):.3f} (exact-value accuracy on relaxed matches x relaxed F1)")
    lines = [f"DATE timexes: {len(records)} documents, {tally.gold} gold, {tally.predicted} scored predictions", *rows]
    lines.append("  (value: W7=W07, 1949-XX=1949, 199X=199 count as equal; raw value: exact strings, as TempEval-3 scores)")
    lines.append("  errors by expression kind (gold / missed / wrong value / spurious):")
    ordered = sorted(tally.by_kind.items(), key=lambda kv: -(kv[1]["missed"] + kv[1]["wrong value"] + kv[1]["spurious"]))
    for kind, counts in ordered:
        lines.append(
            f"    {kind:<13} {counts['gold']:>5} {counts['missed']:>7} {counts['wrong value']:>7} {counts['spurious']:>7}"
        )
    return lines, tally


def _predicted_day(event_date: dict[str, Any] | None) -> date | None:
    if not event_date:
        return None
    value = event_date.get("range_start") if event_date["precision"] == "range" else event_date.get("value")
    if event_date["precision"] not in ("day", "reported", "range") or not value:
        return None
    return date.fromisoformat(value[:10])


def _event_report(records: list[dict[str, Any]], normalizer: Normalizer) -> list[str]:
    exact = near = 0
    precisions: Counter = Counter()
    for record in records:
        event_date = analyze_record(record, normalizer)["event_date"]
        precisions[event_date["precision"] if event_date else "none"] += 1
        predicted, gold = _predicted_day(event_date), date.fromisoformat(record["event_date"])
        exact += predicted == gold
        near += predicted is not None and abs((predicted - gold).days) <= 1
    total = len(records) or 1
    return [
        f"event_date: {len(records)} events, exact day {exact / total:.3f}, within 1 day {near / total:.3f}",
        "  (day value, range start, or the reported bulletin date; precision " + dict(precisions).__repr__() + ")",
    ]


def _speed(records: list[dict[str, Any]]) -> str:
    texts = [(r["text"], date.fromisoformat(r["reference_date"][:10])) for r in records]
    return speed_line("tag_dates", texts, lambda pair: tag_dates(*pair), sum(len(t) for t, _ in texts))


def evaluate(corpus_dir: Path, normalizer: Normalizer) -> str:
    """A printable report of the date scores on `corpus_dir/dev`."""
    timex_records = _read(corpus_dir / "dev" / "time.jsonl")
    lines, tally = _time_report(timex_records, normalizer)
    events = corpus_dir / "dev" / "events.jsonl"
    if events.exists():
        lines += _event_report(_read(events), normalizer)
    lines.append(_speed(timex_records))
    return "\n".join(lines)


def examples(corpus_dir: Path, normalizer: Normalizer) -> str:
    """The first few errors of each kind, for tuning."""
    _, tally = _time_report(_read(corpus_dir / "dev" / "time.jsonl"), normalizer)
    return "\n".join(f"{key}: {shown}" for key, shown in sorted(tally.examples.items()))


if __name__ == "__main__":
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus")
    print(evaluate(corpus, Normalizer()))
    if "--examples" in sys.argv:
        print(examples(corpus, Normalizer()))
