"""The normalize service on worker processes, as a multi-core machine runs it: same results, no orphans."""

import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import running
from tests.e2e.pipeline import Pipeline

pytestmark = pytest.mark.e2e


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
def test_normalize_on_two_worker_processes_stores_everything_and_leaves_no_orphans_when_killed(redis_url, tmp_path):
    pipeline = Pipeline(redis_url, tmp_path)
    pipeline.env["WIRELOG_NORMALIZE_PROCESSES"] = "2"
    with running(pipeline):
        first = pipeline.push("bulletin-2024-06-13.txt").json()["bulletin_ids"][0]
        items = pipeline.wait_for_events(7, bulletin=first)
        assert [item["position"] for item in items] == list(range(7))
        assert items[0]["dates"] and items[0]["places"]

        service = pipeline.processes["normalize"]
        workers = _children(service.pid)
        assert len(workers) == 2
        service.send_signal(signal.SIGKILL)  # no shutdown code runs: the workers must notice by themselves
        service.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers)
        pipeline.processes.pop("normalize")

        later = pipeline.push("bulletin-2024-06-14.txt").json()["bulletin_ids"][0]
        pipeline.start("normalize")
        assert len(pipeline.wait_for_events(3, bulletin=later)) == 3
