"""How a batch is cut for the normalize worker processes, how errors come back from one, and the loaded normaliser
kept out of garbage collections."""

from __future__ import annotations

import gc
from datetime import UTC, datetime

import pytest

from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, PermanentError
from services.normalize.workers import NormalizerPool, keep_out_of_collections, normalize_entries, split


def _entry(n: int, size: int) -> Entry:
    return Entry(f"{n}-0", {EVENT_FIELD: "x" * size})


@pytest.mark.parametrize("parts", [1, 2, 3, 8])
def test_runs_keep_every_entry_once_in_order(parts):
    entries = [_entry(n, 100 + 37 * (n % 5)) for n in range(23)]
    runs = split(entries, parts)
    assert [e.id for run in runs for e in run] == [e.id for e in entries]
    assert 1 <= len(runs) <= parts
    assert all(runs)


@pytest.mark.parametrize("parts", [2, 4, 5])
def test_equal_entries_are_shared_evenly(parts):
    runs = split([_entry(n, 100) for n in range(20)], parts)
    assert [len(run) for run in runs] == [20 // parts] * parts


def test_runs_are_of_about_equal_size_when_entries_differ():
    # one big bulletin first, then many small ones: cutting by count would give the first worker all the work
    entries = [_entry(0, 10_000)] + [_entry(n, 100) for n in range(1, 101)]
    first, second = split(entries, 2)
    assert [e.id for e in first] == ["0-0"]
    assert len(second) == 100


def test_fewer_entries_than_workers_gives_one_run_each():
    entries = [_entry(n, 50) for n in range(2)]
    assert [[e.id for e in run] for run in split(entries, 4)] == [["0-0"], ["1-0"]]


class _Broken:
    def normalize(self, event, recorded_at):
        raise AssertionError("never called: the entry does not decode")


def test_an_undecodable_entry_comes_back_as_a_permanent_error_in_its_place():
    outcomes = normalize_entries(_Broken(), [Entry("1-0", {EVENT_FIELD: "not json"})], datetime.now(UTC))
    assert len(outcomes) == 1 and isinstance(outcomes[0], PermanentError)


def test_what_is_loaded_is_kept_out_of_the_collectors_sight():
    # Lists stand for the normaliser's tables: objects the collector tracks and would traverse at each full pass.
    loaded = [[] for _ in range(1000)]
    try:
        keep_out_of_collections()
        assert gc.get_freeze_count() >= len(loaded)
        assert not any(obj is loaded for obj in gc.get_objects())  # no longer in any generation it collects
    finally:
        gc.unfreeze()
    assert any(obj is loaded for obj in gc.get_objects())


def test_in_process_a_batch_goes_in_parts_and_to_worker_processes_whole():
    entries = [_entry(n, 100) for n in range(10)]
    here = NormalizerPool(object())
    assert [len(part) for part in here.parts(entries)] == [5, 5]
    workers = NormalizerPool(None, processes=2)  # no process starts until work is submitted
    try:
        assert workers.parts(entries) == [entries]
    finally:
        workers.close()
