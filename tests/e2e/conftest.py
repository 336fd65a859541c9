"""Fixtures of the end-to-end tests."""

import pytest

from tests.e2e.pipeline import Pipeline


@pytest.fixture
def pipeline(redis_url, tmp_path):
    pipeline = Pipeline(redis_url, tmp_path)
    for service in ("ingest", "normalize", "store"):
        pipeline.start(service)
    pipeline.wait_healthy(pipeline.ingest_port)
    pipeline.wait_healthy(pipeline.store_port)
    yield pipeline
    pipeline.close()
