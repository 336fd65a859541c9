"""The pipeline as three service processes on one Redis, the way a user runs it; shared by the e2e tests."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from services.common.embedded import free_port
from services.common.redis import is_cluster, sync_client
from services.common.settings import StreamNames
from tests.conftest import fixture_text


class Pipeline:
    """`workers` processes per stage (every store worker also serves the API; `store_port` is the first's)."""

    def __init__(self, redis_url: str, tmp: Path, partitions: int = 1, workers: int = 1, store_url: str | None = None):
        self.prefix = f"e2e{uuid.uuid4().hex[:8]}"
        self.workers = workers
        self.ingest_port = free_port()
        self.store_ports = [free_port() for _ in range(workers)]
        self.store_port = self.store_ports[0]
        self.metrics_ports = [free_port() for _ in range(workers)]
        self.streams = StreamNames(self.prefix, partitions, tagged=is_cluster(redis_url))
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "WIRELOG_PARTITIONS": str(partitions),
            "WIRELOG_LEASE_MS": "2000",
            "WIRELOG_STREAM_PREFIX": self.prefix,
            "WIRELOG_STORE_URL": store_url or f"sqlite:///{tmp / 'store.db'}",
            "WIRELOG_INGEST_PORT": str(self.ingest_port),
            "WIRELOG_STORE_PORT": str(self.store_port),
            "WIRELOG_BLOCK_MS": "100",
            "WIRELOG_LOG_FORMAT": "json",
        }
        self.logs = tmp
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, service: str) -> None:
        """Every worker of the service: ingest once, normalize and store `workers` times."""
        for number in range(1 if service == "ingest" else self.workers):
            self.start_worker(service, number)

    def start_worker(self, service: str, number: int = 0) -> str:
        name = service if number == 0 else f"{service}-{number}"
        env = {
            **self.env,
            "WIRELOG_STORE_PORT": str(self.store_ports[number]),
            "WIRELOG_NORMALIZE_METRICS_PORT": str(self.metrics_ports[number]),
        }
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", service], env=env, stdout=log, stderr=log
        )
        return name

    def stop(self, service: str) -> None:
        for name in [name for name in self.processes if name == service or name.startswith(f"{service}-")]:
            process = self.processes.pop(name)
            process.terminate()
            process.wait(timeout=20)

    def client(self):  # noqa: ANN201
        """A plain redis-py client of the pipeline's server: a cluster client when it is a cluster."""
        return sync_client(self.env["REDIS_URL"])

    def normalized_entries(self) -> list[tuple[str, dict]]:
        """(stream id, event) of every partition of the normalised log, partition by partition."""
        client = self.client()
        return [
            (entry_id, json.loads(fields["event"]))
            for partition in self.streams.partitions
            for entry_id, fields in client.xrange(partition.normalized)
        ]

    def wait_ready(self) -> None:
        """Every worker up: ingest and store answer /readyz, normalize serves its metrics (after loading)."""
        self.wait_healthy(self.ingest_port)
        for number in range(self.workers):
            self.wait_healthy(self.store_ports[number])
            self.wait_healthy(self.metrics_ports[number], "/metrics")

    def wait_healthy(self, port: int, path: str = "/readyz") -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"service on {port} never became ready; logs in {self.logs}")

    def push(self, name: str) -> httpx.Response:
        return httpx.post(
            f"http://127.0.0.1:{self.ingest_port}/v1/bulletins",
            params={"source": "e2e-desk"},
            content=fixture_text(name).encode(),
            headers={"Content-Type": "text/plain"},
            timeout=10,
        )

    def events(self, **params) -> list[dict]:
        response = httpx.get(f"http://127.0.0.1:{self.store_port}/v1/events", params={"limit": 1000, **params})
        return response.json()["items"]

    def wait_for_events(self, count: int, timeout: float = 60.0, **params) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(**params)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} events, have {len(self.events(**params))}; logs in {self.logs}")

    def close(self) -> None:
        for service in list(self.processes):
            self.stop(service)
