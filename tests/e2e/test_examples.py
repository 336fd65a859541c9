"""The examples as users run them: the redis-py consumer survives SIGKILL without gaps or repeats."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_py


pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).parents[2] / "examples"


def start_consumer(pipeline, out):
    command = [
        sys.executable, str(EXAMPLES / "consume_redis.py"), "--redis", pipeline.env["REDIS_URL"],
        "--stream", f"{pipeline.prefix}:normalized", "--group", "example", "--out", str(out),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def lines(out):
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def wait_for_lines(out, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(lines(out)) >= count:
            return lines(out)
        time.sleep(0.1)
    raise AssertionError(f"consumer wrote {len(lines(out))} of {count} events")


def test_redis_consumer_resumes_after_sigkill_without_gaps_or_repeats(pipeline, tmp_path):
    out = tmp_path / "events.ndjson"
    consumer = start_consumer(pipeline, out)
    pipeline.push("bulletin-2024-06-13.txt")
    wait_for_lines(out, 7)
    consumer.send_signal(signal.SIGKILL)
    consumer.wait()
    pipeline.push("bulletin-2024-06-14.txt")
    pipeline.wait_for_events(10)
    consumer = start_consumer(pipeline, out)
    try:
        received = wait_for_lines(out, 10)
        time.sleep(0.5)
        received = lines(out)
    finally:
        consumer.terminate()
        consumer.wait(timeout=10)
    client = redis_py.Redis.from_url(pipeline.env["REDIS_URL"], decode_responses=True)
    logged = [json.loads(f["event"])["id"] for _, f in client.xrange(f"{pipeline.prefix}:normalized")]
    assert [event["id"] for event in received] == logged
    assert client.xpending(f"{pipeline.prefix}:normalized", "example")["pending"] == 0
