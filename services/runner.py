"""`wirelog run`: the whole pipeline on one machine, each service its own process, Redis embedded if needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from services.common.embedded import EmbeddedRedis
from services.common.settings import Settings

SERVICES = ("ingest", "normalize", "store")


def spawn(service: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "services.cli", service], env=env)


def run_all(settings: Settings, data_dir: str = ".wirelog") -> int:
    data = Path(data_dir)
    env = dict(os.environ)
    embedded = None
    if not (os.environ.get("REDIS_URL") or os.environ.get("WIRELOG_REDIS_URL")):
        embedded = EmbeddedRedis(data / "redis")
        env["REDIS_URL"] = embedded.start()
        print(f"embedded Redis: {env['REDIS_URL']} (AOF on, data in {data / 'redis'})", flush=True)
    if "WIRELOG_STORE_URL" not in os.environ:
        env["WIRELOG_STORE_URL"] = f"sqlite:///{data / 'store.db'}"
    processes = {name: spawn(name, env) for name in SERVICES}
    print(
        f"ingest:    http://{settings.ingest_host}:{settings.ingest_port}/v1/bulletins\n"
        f"query API: http://{settings.store_host}:{settings.store_port}/v1/events\n"
        f"web view:  http://{settings.store_host}:{settings.store_port}/\n"
        f"metrics:   http://{settings.ingest_host}:{settings.ingest_port}/metrics, "
        f"http://{settings.normalize_metrics_host}:{settings.normalize_metrics_port}/metrics, "
        f"http://{settings.store_host}:{settings.store_port}/metrics\n"
        f"store:     {env['WIRELOG_STORE_URL']}\n"
        "Ctrl-C stops everything.",
        flush=True,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for name, process in list(processes.items()):
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; restarting it", file=sys.stderr, flush=True)
                    time.sleep(1)
                    processes[name] = spawn(name, env)
            time.sleep(0.2)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if embedded:
            embedded.stop()
    return code
