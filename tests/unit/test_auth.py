"""Tokens, scopes, per-source grants, the rate limiter and the refusal to listen openly beyond this machine."""

import json

import pytest

from services.common.auth import (
    ExposedWithoutTokens,
    Grant,
    TokenBucket,
    TokenConfigError,
    access_from_settings,
    check_exposure,
    is_loopback,
    parse_tokens,
    token_digest,
)
from services.common.settings import Settings

PUSHER = "p" * 32
READER = "r" * 40


def tokens(*entries: dict) -> str:
    return json.dumps(list(entries))


def test_tokens_are_kept_only_as_digests_and_authenticate_by_value():
    grants = parse_tokens(tokens({"name": "desk", "token": PUSHER, "scopes": ["push"], "sources": ["desk"]}))
    assert list(grants) == [token_digest(PUSHER)]
    assert PUSHER not in repr(grants)
    access = access_from_settings(Settings(tokens=tokens({"name": "desk", "token": PUSHER, "scopes": ["push"]})))
    assert access.authenticate(PUSHER).name == "desk"
    assert access.authenticate(PUSHER[:-1] + "q") is None
    assert access.authenticate("") is None


def test_a_token_can_be_configured_by_its_sha256_alone():
    access = access_from_settings(Settings(tokens=tokens({"name": "r", "sha256": token_digest(READER), "scopes": ["read"]})))
    assert access.authenticate(READER).scopes == {"read"}


def test_tokens_come_from_a_token_file_too(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text(tokens({"name": "ops", "token": READER, "scopes": ["admin", "read"]}))
    access = access_from_settings(Settings(token_file=str(path)))
    assert not access.open and access.authenticate(READER).scopes == {"admin", "read"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"name": "x"}', "JSON list"),
        (tokens({"token": PUSHER, "scopes": ["push"]}), "needs a name"),
        (tokens({"name": "short", "token": "abc", "scopes": ["push"]}), "at least 24"),
        (tokens({"name": "x", "token": PUSHER, "scopes": ["write"]}), "scopes"),
        (tokens({"name": "x", "token": PUSHER, "scopes": []}), "scopes"),
        (tokens({"name": "x", "sha256": "zz", "scopes": ["read"]}), "64 hex"),
        (tokens({"name": "x", "token": PUSHER, "scopes": ["push"], "sources": "desk"}), "sources"),
        (tokens({"name": "a", "token": PUSHER, "scopes": ["push"]}, {"name": "b", "token": PUSHER, "scopes": ["read"]}), "twice"),
    ],
)
def test_a_bad_token_configuration_is_refused_without_echoing_the_token(config, message):
    with pytest.raises(TokenConfigError, match=message) as error:
        parse_tokens(config)
    assert PUSHER not in str(error.value)


def test_a_missing_token_file_is_refused(tmp_path):
    with pytest.raises(TokenConfigError, match="token file"):
        access_from_settings(Settings(token_file=str(tmp_path / "absent.json")))


def test_settings_never_show_the_tokens():
    settings = Settings(tokens=tokens({"name": "desk", "token": PUSHER, "scopes": ["push"]}), push_token=PUSHER)
    assert PUSHER not in repr(settings) and PUSHER not in str(settings.model_dump())


def test_a_source_restricted_grant_pushes_only_for_its_sources():
    grant = Grant("desk", frozenset({"push"}), frozenset({"desk", "desk-2"}))
    assert grant.may_push_for("desk") and grant.may_push_for("desk-2")
    assert not grant.may_push_for("other")
    assert Grant("any", frozenset({"push"})).may_push_for("other")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_allows_a_burst_then_says_how_long_to_wait():
    clock = Clock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    assert [bucket.retry_after("a") for _ in range(3)] == [None, None, None]
    assert bucket.retry_after("a") == 1
    assert bucket.retry_after("b") is None  # each token has its own bucket
    clock.now += 0.5
    assert bucket.retry_after("a") is None
    assert bucket.retry_after("a") == 1


def test_a_slow_rate_asks_for_a_longer_wait():
    bucket = TokenBucket(rate=0.1, burst=1, clock=Clock())
    assert bucket.retry_after("a") is None
    assert bucket.retry_after("a") == 10


def test_rate_zero_means_no_limit():
    bucket = TokenBucket(rate=0, burst=1, clock=Clock())
    assert all(bucket.retry_after("a") is None for _ in range(1000))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("example.org", False)],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_without_tokens_a_service_listens_on_loopback_only_and_says_so():
    notice = check_exposure(Settings(), "127.0.0.1")
    assert "no API tokens" in notice and "127.0.0.1" in notice
    with pytest.raises(ExposedWithoutTokens, match="0.0.0.0"):
        check_exposure(Settings(), "0.0.0.0")


def test_with_tokens_a_service_may_listen_anywhere_quietly():
    settings = Settings(tokens=tokens({"name": "desk", "token": PUSHER, "scopes": ["push"]}))
    assert check_exposure(settings, "0.0.0.0") is None


@pytest.fixture
def cli_logging():
    """The CLI configures structlog onto the captured stderr; later tests must not write to it once closed.

    A service that starts anyway fails the test instead of serving forever.
    """
    import structlog
    import uvicorn

    monkey = pytest.MonkeyPatch()
    monkey.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("the service started instead of refusing"))
    yield
    monkey.undo()
    structlog.reset_defaults()


def test_cli_refuses_to_start_ingest_on_an_open_address(monkeypatch, capsys, cli_logging):
    from services.cli import main

    monkeypatch.setenv("WIRELOG_INGEST_HOST", "0.0.0.0")
    monkeypatch.delenv("WIRELOG_TOKENS", raising=False)
    monkeypatch.delenv("WIRELOG_TOKEN_FILE", raising=False)
    assert main(["ingest"]) == 2
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err


def test_cli_refuses_to_start_the_store_with_a_broken_token_configuration(monkeypatch, capsys, cli_logging):
    from services.cli import main

    monkeypatch.setenv("WIRELOG_TOKENS", "[{]")
    assert main(["store"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
