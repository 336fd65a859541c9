"""The bench report's arithmetic and layout: medians, ratios to a baseline, target verdicts, the README section."""

from __future__ import annotations

import json

import pytest

from benchmarks.inputs import bulletins, cut_items, generated_items
from benchmarks.partitions import desk_bulletins, partition_counts, partition_sizes
from benchmarks.report import Report, percentile, with_performance_section


def report_with(**medians: list[float]) -> Report:
    report = Report({"cores": 2})
    for key, runs in medians.items():
        for value in runs:
            report.add(key.replace("__", "."), key, "items/s", value)
    return report


def test_the_median_of_repetitions_is_reported_and_every_run_kept():
    report = Report({})
    for value in (300.0, 100.0, 200.0):
        report.add("normaliser.items_per_s", "normaliser", "items/s", value)
    figure = report.figures["normaliser.items_per_s"]
    assert figure.median == 200.0
    assert figure.runs == [300.0, 100.0, 200.0]


def test_a_figure_is_given_as_a_ratio_to_its_baseline_of_the_same_run():
    report = Report({})
    report.add("broker.relay_batched", "relay", "entries/s", 10_000)
    report.add("transport.stage", "transport", "entries/s", 8_500, baseline="broker.relay_batched")
    assert report.ratio("transport.stage") == pytest.approx(0.85)
    assert report.ratio("broker.relay_batched") is None


def test_a_missing_baseline_gives_no_ratio_rather_than_a_wrong_one():
    report = Report({})
    report.add("transport.stage", "transport", "entries/s", 8_500, baseline="broker.relay_batched")
    assert report.ratio("transport.stage") is None


def test_targets_are_judged_on_ratios_minimums_and_maximums():
    report = Report({})
    report.add("broker.relay_batched", "relay", "entries/s", 10_000)
    report.add("transport.stage", "transport", "entries/s", 7_000, baseline="broker.relay_batched")
    report.add("normaliser.items_per_s", "normaliser", "items/s", 1_200)
    report.add("e2e.p99_ms", "p99", "ms", 150)
    verdicts = {target.key: (value, met) for target, value, met in report.verdicts()}
    assert verdicts["transport.stage"] == (pytest.approx(0.7), False)
    assert verdicts["normaliser.items_per_s"] == (1_200, True)
    assert verdicts["e2e.p99_ms"] == (150, False)
    assert verdicts["replay.rebuild"] == (None, None)


def test_the_table_shows_medians_ratios_and_verdicts():
    report = Report({})
    report.add("broker.relay_batched", "broker relay", "entries/s", 10_000)
    report.add("transport.stage", "transport loop", "entries/s", 9_000, baseline="broker.relay_batched")
    table = report.table()
    assert "| transport loop" in table and "9,000" in table and "0.90 x broker relay" in table
    assert "| transport >= 0.8 x baseline batched relay | 0.9 | met |" in table
    assert "| store rebuild >= 10,000 events/s (SQLite) | - | not measured |" in table


def test_the_json_report_holds_runs_medians_ratios_and_targets(tmp_path):
    report = Report({"cores": 2})
    report.add("broker.relay_batched", "relay", "entries/s", 10_000)
    report.add("transport.stage", "transport", "entries/s", 5_000, baseline="broker.relay_batched")
    report.write(tmp_path / "r.json")
    written = json.loads((tmp_path / "r.json").read_text())
    assert written["meta"] == {"cores": 2}
    assert written["figures"]["transport.stage"]["ratio"] == 0.5
    assert written["figures"]["transport.stage"]["runs"] == [5_000]
    transport = {"target": "transport >= 0.8 x baseline batched relay", "key": "transport.stage", "value": 0.5, "met": False}
    assert transport in written["targets"]


@pytest.mark.parametrize(
    ("share", "expected"), [(0.5, 50), (0.99, 99), (1.0, 100), (0.0, 1)]
)
def test_percentiles_are_nearest_rank(share, expected):
    assert percentile([float(n) for n in range(100, 0, -1)], share) == expected


def test_the_performance_section_is_appended_when_absent_and_replaced_when_present():
    readme = "# Wirelog\n\nIntro.\n\n## Development\n\nmake test\n"
    once = with_performance_section(readme, "table one")
    assert once.startswith(readme.rstrip("\n")) and once.endswith("## Performance\n\ntable one\n")
    twice = with_performance_section(once, "table two")
    assert "table one" not in twice and twice.count("## Performance") == 1 and twice.endswith("table two\n")
    middle = with_performance_section("# W\n\n## Performance\n\nold\n\n## Later\n\nkept\n", "new")
    assert middle == "# W\n\n## Performance\n\nnew\n\n## Later\n\nkept\n"


def test_items_are_cut_at_word_boundaries_near_the_size():
    text = " ".join(f"word{n}" for n in range(400))
    pieces = cut_items(text, 300)
    assert all(150 <= len(piece) <= 300 for piece in pieces[:-1])
    assert " ".join(pieces).split() == text.split()[: len(" ".join(pieces).split())]


def test_generated_bulletins_are_distinct_and_hold_the_requested_items():
    texts = generated_items(25)
    assert len(texts) == 25 and all(len(text) > 200 for text in texts)
    records = bulletins(texts, 10, "t")
    assert [len(r["items"]) for r in records] == [10, 10, 5]
    assert len({r["external_id"] for r in records}) == 3


def test_the_partitions_backlog_gives_every_one_of_four_partitions_work():
    records = desk_bulletins(generated_items(50), 2000, "p")
    sizes = partition_sizes(records, 4)
    assert sum(sizes.values()) == 2000
    assert all(size > 0 for size in sizes.values()), sizes
    assert len({r["source"] for r in records}) > 4


def test_a_bulletin_counts_whole_toward_the_partition_of_its_source():
    records = desk_bulletins(generated_items(50), 200, "p", sources=1)
    sizes = partition_sizes(records, 4)
    assert sorted(sizes.values()) == [0, 0, 0, 200]
    assert partition_sizes(records, 1) == {0: 200}


def test_stored_counts_per_source_add_up_in_the_partition_the_sizes_expect():
    records = desk_bulletins(generated_items(50), 400, "p", sources=8)
    stored_by_source: dict[str, int] = {}
    for record in records:
        stored_by_source[record["source"]] = stored_by_source.get(record["source"], 0) + len(record["items"])
    assert partition_counts(stored_by_source, 4) == partition_sizes(records, 4)
    assert partition_counts({}, 4) == {0: 0, 1: 0, 2: 0, 3: 0}
