"""Runs Wirelog's own services (`wirelog ingest|normalize|store`) as processes against the bench's Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from redis import Redis

from schemas.streams import NORMALIZE_GROUP, STORE_GROUP
from services.common.embedded import free_port
from services.common.settings import Settings


class ServiceProcesses:
    """Started and stopped by the scenario that owns them; each logs to a file in `workdir`."""

    def __init__(self, redis_url: str, workdir: Path, prefix: str, names: tuple[str, ...], env: dict | None = None):
        self.workdir = workdir
        self.names = names
        self.ingest_port, self.store_port = free_port(), free_port()
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
        self.settings = Settings(redis_url=redis_url, stream_prefix=prefix, store_url=self.env["WIRELOG_STORE_URL"])
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    def start(self, timeout: float = 120.0) -> None:
        for name in self.names:
            # The child keeps the file open for as long as it runs.
            log = open(self.workdir / f"{self.settings.stream_prefix}-{name}.log", "ab")  # noqa: SIM115
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "services.cli", name], env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        for name in self.names:
            while not self._ready(name):
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"wirelog {name} exited; see {self.workdir}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"wirelog {name} not ready within {timeout}s")
                time.sleep(0.05)

    def _ready(self, name: str) -> bool:
        if name == "ingest":
            return _answers(f"{self.ingest_url}/readyz")
        streams = self.settings.streams
        # The stage loops create their group once their resources are loaded: that is when they consume.
        stream, group = (streams.raw, NORMALIZE_GROUP) if name == "normalize" else (streams.normalized, STORE_GROUP)
        if name == "store" and not _answers(f"http://127.0.0.1:{self.store_port}/readyz"):
            return False
        redis = Redis.from_url(self.settings.redis_url, decode_responses=True)
        try:
            return any(info["name"] == group for info in redis.xinfo_groups(stream))
        except Exception:  # noqa: BLE001 - no stream yet
            return False
        finally:
            redis.close()

    def memory_mb(self, name: str) -> dict[str, float]:
        """VmRSS and VmHWM (peak) of a running service, from /proc."""
        fields = {}
        for line in Path(f"/proc/{self.processes[name].pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
        return fields

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
