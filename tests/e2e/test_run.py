"""`wirelog run` as `make run` starts it on a fresh machine: no REDIS_URL, the default relative data directory,
an embedded Redis and SQLite; a pushed bulletin becomes queryable, and Ctrl-C stops everything."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from services.common.embedded import free_port
from tests.conftest import fixture_text

pytestmark = pytest.mark.e2e


def test_wirelog_run_starts_the_pipeline_on_an_embedded_redis_from_a_relative_data_dir(tmp_path):
    ingest, store, metrics = free_port(), free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "WIRELOG_REDIS_URL")}
    env |= {
        "WIRELOG_INGEST_PORT": str(ingest),
        "WIRELOG_STORE_PORT": str(store),
        "WIRELOG_NORMALIZE_METRICS_PORT": str(metrics),
        "WIRELOG_BLOCK_MS": "100",
        "WIRELOG_LOG_FORMAT": "json",
    }
    env.pop("WIRELOG_STORE_URL", None)
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - closed below
    runner = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "run"], cwd=tmp_path, env=env, stdout=log, stderr=log
    )
    try:
        body = fixture_text("bulletin-2024-06-13.txt").encode()
        deadline = time.monotonic() + 120
        accepted = None
        while time.monotonic() < deadline and accepted is None:
            assert runner.poll() is None, (tmp_path / "run.log").read_text()
            try:
                answer = httpx.post(f"http://127.0.0.1:{ingest}/v1/bulletins?source=desk", content=body,
                                    headers={"Content-Type": "text/plain"}, timeout=5)
                accepted = answer.json() if answer.status_code == 202 else None
            except httpx.HTTPError:
                time.sleep(0.5)
        assert accepted is not None, (tmp_path / "run.log").read_text()
        items = []
        while time.monotonic() < deadline and len(items) < accepted["results"][0]["items"]:
            try:
                items = httpx.get(f"http://127.0.0.1:{store}/v1/events", timeout=5).json()["items"]
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        assert len(items) == accepted["results"][0]["items"] == 7
        assert (tmp_path / ".wirelog" / "redis").is_dir() and (tmp_path / ".wirelog" / "store.db").is_file()
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            code = runner.wait(timeout=30)
        finally:
            if runner.poll() is None:
                runner.kill()
            log.close()
    assert code == 0, (tmp_path / "run.log").read_text()[-2000:]
