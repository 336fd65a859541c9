"""The normalize service on worker processes, as a multi-core machine runs it: results, and no orphans, even after
a worker died and was replaced."""

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running
from tests.e2e.pipeline import Pipeline

pytestmark = pytest.mark.e2e


THIRD = {
    "source": "e2e-desk",
    "published_at": "2024-06-12",
    "items": [
        {"text": "Rail traffic between Odesa and Kyiv resumed on Wednesday after repairs near Vinnytsia."},
        {"text": "Three ships left the port of Odesa on Wednesday, the port authority said."},
        {"text": "Scheduled power cuts in Kharkiv will end on Thursday, the mayor said."},
    ],
}


def _push_json(pipeline: Pipeline, bulletin: dict) -> httpx.Response:
    return httpx.post(f"http://127.0.0.1:{pipeline.ingest_port}/v1/bulletins", json=bulletin, timeout=10)


def _children(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(proc.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process parents from /proc (Linux)")
def test_normalize_on_worker_processes_survives_a_dead_worker_and_leaves_no_orphans_when_killed(redis_url, tmp_path):
    pipeline = Pipeline(redis_url, tmp_path)
    pipeline.env["WIRELOG_NORMALIZE_PROCESSES"] = "2"
    with running(pipeline):
        first = pipeline.push("bulletin-2024-06-13.txt").json()["bulletin_ids"][0]
        items = pipeline.wait_for_events(7, bulletin=first)
        assert [item["position"] for item in items] == list(range(7))
        assert items[0]["dates"] and items[0]["places"]

        service = pipeline.processes["normalize"]
        first_workers = _children(service.pid)
        assert len(first_workers) == 2
        # A worker killed: the next batch finds the pool broken, and the service forks new workers from inside
        # its running event loop (with its signal handlers set): those too must die with it.
        os.kill(first_workers[0], signal.SIGKILL)
        second = pipeline.push("bulletin-2024-06-14.txt").json()["bulletin_ids"][0]
        assert len(pipeline.wait_for_events(3, bulletin=second)) == 3  # on new workers (the pool broke while idle)
        third = _push_json(pipeline, THIRD).json()["bulletin_ids"][0]
        assert len(pipeline.wait_for_events(3, bulletin=third)) == 3
        workers = [pid for pid in _children(service.pid) if _alive(pid)]
        assert len(workers) == 2 and not set(workers) & set(first_workers)  # both replaced, forked by the running service

        service.send_signal(signal.SIGKILL)  # no shutdown code runs: the workers must notice by themselves
        service.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers + first_workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers + first_workers)
        pipeline.processes.pop("normalize")
