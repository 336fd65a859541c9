"""Runs the bench scenarios in order on a Redis server of its own and fills the report."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

SCENARIOS = ("broker", "normaliser", "transport", "stage", "ingest", "e2e", "replay", "growth", "partitions")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from services.operations.replay import default_processes

    parser.add_argument("--corpus", default="../shared/corpus", help="seed/ and bulletins/ are read from here")
    parser.add_argument("--scale", type=int, default=100_000, help="items for replay, rebuild, the largest growth point")
    parser.add_argument("--reps", type=int, default=3, help="repetitions; the median is reported")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated: " + ",".join(SCENARIOS))
    parser.add_argument("--million", action="store_true", help="growth also at 10 x scale (1M items by default)")
    parser.add_argument(
        "--processes",
        type=int,
        default=default_processes(),
        help="normalize worker processes for end to end and replay (default: one per core, up to 8)",
    )
    parser.add_argument("--report", default="bench-report.json")
    parser.add_argument("--readme", default=None, help="also write the table into this README's ## Performance")


class Bench:
    def __init__(self, args: argparse.Namespace, workdir: Path, redis_url: str) -> None:
        from benchmarks.inputs import item_pool
        from benchmarks.report import Report

        self.args = args
        self.workdir = workdir
        self.redis_url = redis_url
        self.pool, pool_description = item_pool(Path(args.corpus))
        self.report = Report(
            {
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
                "command": "python -m benchmarks " + " ".join(_given(args)),
                "cores": os.cpu_count(),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "input": pool_description,
                "scale": args.scale,
                "reps": args.reps,
                "load_average_before": os.getloadavg(),
                "normaliser": "compiled with mypyc" if _normaliser_compiled() else "plain Python",
            }
        )
        self._normalizer = None

    def empty_server(self) -> None:
        """Every measurement starts on an empty server, its append-only file rewritten: the data of earlier runs,
        and the rewrites of it Redis makes as the file grows, would otherwise weigh on later runs (a 100,000-item
        replay ran 15% slower after the other scenarios than on a fresh server)."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            while client.info("persistence")["aof_rewrite_in_progress"]:
                time.sleep(0.05)
            client.flushall()
            client.bgrewriteaof()
            time.sleep(0.05)
            while client.info("persistence")["aof_rewrite_in_progress"]:
                time.sleep(0.05)
        finally:
            client.close()

    def settings(self, name: str):
        """Settings with a prefix of their own, on an emptied server."""
        from services.common.settings import Settings

        self.empty_server()
        prefix = f"bench-{name}-{uuid.uuid4().hex[:6]}"
        store_url = f"sqlite:///{self.workdir}/{prefix}.db"
        return Settings(redis_url=self.redis_url, stream_prefix=prefix, store_url=store_url)

    def normalizer(self):
        if self._normalizer is None:
            from services.normalize.normalizer import Normalizer
            from services.normalize.workers import keep_out_of_collections

            self._normalizer = Normalizer()
            keep_out_of_collections()  # as the services do
        return self._normalizer

    def size(self, cap: int) -> int:
        return max(10, min(self.args.scale, cap))

    # -- scenarios --------------------------------------------------------------------------------------------

    def broker(self) -> None:
        from redis.asyncio import Redis

        from benchmarks.broker import BATCH, entry_of_size, measure, relay, xadd_pipelined
        from services.common.redis import async_client

        labels = {
            "xadd_pipelined": "broker: XADD pipelined by 100",
            "read_ack": "broker: XREADGROUP 100 + XACK",
            "relay_batched": "broker: relay read-write-ack by 100",
            "relay_single": "broker: relay one at a time",
            "relay_batched_wirelog": "broker: relay by 100 on Wirelog's client (hiredis packing)",
        }

        async def once(rep: int) -> dict:
            # redis-py as it comes (its asyncio client packs commands in Python), not Wirelog's client, whose
            # commands hiredis packs (services/common/redis.py): the baseline stays the library's own figure.
            redis = Redis.from_url(self.redis_url, decode_responses=True)
            try:
                figures = await measure(redis, f"bench-broker-{rep}", self.size(20_000), self.size(5_000))
            finally:
                await redis.aclose()
            # The same relay on Wirelog's client, to tell what the packing gives from what the stage costs.
            ours = async_client(self.redis_url)
            try:
                source, count = f"bench-broker-{rep}:w", self.size(20_000)
                await xadd_pipelined(ours, source, count, entry_of_size())
                figures["relay_batched_wirelog"] = await relay(ours, source, f"{source}b", "g", count, BATCH)
                await ours.delete(source, f"{source}b")
            finally:
                await ours.aclose()
            return figures

        for rep in range(self.args.reps):
            for name, value in asyncio.run(once(rep)).items():
                self.report.add(f"broker.{name}", labels[name], "entries/s", value)

    def normaliser(self) -> None:
        from benchmarks import normaliser
        from benchmarks.inputs import items
        from benchmarks.report import percentile

        cache = Path(os.environ.get("WIRELOG_CACHE_DIR") or Path.home() / ".cache" / "wirelog")
        texts = items(self.pool, self.size(2_000))
        add = self.report.add
        for _ in range(self.args.reps):
            run = normaliser.run(texts, cache, self.workdir)
            timings = run["timings"]
            add("normaliser.items_per_s", "normaliser alone (normalize, bulletins of 10, 1 core)", "items/s",
                len(texts) / run["bulletins_s"])
            add("normaliser.analyze_per_s", "normaliser alone, one item at a time (analyze, no bulletin)", "items/s",
                len(timings) / sum(timings))
            add("normaliser.p50_ms", "normaliser alone p50 per item (analyze)", "ms", percentile(timings, 0.5) * 1000)
            add("normaliser.p99_ms", "normaliser alone p99 per item (analyze)", "ms", percentile(timings, 0.99) * 1000)
            add("normaliser.rss_mb", "normaliser RSS after loading", "MB", run["VmRSS"])
            add("normaliser.hwm_mb", "normaliser peak RSS after the items", "MB", run["after"]["VmHWM"])
            add("normaliser.startup_cached_s", "normaliser start-up, cached index", "s", run["startup_s"])
        # One cold start only: it builds the gazetteer index from scratch (about a minute).
        cold = normaliser.run([], Path(tempfile.mkdtemp(dir=self.workdir)), self.workdir)
        add("normaliser.startup_cold_s", "normaliser start-up, cold (builds the index)", "s", cold["startup_s"])

    def transport(self) -> None:
        """The normalize loop moving entries with a normaliser that does nothing (its events the size of the
        baseline's), and, for comparison, moving the larger events of a real analysis, answered from a table."""
        from benchmarks.inputs import bulletins, items
        from benchmarks.stages import (
            PrecomputedNormalizer, copied_items, item_templates, received_events, run_stage, without_analysis,
        )

        analysed = item_templates(self.normalizer(), self.pool[:50])
        variants = (
            ("transport.stage", "transport: normalize loop, no-op normaliser", [without_analysis(t) for t in analysed]),
            ("transport.analysed", "transport: normalize loop, real analyses answered from a table", analysed),
        )
        for rep in range(self.args.reps):
            events = received_events(bulletins(items(self.pool, self.size(20_000)), 1, f"transport-{rep}"))
            for key, label, templates in variants:
                answers = {
                    e.data.bulletin_id: copied_items(templates[n % len(templates)], e) for n, e in enumerate(events)
                }
                rate = asyncio.run(run_stage(self.settings("transport"), PrecomputedNormalizer(answers), events))
                self.report.add(key, label, "entries/s", rate, "broker.relay_batched")

    def stage(self) -> None:
        from benchmarks.inputs import bulletins, items
        from benchmarks.stages import received_events, run_stage
        from services.normalize.workers import NormalizerPool

        count = self.size(2_000) // 10 * 10
        processes = self.args.processes
        pool = NormalizerPool(self.normalizer(), processes)
        pool.start()
        try:
            for rep in range(self.args.reps):
                for key, normalizer, label in (
                    ("normalize.stage", self.normalizer(), "normalize stage, real normaliser, in-process"),
                    ("normalize.stage_pool", pool, f"normalize stage, {processes} worker processes"),
                ):
                    texts = items(self.pool, count, offset=rep * count)
                    events = received_events(bulletins(texts, 10, f"{key}-{rep}"))
                    rate = asyncio.run(run_stage(self.settings("stage"), normalizer, events)) * 10
                    self.report.add(key, label, "items/s", rate, "normaliser.items_per_s")
        finally:
            pool.close()

    def ingest(self) -> None:
        from benchmarks.ingest import measure

        add = self.report.add
        for rep in range(self.args.reps):
            self.empty_server()
            for mode, figures in measure(self.redis_url, self.workdir, self.pool, rep, duration=8.0).items():
                what = "ingest 1 bulletin/request" if mode == "single" else "ingest 100 bulletins/request"
                add(f"ingest.{mode}.requests_per_s", f"{what}, requests", "requests/s", figures["requests_per_s"])
                add(f"ingest.{mode}.items_per_s", f"{what}, items", "items/s", figures["items_per_s"], "broker.xadd_pipelined")
                add(f"ingest.{mode}.p50_ms", f"{what} p50", "ms", figures["p50_ms"])
                add(f"ingest.{mode}.p99_ms", f"{what} p99", "ms", figures["p99_ms"])

    def e2e(self) -> None:
        from benchmarks import end_to_end

        add, count = self.report.add, self.size(5_000)
        processes = self.args.processes
        pooled = {"WIRELOG_NORMALIZE_PROCESSES": str(processes)}
        for rep in range(self.args.reps):
            self.empty_server()
            figures = end_to_end.sustained(self.redis_url, self.workdir, self.pool, count, f"s{rep}", pooled)
            label = f"end to end, ingest to store (normalize: {processes} worker processes)"
            add("e2e.sustained", label, "items/s", figures["items_per_s"], "normaliser.items_per_s")
            add("e2e.normalize_rss_mb", "normalize: largest peak RSS of one process (VmHWM)", "MB", figures["normalize_hwm_mb"])
            add("e2e.normalize_pss_mb", f"normalize: all {figures['normalize_processes']} processes together (PSS)", "MB",
                figures["normalize_pss_mb"])
            self.empty_server()
            single = end_to_end.sustained(self.redis_url, self.workdir, self.pool, count, f"o{rep}")
            add("e2e.sustained_single", "end to end, normalize in one process", "items/s", single["items_per_s"],
                "normaliser.items_per_s")
            self.empty_server()
            latency = end_to_end.latency(self.redis_url, self.workdir, self.pool, count / 500, 500, f"l{rep}", pooled)
            add("e2e.p50_ms", "ingest-to-stored p50 at 500 items/s", "ms", latency["p50_ms"])
            add("e2e.p99_ms", "ingest-to-stored p99 at 500 items/s", "ms", latency["p99_ms"])

    def replay(self) -> None:
        """At --scale, once per repetition up to 10,000 items, once beyond (a 100k replay takes minutes)."""
        from benchmarks import replay
        from benchmarks.stages import item_templates

        templates = item_templates(self.normalizer(), self.pool[:50])
        reps, scale = (self.args.reps if self.args.scale <= 10_000 else 1), self.args.scale
        for _ in range(reps):
            rate = replay.replay_normalize(self.settings("replay"), self.pool, scale, self.args.processes)
            label = f"replay normalize over {scale:,} items ({self.args.processes} processes)"
            self.report.add("replay.normalize", label, "items/s", rate, "normaliser.items_per_s")
            rate = replay.rebuild_store(self.settings("rebuild"), self.pool, templates, scale)
            self.report.add("replay.rebuild", f"store rebuild over {scale:,} events", "events/s", rate, "broker.read_ack")

    def growth(self) -> None:
        """(2), (6) and (7) at scale/10 and scale (and 10 x scale with --million), one run each."""
        from benchmarks import end_to_end, normaliser, replay
        from benchmarks.inputs import items
        from benchmarks.stages import item_templates

        points = [self.args.scale // 10, self.args.scale] + ([self.args.scale * 10] if self.args.million else [])
        cache = Path(os.environ.get("WIRELOG_CACHE_DIR") or Path.home() / ".cache" / "wirelog")
        templates = item_templates(self.normalizer(), self.pool[:50])
        first = points[0]
        for n in points:
            run = normaliser.run(items(self.pool, n), cache, self.workdir)
            self._grow("normaliser", n, first, "normaliser alone", "items/s", n / run["bulletins_s"])
            self._grow("normaliser_hwm", n, first, "normaliser peak RSS", "MB", run["after"]["VmHWM"])
            pooled = {"WIRELOG_NORMALIZE_PROCESSES": str(self.args.processes)}
            self.empty_server()
            figures = end_to_end.sustained(self.redis_url, self.workdir, self.pool, n, f"g{n}", pooled)
            self._grow("e2e", n, first, "end to end", "items/s", figures["items_per_s"])
            self._grow("e2e_rss", n, first, "normalize largest peak RSS", "MB", figures["normalize_hwm_mb"])
            if n == self.args.scale and "replay.normalize" in self.report.figures:  # measured at this size already
                replayed = self.report.figures["replay.normalize"].median
                rebuilt = self.report.figures["replay.rebuild"].median
            else:
                replayed = replay.replay_normalize(self.settings("g"), self.pool, n, self.args.processes)
                rebuilt = replay.rebuild_store(self.settings("g"), self.pool, templates, n)
            self._grow("replay", n, first, "replay normalize", "items/s", replayed)
            self._grow("rebuild", n, first, "store rebuild", "events/s", rebuilt)

    def partitions(self) -> None:
        """Drain throughput on a 3-primary cluster with 4 partitions, 1 then 2 workers per stage, against one
        server with 1 partition and 1 worker per stage, all in this run; and each partition's own rate."""
        from benchmarks import partitions
        from services.common.embedded import EmbeddedCluster

        add, count = self.report.add, self.size(5_000) // 10 * 10
        postgres = partitions.postgres_answers()
        store = "PostgreSQL" if postgres else "SQLite"
        self.report.meta["partitions_store"] = store
        with EmbeddedCluster(self.workdir / "cluster") as cluster:
            for _ in range(self.args.reps):
                single = partitions.drain(self.redis_url, self.workdir, self.pool, count, 1, 1, postgres)
                self._partition_problems("single", single)
                add("partitions.single", f"drain, one server, 1 partition, 1 worker/stage ({store})", "items/s",
                    single["items_per_s"])
                add("partitions.single_cpu", "  normalize + store CPU per item, one server", "ms", single["cpu_ms_per_item"])
                rates = {}
                for workers in (1, 2):
                    figures = partitions.drain(cluster.url, self.workdir, self.pool, count, 4, workers, postgres)
                    self._partition_problems(f"cluster, {workers} workers", figures)
                    rates[workers] = figures["items_per_s"]
                    per_stage = f"{workers} worker{'s' if workers > 1 else ''}/stage"
                    what = f"drain, 3-primary cluster, 4 partitions, {per_stage}"
                    add(f"partitions.cluster_{workers}", what, "items/s", rates[workers], "partitions.single")
                    add(f"partitions.cluster_{workers}_cpu", f"  normalize + store CPU per item, {per_stage}", "ms",
                        figures["cpu_ms_per_item"], "partitions.single_cpu")
                    for number, rate in figures["partition_items_per_s"].items():
                        size = figures["sizes"][number]
                        label = f"  partition {number} ({size:,} items) / its time to stored, {per_stage}"
                        add(f"partitions.cluster_{workers}.p{number}", label, "items/s", rate)
                    self.report.meta["partition_sizes"] = figures["sizes"]
                add("partitions.scaling", "drain, 2 workers/stage over 1 (cluster)", "x", rates[2] / rates[1])

    def _partition_problems(self, run: str, figures: dict) -> None:
        """Warnings and errors the services logged during a drain: kept in the report and shown, never hidden."""
        if figures["problems"]:
            self.report.meta.setdefault("partitions_problems", {})[run] = figures["problems"][:50]
            print(f"    {run}: {len(figures['problems'])} warning/error lines in the service logs, e.g.")
            for line in figures["problems"][:5]:
                print(f"      {line[:400]}")

    def _grow(self, name: str, n: int, first: int, label: str, unit: str, value: float) -> None:
        baseline = f"growth.{name}.{first}" if n != first else None
        self.report.add(f"growth.{name}.{n}", f"growth: {label} at {n:,}", unit, value, baseline)


def _normaliser_compiled() -> bool:
    import services.normalize.temporal.tagger  # noqa: F401 - imported to ask how it was loaded
    from services.normalize.compiled import is_compiled

    return is_compiled("services.normalize.temporal.tagger")


def run(args: argparse.Namespace) -> int:
    from benchmarks.report import with_performance_section
    from services.common.embedded import EmbeddedRedis
    from services.common.logging import configure_logging

    os.environ.setdefault("TQDM_DISABLE", "1")  # replay's progress bars would interleave with the table
    configure_logging("bench", "warning", "json")
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenario(s): {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}")
        return 2
    with tempfile.TemporaryDirectory(prefix="wirelog-bench-") as tmp, EmbeddedRedis(Path(tmp) / "redis") as server:
        bench = Bench(args, Path(tmp), server.url)
        for name in SCENARIOS:
            if name in only:
                started = time.perf_counter()
                print(f"==> {name}", flush=True)
                try:
                    bench.empty_server()
                    getattr(bench, name)()
                except Exception as exc:  # noqa: BLE001 - one broken scenario must not lose the others' figures
                    bench.report.meta.setdefault("failed", {})[name] = f"{type(exc).__name__}: {exc}"
                    traceback.print_exc()
                print(f"    done in {time.perf_counter() - started:.0f}s", flush=True)
                bench.report.write(Path(args.report))  # so far: an interrupted run keeps what it measured
        bench.report.meta["load_average_after"] = os.getloadavg()
        bench.report.meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    table = bench.report.table()
    failed = bench.report.meta.get("failed", {})
    table += "".join(f"\n\nscenario {name} failed: {error}" for name, error in failed.items())
    print()
    print(table)
    bench.report.write(Path(args.report))
    print(f"\nreport written to {args.report}")
    if args.readme:
        readme = Path(args.readme)
        body = readme_body(bench.report.meta, table)
        readme.write_text(with_performance_section(readme.read_text(encoding="utf-8"), body), encoding="utf-8")
        print(f"table written to {args.readme} (## Performance)")
    return 1 if failed else 0


HOW = """\
How it is measured (`benchmarks/`): one embedded Redis server of the bench's own; the broker baseline is plain
redis-py (asyncio, hiredis parsing replies) with ~1.5 KB entries, its batched relay also run on Wirelog's client
(which packs commands with hiredis too); transport runs the real StageLoop + NormalizeStage (one
single-item bulletin per entry) with a no-op normaliser, whose events say nothing was found (~1.4 KB, the baseline's
size), and for comparison with one answering real analyses from a table (~3.2 KB events); the normaliser
alone runs in a child process (one core), `Normalizer.normalize` on bulletins of 10 items (the stage's work without
the transport, which the stage's ratio is taken to), and `Normalizer.analyze` on one item at a time for the
per-item percentiles; the normalize stage runs the same bulletins of 10 items, in-process and on worker processes;
ingest and end to end run `wirelog ingest|normalize|store` as processes, driven by a load generator process over
keep-alive HTTP on loopback, normalize with one worker process per core (WIRELOG_NORMALIZE_PROCESSES, `--processes`)
and, for comparison, in one process;
ingest-to-stored latency is the time from a bulletin's scheduled send to the moment a watcher polling the store's
SQLite file (WAL, every 5 ms) sees its last item; replay normalize runs `wirelog replay normalize` with its default
of a worker process per core, and its figures include loading the normaliser; store rebuild runs `wirelog replay
store --rebuild` with its defaults (a reader process decoding, 5,000 events per transaction). Every measurement
starts on an emptied server (FLUSHALL, append-only file rewritten). Growth points run once each. The partitions
drains append a backlog at once to the raw log, once normalize and store are loaded and hold their partitions, and
time until the store (PostgreSQL when one answers on 127.0.0.1:5432, else SQLite) holds every item: on an embedded
3-primary Redis Cluster with 4 partitions, and on the bench's server with 1 partition as the baseline. The machine
is shared: compare ratios, not absolute figures."""


def readme_body(meta: dict, table: str) -> str:
    return (
        f"Measured {meta['finished'][:10]} on {meta['cores']} cores ({meta['machine']}, Python {meta['python']}), "
        f"load average {meta['load_average_before'][0]:.1f} before and {meta['load_average_after'][0]:.1f} after, "
        f"input: {meta['input']}, normaliser {meta.get('normaliser', 'plain Python')}. "
        f"Medians of {meta['reps']} runs.\n\n    {meta['command']}\n\n{HOW}\n\n{table}\n"
    )


def _given(args: argparse.Namespace) -> list[str]:
    parts = [f"--scale {args.scale}", f"--reps {args.reps}", f"--corpus {args.corpus}", f"--processes {args.processes}"]
    if args.only != ",".join(SCENARIOS):
        parts.append(f"--only {args.only}")
    return parts + (["--million"] if args.million else [])
