"""The bench report: medians of repetitions, ratios to a baseline of the same run, targets, table and JSON."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured quantity: every repetition kept, the median reported."""

    key: str  # e.g. "broker.relay_batched"
    label: str
    unit: str
    runs: list[float] = field(default_factory=list)
    baseline: str | None = None  # key of the figure this one is a ratio to
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    threshold: float
    at_least: bool = True  # False: the figure must stay at or below the threshold
    on_ratio: bool = False  # compare the ratio to the baseline, not the figure itself


TARGETS = [
    Target("transport.stage", "transport >= 0.8 x baseline batched relay", 0.8, on_ratio=True),
    Target("normalize.stage", "normalize stage >= 0.7 x normaliser alone", 0.7, on_ratio=True),
    Target("normaliser.items_per_s", "normaliser alone >= 1,000 items/s", 1000),
    Target("e2e.sustained", "end to end >= 2,000 items/s", 2000),
    Target("e2e.p99_ms", "p99 ingest-to-stored <= 100 ms at 500 items/s", 100, at_least=False),
    Target("replay.normalize", "replay normalize >= 3,000 items/s", 3000),
    Target("replay.rebuild", "store rebuild >= 10,000 events/s (SQLite)", 10_000),
    Target("e2e.normalize_rss_mb", "normalize worker <= 400 MB RSS", 400, at_least=False),
]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of unsorted values."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered) - 1e-9)))
    return ordered[rank - 1]


class Report:
    def __init__(self, meta: dict) -> None:
        self.meta = meta
        self.figures: dict[str, Figure] = {}

    def add(self, key: str, label: str, unit: str, value: float, baseline: str | None = None, note: str = "") -> Figure:
        """Record one repetition's value; repeated calls with the same key add repetitions."""
        figure = self.figures.setdefault(key, Figure(key, label, unit, baseline=baseline, note=note))
        figure.runs.append(float(value))
        return figure

    def ratio(self, key: str) -> float | None:
        figure = self.figures.get(key)
        if not figure or not figure.baseline or figure.baseline not in self.figures:
            return None
        base = self.figures[figure.baseline].median
        return figure.median / base if base and figure.median is not None else None

    def verdicts(self) -> list[tuple[Target, float | None, bool | None]]:
        """Each target with the value it is judged on and whether it was met (None when not measured)."""
        out = []
        for target in TARGETS:
            figure = self.figures.get(target.key)
            value = self.ratio(target.key) if target.on_ratio else (figure.median if figure else None)
            met = None
            if value is not None:
                met = value >= target.threshold if target.at_least else value <= target.threshold
            out.append((target, value, met))
        return out

    def table(self) -> str:
        rows = [("figure", "median", "unit", "runs", "ratio")]
        for figure in self.figures.values():
            ratio = self.ratio(figure.key)
            rows.append(
                (
                    figure.label,
                    _number(figure.median),
                    figure.unit,
                    str(len(figure.runs)),
                    f"{ratio:.2f} x {self.figures[figure.baseline].label}" if ratio is not None else "",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
        lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
        targets = ["", "| target | measured | verdict |", "| --- | --- | --- |"]
        for target, value, met in self.verdicts():
            verdict = "not measured" if met is None else ("met" if met else "MISSED")
            targets.append(f"| {target.label} | {_number(value) if value is not None else '-'} | {verdict} |")
        return "\n".join(lines + targets)

    def as_json(self) -> dict:
        return {
            "meta": self.meta,
            "figures": {
                key: {**asdict(figure), "median": figure.median, "ratio": self.ratio(key)}
                for key, figure in self.figures.items()
            },
            "targets": [
                {"target": target.label, "key": target.key, "value": value, "met": met}
                for target, value, met in self.verdicts()
            ],
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


SECTION = "## Performance"


def with_performance_section(readme: str, section_body: str) -> str:
    """README text with its `## Performance` section replaced (or appended at the end when absent)."""
    section = f"{SECTION}\n\n{section_body.strip()}\n"
    start = readme.find(f"\n{SECTION}\n")
    if start == -1:
        return readme.rstrip("\n") + "\n\n" + section
    following = readme.find("\n## ", start + len(SECTION) + 2)
    rest = "" if following == -1 else readme[following:]
    return readme[: start + 1] + section + rest
