"""The load generator, a process of its own: POSTs prepared bodies to ingest over keep-alive HTTP/1.1 on loopback.

    python -m benchmarks.load URL BODIES.json OUT.json [--concurrency C] [--rate R] [--duration S]

Without --rate it sends as fast as C connections allow (for at most S seconds); with --rate it starts request n at
start + n/R whatever the answers, and times each from that scheduled moment, so a slow server is not excused
(no coordinated omission). A tiny hand-written client keeps the generator's own CPU cost small on a 2-core box.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from urllib.parse import urlsplit


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        length = 0
        for line in header.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)


async def send_all(url: str, bodies: list[bytes], concurrency: int, rate: float | None, duration: float) -> dict:
    parts = urlsplit(url)
    connections = [Connection(parts.hostname or "127.0.0.1", parts.port or 80) for _ in range(concurrency)]
    await asyncio.gather(*(connection.open() for connection in connections))
    queue: asyncio.Queue = asyncio.Queue()
    results: list[dict] = []
    started = time.perf_counter()
    wall_start = time.time()

    async def worker(connection: Connection) -> None:
        while (job := await queue.get()) is not None:
            index, scheduled = job
            if scheduled is None:
                scheduled = time.perf_counter()
            status, answer = await connection.post(parts.path or "/", bodies[index])
            done = time.perf_counter()
            sent_at = wall_start + scheduled - started
            result = {"index": index, "status": status, "latency_s": done - scheduled, "sent_at": sent_at}
            if rate is not None:
                result["bulletin_ids"] = json.loads(answer).get("bulletin_ids", []) if status == 202 else []
            results.append(result)

    workers = [asyncio.create_task(worker(connection)) for connection in connections]
    for index in range(len(bodies)):
        if rate is not None:
            scheduled = started + index / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            queue.put_nowait((index, scheduled))
        else:
            if time.perf_counter() - started > duration:
                break
            queue.put_nowait((index, None))
            if queue.qsize() > concurrency * 2:
                while queue.qsize() > concurrency:
                    await asyncio.sleep(0.001)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    seconds = time.perf_counter() - started
    for connection in connections:
        connection.writer.close()
    return {"seconds": seconds, "results": results}


def run_load(
    url: str, bodies: list[str], workdir: Path, concurrency: int = 4, rate: float | None = None, duration: float = 10.0
) -> dict:
    """Run the generator as a separate process and return what it measured."""
    import subprocess
    import sys

    bodies_path, out_path = workdir / "load-bodies.json", workdir / "load-out.json"
    bodies_path.write_text(json.dumps(bodies), encoding="utf-8")
    command = [sys.executable, "-m", "benchmarks.load", url, str(bodies_path), str(out_path)]
    command += ["--concurrency", str(concurrency), "--duration", str(duration)]
    if rate is not None:
        command += ["--rate", str(rate)]
    subprocess.run(command, check=True)
    return json.loads(out_path.read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("url")
    parser.add_argument("bodies")
    parser.add_argument("out")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate", type=float, default=None, help="requests per second (fixed-rate mode)")
    parser.add_argument("--duration", type=float, default=10.0, help="at most this many seconds (throughput mode)")
    args = parser.parse_args()
    bodies = [body.encode() for body in json.loads(Path(args.bodies).read_text(encoding="utf-8"))]
    outcome = asyncio.run(send_all(args.url, bodies, args.concurrency, args.rate, args.duration))
    Path(args.out).write_text(json.dumps(outcome), encoding="utf-8")


if __name__ == "__main__":
    main()
