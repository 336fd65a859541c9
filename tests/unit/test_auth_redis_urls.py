"""The REDIS_URL forms settings accept: ACL user and password, TLS with rediss://, unix sockets; others refused."""

import pytest
import redis
from pydantic import ValidationError

from services.common.redis import sync_client
from services.common.settings import Settings


@pytest.mark.parametrize(
    ("url", "username", "password", "tls"),
    [
        ("redis://127.0.0.1:6379/0", None, None, False),
        ("redis://:s3cret@redis.internal:6380/2", None, "s3cret", False),
        ("redis://wirelog:s3cret@redis.internal:6379/0", "wirelog", "s3cret", False),
        ("rediss://wirelog:s3cret@redis.internal:6380/0", "wirelog", "s3cret", True),
        ("rediss://redis.internal:6380/0?ssl_cert_reqs=required", None, None, True),
        ("unix:///run/redis/redis.sock?db=1", None, None, False),
    ],
)
def test_accepted_redis_urls_reach_the_client_with_their_credentials(url, username, password, tls):
    settings = Settings(redis_url=url)
    pool = sync_client(settings.redis_url).connection_pool
    kwargs = pool.connection_kwargs
    assert kwargs.get("username") == username
    assert kwargs.get("password") == password
    assert issubclass(pool.connection_class, redis.SSLConnection) is tls


def test_redis_url_comes_from_redis_url_or_its_wirelog_name(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "rediss://u:p@h:1/0")
    assert Settings().redis_url == "rediss://u:p@h:1/0"
    monkeypatch.setenv("WIRELOG_REDIS_URL", "redis://h:2/0")
    assert Settings().redis_url == "redis://h:2/0"


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "127.0.0.1:6379", "tcp://h:1", ""])
def test_other_urls_are_refused_at_start(url):
    with pytest.raises(ValidationError, match="redis://"):
        Settings(redis_url=url)
