"""Schema-driven fuzzing of ingest and the query API (schemathesis + hypothesis) against their own OpenAPI documents.

Every generated request, valid or not, must get a status its operation documents and never a 5xx; what was
accepted before the run must all be there afterwards. WIRELOG_FUZZ_EXAMPLES sets the total (default 5,000).
"""

import json
import math
import os
import time
from collections import Counter
from datetime import UTC, datetime

import hypothesis
import pytest
import redis as redis_py
import requests
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis.generation import GenerationMode

from services.ingest.app import create_app as create_ingest_app
from services.store.app import create_app as create_store_app
from services.store.database import Database
from services.store.queries import EventFilters, list_events
from tests.integration.helpers import received, serving

pytestmark = pytest.mark.integration

TOTAL = int(os.environ.get("WIRELOG_FUZZ_EXAMPLES", "5000"))
# Paths to leave out while someone works on them, comma-separated (default: none).
SKIP = {path for path in os.environ.get("WIRELOG_FUZZ_SKIP", "").split(",") if path}
PUSHER, READER = "fuzz-pusher-" + "p" * 24, "fuzz-reader-" + "r" * 24
TOKENS = json.dumps(
    [{"name": "pusher", "token": PUSHER, "scopes": ["push"]}, {"name": "reader", "token": READER, "scopes": ["read"]}]
)
# Share of the total per operation: pushing is where hostile bodies go.
WEIGHTS = {("POST", "/v1/bulletins"): 4, ("GET", "/v1/events"): 3}


@schemathesis.serializer("application/x-ndjson", "application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
def as_text(ctx, value):
    # Lone surrogates pass through as the invalid UTF-8 bytes a hostile client would send.
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()


def fuzzable(schema):
    """Every /v1 operation except server-sent event streams, which never end."""
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/v1") and not operation.path.endswith("/stream") and operation.path not in SKIP:
            yield operation


def fuzz(operation, base_url, headers, examples, statuses, session):
    documented = {str(code) for code in operation.definition.raw["responses"]}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @hypothesis.settings(
            max_examples=max(1, examples // 2),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            response = case.call(base_url=base_url, headers=headers, session=session, timeout=30)
            statuses[(operation.method.upper(), operation.path, response.status_code)] += 1
            assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
            assert str(response.status_code) in documented or "default" in documented, (
                f"{response.status_code} not documented for {operation.method} {operation.path}",
                case.as_curl_command(),
                response.text[:300],
            )

        run()


def test_fuzzed_requests_get_documented_4xx_and_lose_nothing(settings, redis_url, normalizer):
    fuzz_settings = settings.model_copy(update={"tokens": TOKENS, "rate_limit_per_second": 100_000.0, "rate_limit_burst": 100_000})
    client = redis_py.Redis.from_url(redis_url, decode_responses=True)
    before = [received(text=f"Fuzz anchor {n}: shelling hit Kharkiv on Monday.") for n in range(3)]
    db = Database(settings.store_url)
    normalized = [item for event in before for item in normalizer.normalize(event, datetime.now(UTC))]
    db.apply_batch([(f"{n + 1}-0", item) for n, item in enumerate(normalized)], settings.streams.normalized)
    ingest_app, store_app = create_ingest_app(fuzz_settings), create_store_app(fuzz_settings, consume=False)
    statuses: Counter = Counter()
    try:
        with serving(ingest_app) as ingest_url, serving(store_app) as store_url:
            import httpx

            anchors = httpx.post(
                f"{ingest_url}/v1/bulletins",
                json=[json.loads(e.data.model_dump_json(include={"source", "published_at", "items"})) for e in before],
                headers={"Authorization": f"Bearer {PUSHER}"},
            ).json()
            assert anchors["accepted"] == 3
            targets = [
                (ingest_app, ingest_url, PUSHER),
                (store_app, store_url, READER),
            ]
            operations = [
                (operation, url, token)
                for app, url, token in targets
                for operation in fuzzable(schemathesis.openapi.from_dict(app.openapi()))
            ]
            weights = [WEIGHTS.get((op.method.upper(), op.path), 1) for op, _, _ in operations]
            session = requests.Session()  # one keep-alive connection: the run measures the API, not TCP set-up
            for (operation, url, token), weight in zip(operations, weights, strict=True):
                # 5% over: hypothesis stops early on operations whose inputs it has exhausted.
                examples = math.ceil(TOTAL * weight * 1.05 / sum(weights))
                started = time.monotonic()
                fuzz(operation, url, {"Authorization": f"Bearer {token}"}, examples, statuses, session)
                print(f"  {operation.method.upper()} {operation.path}: {examples} examples in {time.monotonic() - started:.1f}s")
            assert httpx.get(f"{ingest_url}/readyz").status_code == 200  # no stuck worker
            assert httpx.get(f"{store_url}/readyz").status_code == 200
        raw_ids = {json.loads(fields["event"])["data"]["bulletin_id"] for _, fields in client.xrange(settings.streams.raw)}
        assert set(anchors["bulletin_ids"]) <= raw_ids
        assert client.hlen(settings.streams.bulletin_index) == client.xlen(settings.streams.raw)
        stored = {row["id"] for row in list_events(db, EventFilters(), 1000, None)["items"]}
        assert {item.id for item in normalized} <= stored
    finally:
        for key in client.scan_iter(match=f"{settings.stream_prefix}:*"):
            client.delete(key)
        client.close()
    total = sum(statuses.values())
    summary = Counter()
    for (method, path, status), count in statuses.items():
        summary[f"{method} {path} {status}"] += count
    print(f"\nfuzzed {total} requests: " + ", ".join(f"{k}: {v}" for k, v in sorted(summary.items())))
    assert total >= TOTAL
