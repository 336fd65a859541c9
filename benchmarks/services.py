"""Runs Wirelog's own services (`wirelog ingest|normalize|store`) as processes against the bench's Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from services.common.embedded import free_port
from services.common.redis import sync_client
from services.common.settings import Settings


class ServiceProcesses:
    """Started and stopped by the scenario that owns them; each logs to a file in `workdir`.

    normalize and store run `workers` processes each (named `store`, `store-1`...), which share the log's
    partitions; every store process serves its API on a port of its own, `store_port` being the first's.
    """

    def __init__(
        self,
        redis_url: str,
        workdir: Path,
        prefix: str,
        names: tuple[str, ...],
        env: dict | None = None,
        workers: int = 1,
    ):
        self.workdir = workdir
        self.names = names
        self.workers = workers
        self.ingest_port = free_port()
        self.store_ports = [free_port() for _ in range(workers)]
        self.store_port = self.store_ports[0]
        self.store_path = workdir / f"{prefix}-store.db"
        self.env = {
            **os.environ,
            "WIRELOG_REDIS_URL": redis_url,
            "WIRELOG_STREAM_PREFIX": prefix,
            "WIRELOG_STORE_URL": f"sqlite:///{self.store_path}",
            "WIRELOG_INGEST_PORT": str(self.ingest_port),
            "WIRELOG_STORE_PORT": str(self.store_port),
            "WIRELOG_NORMALIZE_METRICS_PORT": "0",
            "WIRELOG_LOG_FORMAT": "json",
            **(env or {}),
        }
        self.settings = Settings(
            redis_url=redis_url,
            stream_prefix=prefix,
            store_url=self.env["WIRELOG_STORE_URL"],
            partitions=int(self.env.get("WIRELOG_PARTITIONS", "1")),
        )
        self.processes: dict[str, subprocess.Popen] = {}
        self._log_marks: dict[str, int] = {}

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    def start(self, timeout: float = 120.0) -> None:
        for service in self.names:
            for number in range(1 if service == "ingest" else self.workers):
                self._start_worker(service, number)
        deadline = time.monotonic() + timeout
        redis = sync_client(self.settings.redis_url)
        try:
            for name, process in self.processes.items():
                while not self._ready(redis, name, process):
                    if process.poll() is not None:
                        raise RuntimeError(f"wirelog {name} exited; see {self.workdir}")
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"wirelog {name} not ready within {timeout}s")
                    time.sleep(0.05)
        finally:
            redis.close()

    def _start_worker(self, service: str, number: int) -> None:
        name = service if number == 0 else f"{service}-{number}"
        env = {**self.env, "WIRELOG_STORE_PORT": str(self.store_ports[number])} if service == "store" else self.env
        # The child keeps the file open for as long as it runs.
        log = open(self.log_path(name), "ab")  # noqa: SIM115
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", service], env=env, stdout=log, stderr=log
        )

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{self.settings.stream_prefix}-{name}.log"

    def _ready(self, redis, name: str, process: subprocess.Popen) -> bool:  # noqa: ANN001 - a cluster client or not
        service, _, number = name.partition("-")
        if service == "ingest":
            return _answers(f"{self.ingest_url}/readyz")
        if service == "store" and not _answers(f"http://127.0.0.1:{self.store_ports[int(number or 0)]}/readyz"):
            return False
        # A stage worker joins its stage's registry once its resources are loaded: that is when it consumes.
        try:
            members = redis.zrange(self.settings.streams.workers(service), 0, -1)
            return any(f"-{process.pid}-" in member for member in members)
        except Exception:  # noqa: BLE001 - server busy or restarting: ask again
            return False

    def worker_pids(self, service: str) -> list[int]:
        return [process.pid for name, process in self.processes.items() if name.partition("-")[0] == service]

    def mark_logs(self) -> None:
        """From here on `problems` reads the logs: what start-up logs (open access, lease hand-over) is not counted."""
        self._log_marks = {name: self.log_path(name).stat().st_size for name in self.processes}

    def problems(self) -> list[str]:
        """Every service log line at warning level or above, and tracebacks, since `mark_logs` (or the start)."""
        levels = tuple(f'"level": "{level}"' for level in ("warning", "error", "critical"))
        lines = []
        for name in self.processes:
            with open(self.log_path(name), "rb") as log:
                log.seek(self._log_marks.get(name, 0))
                text = log.read().decode("utf-8", errors="replace")
            lines += [
                f"{name}: {line}"
                for line in text.splitlines()
                if any(level in line for level in levels) or line.startswith("Traceback")
            ]
        return lines

    def memory_mb(self, name: str) -> dict[str, float]:
        """VmRSS and VmHWM (peak) of a running service, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.processes[name].pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return fields

    def tree_memory_mb(self, name: str) -> dict[str, float]:
        """A service and its worker processes: the largest peak RSS (VmHWM) of any one of them, and their memory
        together as the sum of PSS (pages shared by forked workers counted once, not once per process)."""
        pids = [self.processes[name].pid]
        pids += [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent_of(p) == pids[0]]
        peak = pss = 0.0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:  # exited meanwhile
                continue
            peak = max(peak, _kb(status, "VmHWM") / 1024)
            pss += _kb(rollup, "Pss") / 1024
        return {"processes": len(pids), "max_hwm": peak, "pss_total": pss}

    def cpu_seconds(self) -> float:
        """User plus system CPU time the running services have used so far, from /proc: a figure the other
        programs on a shared machine do not change, unlike wall time."""
        ticks = 0
        for process in self.processes.values():
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> "ServiceProcesses":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _parent_of(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _kb(text: str, field: str) -> int:
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value.split()[0])
    return 0
