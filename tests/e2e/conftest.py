"""Fixtures of the end-to-end tests: the pipeline on one Redis server, or partitioned on a Redis Cluster."""

from contextlib import ExitStack, contextmanager

import pytest

from tests.conftest import fresh_postgres_database
from tests.e2e.pipeline import Pipeline

CLUSTER_PARTITIONS = 4
CLUSTER_WORKERS = 2


@contextmanager
def running(pipeline: Pipeline):
    try:
        for service in ("ingest", "normalize", "store"):
            pipeline.start(service)
        pipeline.wait_ready()
        yield pipeline
    finally:
        pipeline.close()


@contextmanager
def cluster_pipeline(cluster_url, tmp_path, postgres_admin_url, **env):
    """4 partitions on a 3-primary cluster, two workers per stage; PostgreSQL as the store when a server answers
    (the store for this mode), SQLite otherwise."""
    with ExitStack() as stack:
        store_url = stack.enter_context(fresh_postgres_database(postgres_admin_url)) if postgres_admin_url else None
        pipeline = Pipeline(cluster_url, tmp_path, CLUSTER_PARTITIONS, CLUSTER_WORKERS, store_url)
        pipeline.env.update(env)
        yield stack.enter_context(running(pipeline))


@pytest.fixture
def pipeline(redis_url, tmp_path):
    with running(Pipeline(redis_url, tmp_path)) as pipeline:
        yield pipeline


@pytest.fixture(params=["one server", "cluster"])
def any_pipeline(request, tmp_path):
    """The same tests on one server with one partition, and on a Redis Cluster with partitions and competing workers."""
    if request.param == "one server":
        with running(Pipeline(request.getfixturevalue("redis_url"), tmp_path)) as pipeline:
            yield pipeline
        return
    cluster_url = request.getfixturevalue("cluster_url")
    with cluster_pipeline(cluster_url, tmp_path, request.getfixturevalue("postgres_admin_url")) as pipeline:
        yield pipeline
