"""Redis ACL users through REDIS_URL on the real test server: the right password connects, a wrong one does not."""

import uuid

import pytest
import redis as redis_py
from redis.exceptions import AuthenticationError, ResponseError

from services.common.redis import sync_client
from services.common.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def acl_user(redis_url):
    admin = redis_py.Redis.from_url(redis_url)
    name, password = f"wirelog-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    try:
        admin.execute_command("ACL", "SETUSER", name, "on", f">{password}", "~*", "+@all")
    except ResponseError as exc:
        pytest.skip(f"this Redis does not let the tests create ACL users: {exc}")
    yield name, password
    admin.execute_command("ACL", "DELUSER", name)
    admin.close()


def with_credentials(url: str, user: str, password: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest.split('@')[-1]}"


def test_an_acl_user_in_redis_url_connects_and_a_wrong_password_is_refused(redis_url, acl_user):
    name, password = acl_user
    good = Settings(redis_url=with_credentials(redis_url, name, password))
    client = sync_client(good.redis_url)
    assert client.acl_whoami() == name
    client.close()
    bad = sync_client(Settings(redis_url=with_credentials(redis_url, name, "wrong")).redis_url)
    with pytest.raises(AuthenticationError):
        bad.ping()
    bad.close()
