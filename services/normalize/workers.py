"""Where normalisation runs: in the service's own process, or in worker processes, one per core.

The live stage and replay hand a batch of raw entries to a `NormalizerPool` and get back, per entry and in order,
either its items serialised for the normalised log or the error that stopped it. Serialising in the worker keeps
the models there: what crosses to the event loop is (item id, event id, JSON bytes), all that the commit needs.

- `processes=0`: in this process, on the event loop, which gets its turn between entries at least every
  `YIELD_EVERY` seconds: lease heartbeats and other partitions' Redis replies go on during a long batch instead
  of waiting for it. (A thread would do the same at a cost: handing each batch to another core made the
  transport benchmark 15% slower, and the normaliser holds the GIL anyway.)
- `processes=N`: N worker processes, each with the normaliser. On Linux they are forked from the process that
  loaded it (its memory is shared until written; start-up costs nothing more), elsewhere each loads its own copy
  from the cache. A batch is cut into 2N runs of neighbouring entries of about equal size, committed in entry order
  as each is done, so what is committed, and in which order, is the same as with one process. A worker that dies
  fails only the entry that killed it: the runs it broke are redone an entry at a time in a one-worker pool.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Protocol

import structlog
from pydantic import TypeAdapter

from schemas import BulletinReceived, ItemNormalized
from schemas.streams import EVENT_FIELD
from services.common.eventlog import Entry, NewerVersion, PermanentError, decode_event

log = structlog.get_logger()

# One normalised item as the log takes it: item id, event id, the ItemNormalized event as JSON.
Normalized = tuple[str, str, bytes]
# Per raw entry: its items, or why it failed (a PermanentError dead-letters it at once, anything else is retried).
Outcome = list[Normalized] | Exception

# With processes=0, the longest the event loop waits for its turn during a batch (one entry is never cut).
YIELD_EVERY = 0.02
# With worker processes: runs a batch is cut into, per process (more runs, less idle time around each commit).
RUNS_PER_PROCESS = 2
# In this process: parts a batch is cut into, each normalised while Redis commits the one before it.
IN_PROCESS_PARTS = 2

_ITEM_NORMALIZED = TypeAdapter(ItemNormalized)  # dump_json gives bytes, which go to Redis as they are


class NormalizerLike(Protocol):
    def normalize(self, event: BulletinReceived, recorded_at: datetime) -> list[ItemNormalized]: ...


def serialized(event: ItemNormalized) -> Normalized:
    return event.data.item_id, event.id, _ITEM_NORMALIZED.dump_json(event)


def normalize_one(normalizer: NormalizerLike, entry: Entry, recorded_at: datetime) -> Outcome:
    """The pure part shared by the live stage and replay: decode, normalise and serialise one raw entry."""
    try:
        event = decode_event(entry, BulletinReceived)
        return [serialized(item) for item in normalizer.normalize(event, recorded_at)]
    except Exception as exc:  # one bad bulletin never holds up the others
        return exc


def normalize_entries(normalizer: NormalizerLike, entries: Sequence[Entry], recorded_at: datetime) -> list[Outcome]:
    return [normalize_one(normalizer, entry, recorded_at) for entry in entries]


def keep_out_of_collections() -> None:
    """Called once the normaliser is loaded: its objects, which live as long as the process, are moved out of the
    garbage collector's sight. Its first full collection traversed them all (60 ms, in the first bulletins of every
    process), and in a forked worker wrote to every page holding them, copying what the fork had shared (a 200 ms
    stall on a worker's first bulletins, which put the p99 ingest-to-stored latency past 100 ms)."""
    gc.collect()
    gc.freeze()


# The normaliser of a worker process: inherited when forked, loaded by `_start_worker` otherwise.
_WORKER_NORMALIZER: NormalizerLike | None = None


def _start_worker(normalizer: NormalizerLike | None, cache_dir: str | None, parent: int) -> None:
    global _WORKER_NORMALIZER
    # A fork copies the service's signal set-up: its event loop's SIGTERM handler and wakeup socket (a signal
    # here would be written into the service's loop). The worker takes SIGTERM's default back (the executor ends
    # the workers of a broken pool with it) and ignores Ctrl-C, which reaches the whole process group: the service
    # stops its workers itself. When the service is gone, whatever killed it, the kernel kills the workers.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the service's death, even by SIGKILL, ends it
        if os.getppid() != parent:  # the service died before that was set
            os._exit(0)
    if normalizer is None:
        from services.normalize.normalizer import Normalizer

        normalizer = Normalizer(cache_dir=Path(cache_dir) if cache_dir else None)
        keep_out_of_collections()
    _WORKER_NORMALIZER = normalizer


def _in_worker(entries: list[Entry], recorded_at: datetime) -> list[Outcome]:
    assert _WORKER_NORMALIZER is not None
    outcomes = normalize_entries(_WORKER_NORMALIZER, entries, recorded_at)
    # An error crosses back pickled: keep the kind that decides retry or dead letter, and the message.
    return [
        o if isinstance(o, list | PermanentError | NewerVersion) else RuntimeError(f"{type(o).__name__}: {o}")
        for o in outcomes
    ]


def _ready() -> bool:
    return _WORKER_NORMALIZER is not None


def split(entries: Sequence[Entry], parts: int) -> list[list[Entry]]:
    """Runs of neighbouring entries, at most `parts`, of about equal size (an entry's size stands for its work):
    a run ends before the entry whose middle lies past the run's share."""
    sizes = [len(entry.fields.get(EVENT_FIELD) or b"") + 1 for entry in entries]
    total = sum(sizes)
    runs: list[list[Entry]] = []
    current: list[Entry] = []
    filled = 0
    for entry, size in zip(entries, sizes, strict=True):
        if current and len(runs) < parts - 1 and (2 * filled + size) * parts > 2 * total * (len(runs) + 1):
            runs.append(current)
            current = []
        current.append(entry)
        filled += size
    if current:
        runs.append(current)
    return runs


class NormalizerPool:
    """Runs `normalize_entries` for the event loop: in this process (processes=0) or in worker processes."""

    def __init__(self, normalizer: NormalizerLike | None, processes: int = 0, cache_dir: str | None = None) -> None:
        if normalizer is None and processes == 0:
            raise ValueError("a pool without worker processes needs a loaded normaliser")
        self.normalizer = normalizer
        self.processes = processes
        self.cache_dir = cache_dir
        self._executor: Executor | None = self._new_executor() if processes else None
        # Entries of a run a worker died in are tried again one at a time, in a one-worker pool of their own: a
        # death there is that entry's doing, never that of an entry of another run or another partition's loop.
        self._alone: ProcessPoolExecutor | None = None
        self._alone_lock = asyncio.Lock()
        self._closed = False

    def _new_executor(self, processes: int | None = None) -> ProcessPoolExecutor:
        fork = sys.platform == "linux" and self.normalizer is not None
        context = multiprocessing.get_context("fork" if fork else "spawn")
        # Forked workers inherit the loaded normaliser; the others load it (initargs are then pickled: no models).
        inherited = self.normalizer if fork else None
        return ProcessPoolExecutor(
            processes or self.processes,
            mp_context=context,
            initializer=_start_worker,
            initargs=(inherited, self.cache_dir, os.getpid()),
        )

    def start(self) -> None:
        """Start the worker processes now and wait until each has its normaliser. Best called before the event loop
        and any other thread start: a fork copies only the calling thread, and locks other threads might hold."""
        if self._executor is not None:
            for ready in [self._executor.submit(_ready) for _ in range(self.processes)]:
                if not ready.result():
                    raise RuntimeError("a normalize worker process started without its normaliser")

    def submit(self, entries: Sequence[Entry], recorded_at: datetime) -> list[tuple[list[Entry], asyncio.Future]]:
        """The batch as runs of neighbouring entries, each already being normalised; each future gives the run's
        outcomes. Committing each run as soon as it is done, in order, keeps the workers busy with the next runs
        meanwhile: a batch is cut into `RUNS_PER_PROCESS` runs per worker process."""
        if not entries:
            return []
        if self._executor is None:
            return [(list(entries), asyncio.ensure_future(self._here(entries, recorded_at)))]
        executor = self._executor
        return [
            (run, asyncio.ensure_future(self._in_pool(executor, run, recorded_at)))
            for run in split(entries, self.processes * RUNS_PER_PROCESS)
        ]

    def parts(self, entries: Sequence[Entry]) -> list[list[Entry]]:
        """How the live stage hands a batch to `submit`: to worker processes whole (they normalise its runs side
        by side); in this process in `IN_PROCESS_PARTS` parts, each submitted once the commit of the one before it
        is under way, so that the event loop normalises a part while Redis commits the previous one."""
        return [list(entries)] if self._executor is not None else split(entries, IN_PROCESS_PARTS)

    async def run(self, entries: Sequence[Entry], recorded_at: datetime) -> list[Outcome]:
        """Per entry, in order: its serialised items or its error (every run is waited for before one is raised)."""
        results = await asyncio.gather(*(pending for _, pending in self.submit(entries, recorded_at)),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [outcome for result in results for outcome in result]

    async def _in_pool(self, executor: ProcessPoolExecutor, run: list[Entry], recorded_at: datetime) -> list[Outcome]:
        loop = asyncio.get_running_loop()
        try:
            running = loop.run_in_executor(executor, _in_worker, run, recorded_at)
        except BrokenProcessPool as exc:  # broken before this run was handed over (a worker died between batches)
            self._renew(executor, exc)
            executor = self._live_executor()
            running = loop.run_in_executor(executor, _in_worker, run, recorded_at)
        try:
            return await running
        except BrokenProcessPool as exc:
            self._renew(executor, exc)
            return await self._one_by_one(run, recorded_at)

    def _live_executor(self) -> ProcessPoolExecutor:
        if self._closed or self._executor is None:
            raise RuntimeError("the normalize pool is closed")
        return self._executor

    async def _here(self, entries: Sequence[Entry], recorded_at: datetime) -> list[Outcome]:
        assert self.normalizer is not None
        # A turn for whatever was started just before (a commit): redis-py sends a command from a task of its own
        # (asyncio.wait_for around the write), which would otherwise wait for this whole part.
        await asyncio.sleep(0)
        outcomes: list[Outcome] = []
        turn = time.perf_counter() + YIELD_EVERY
        for entry in entries:
            outcomes.append(normalize_one(self.normalizer, entry, recorded_at))
            if time.perf_counter() > turn:
                await asyncio.sleep(0)  # the loop's turn: heartbeats, replies, other partitions
                turn = time.perf_counter() + YIELD_EVERY
        return outcomes

    async def _one_by_one(self, run: list[Entry], recorded_at: datetime) -> list[Outcome]:
        """After a worker died (killed, out of memory) during a run: its entries again, each alone in a one-worker
        pool, so that only an entry that kills a worker by itself fails (and is retried, then dead-lettered, like
        any other failure)."""
        loop = asyncio.get_running_loop()
        outcomes: list[Outcome] = []
        async with self._alone_lock:
            for entry in run:
                if self._closed:
                    raise RuntimeError("the normalize pool is closed")
                if self._alone is None:
                    self._alone = self._new_executor(1)
                try:
                    outcomes += await loop.run_in_executor(self._alone, _in_worker, [entry], recorded_at)
                except BrokenProcessPool:
                    self._alone.shutdown(wait=False, cancel_futures=True)
                    self._alone = None
                    outcomes.append(RuntimeError("the normalize worker process died on this entry"))
        return outcomes

    def _renew(self, broken: Executor, error: BaseException) -> None:
        """New workers for a broken pool, once however many runs saw it break."""
        if self._executor is broken and not self._closed:
            log.error("a normalize worker process died; starting new ones", error=str(error))
            broken.shutdown(wait=False, cancel_futures=True)
            # Forked inside the running service: its other threads' locks are the risk a fork carries, and the
            # worker touches none (CPython takes the import lock around the fork; logging re-creates its own).
            self._executor = self._new_executor()

    def close(self) -> None:
        self._closed = True
        for executor in (self._executor, self._alone):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
