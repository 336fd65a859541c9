"""The pipeline as three service processes on one Redis, the way a user runs it; shared by the e2e tests."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from services.common.embedded import free_port
from tests.conftest import fixture_text


class Pipeline:
    def __init__(self, redis_url: str, tmp: Path):
        self.prefix = f"e2e{uuid.uuid4().hex[:8]}"
        self.ingest_port, self.store_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "WIRELOG_STREAM_PREFIX": self.prefix,
            "WIRELOG_STORE_URL": f"sqlite:///{tmp / 'store.db'}",
            "WIRELOG_INGEST_PORT": str(self.ingest_port),
            "WIRELOG_STORE_PORT": str(self.store_port),
            "WIRELOG_BLOCK_MS": "100",
            "WIRELOG_NORMALIZE_METRICS_PORT": str(free_port()),
            "WIRELOG_LOG_FORMAT": "json",
        }
        self.logs = tmp
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, service: str) -> None:
        log = open(self.logs / f"{service}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[service] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", service], env=self.env, stdout=log, stderr=log
        )

    def stop(self, service: str) -> None:
        process = self.processes.pop(service)
        process.terminate()
        process.wait(timeout=20)

    def wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
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
