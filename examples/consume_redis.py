"""A downstream consumer of wirelog:normalized that needs nothing but redis-py.

It reads with its own consumer group, writes each event to an NDJSON file, flushes it to disk, and only then
acks. After a crash it first re-reads its own pending entries and skips those already in the file (event ids
are deterministic), so the file ends up with every event exactly once.

    python examples/consume_redis.py --redis redis://127.0.0.1:6379/0 --group analytics --out events.ndjson
"""

import argparse
import json
import os
import signal

import redis


def seen_ids(path):
    if not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as lines:
        return {json.loads(line)["id"] for line in lines if line.strip()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--stream", default="wirelog:normalized")
    parser.add_argument("--group", default="example-consumer")
    parser.add_argument("--consumer", default="consumer-1", help="keep it stable across restarts")
    parser.add_argument("--out", default="events.ndjson")
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis, decode_responses=True)
    try:
        client.xgroup_create(args.stream, args.group, id="0", mkstream=True)  # id=0: the history too
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    seen = seen_ids(args.out)
    with open(args.out, "a", encoding="utf-8") as out:
        read_from = "0"  # first our own pending entries (a previous run's), then new ones
        while not stopping:
            reply = client.xreadgroup(args.group, args.consumer, {args.stream: read_from}, count=100, block=1000)
            entries = reply[0][1] if reply else []
            if read_from == "0" and not entries:
                read_from = ">"
                continue
            for entry_id, fields in entries:
                event = json.loads(fields["event"])
                if event["id"] not in seen:
                    out.write(json.dumps(event) + "\n")
                    seen.add(event["id"])
            out.flush()
            os.fsync(out.fileno())
            if entries:
                client.xack(args.stream, args.group, *[entry_id for entry_id, _ in entries])
                print(f"stored {len(entries)} events, {len(seen)} in all", flush=True)
                if read_from != ">":
                    read_from = entries[-1][0]


if __name__ == "__main__":
    main()
