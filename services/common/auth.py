"""Access control at the HTTP edge of ingest and the query API: tokens, scopes, per-token rate limits, request gates."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

if TYPE_CHECKING:
    from services.common.settings import Settings

Scope = Literal["push", "read", "admin"]
SCOPES: frozenset[str] = frozenset(get_args(Scope))
# sha256 without salt is sound only for tokens nobody could guess: refuse short ones.
MIN_TOKEN_CHARS = 24


class TokenConfigError(ValueError):
    """WIRELOG_TOKENS or the token file cannot be used; the service does not start."""


class ExposedWithoutTokens(RuntimeError):
    """A service would listen beyond this machine while anyone may call it."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Grant:
    """What one token may do. `sources` None means any source."""

    name: str
    scopes: frozenset[str]
    sources: frozenset[str] | None = None

    def may_push_for(self, source: str) -> bool:
        return self.sources is None or source in self.sources


OPEN_GRANT = Grant(name="open", scopes=SCOPES)


@dataclass
class TokenBucket:
    """Per-token rate limit: `rate` requests a second on average, `burst` at once."""

    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def retry_after(self, key: str) -> int | None:
        """Takes one request from the key's bucket; None when allowed, else whole seconds to wait."""
        if self.rate <= 0:
            return None
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.rate))


class Access:
    """The configured tokens (only their sha256 digests are kept) and the rate limiter."""

    def __init__(self, grants: dict[str, Grant], limiter: TokenBucket) -> None:
        self._grants = grants
        self.limiter = limiter

    @property
    def open(self) -> bool:
        return not self._grants

    def authenticate(self, presented: str) -> Grant | None:
        digest = token_digest(presented)
        found = None
        # Compare against every digest, without stopping early, so timing tells nothing about which one matched.
        for known, grant in self._grants.items():
            if hmac.compare_digest(known, digest):
                found = grant
        return found


def parse_tokens(text: str) -> dict[str, Grant]:
    """The WIRELOG_TOKENS format, keyed by digest: a JSON list of {name, token | sha256, scopes, sources?}."""
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TokenConfigError(f"tokens are not valid JSON (line {exc.lineno})") from None
    if not isinstance(entries, list):
        raise TokenConfigError("tokens must be a JSON list of objects")
    grants: dict[str, Grant] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            raise TokenConfigError(f"token {index}: needs a name")
        name = entry["name"]
        digest = _digest_of(entry, name)
        scopes = entry.get("scopes")
        if not isinstance(scopes, list) or not scopes or not set(scopes) <= SCOPES:
            raise TokenConfigError(f"token {name!r}: scopes must be a non-empty list of {sorted(SCOPES)}")
        sources = entry.get("sources")
        if sources is not None and (not isinstance(sources, list) or not all(isinstance(s, str) for s in sources)):
            raise TokenConfigError(f"token {name!r}: sources must be a list of source names")
        if digest in grants:
            raise TokenConfigError(f"token {name!r}: the same token is configured twice")
        grants[digest] = Grant(name, frozenset(scopes), frozenset(sources) if sources is not None else None)
    return grants


def _digest_of(entry: dict[str, Any], name: str) -> str:
    if isinstance(entry.get("sha256"), str):
        digest = entry["sha256"].lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise TokenConfigError(f"token {name!r}: sha256 must be 64 hex digits")
        return digest
    token = entry.get("token")
    if not isinstance(token, str) or len(token) < MIN_TOKEN_CHARS:
        raise TokenConfigError(f"token {name!r}: needs a token of at least {MIN_TOKEN_CHARS} characters, or sha256")
    return token_digest(token)


def access_from_settings(settings: Settings) -> Access:
    grants: dict[str, Grant] = {}
    configured = settings.tokens
    # model_copy(update=...) does not validate, so a plain string may stand where a SecretStr is expected.
    text = configured.get_secret_value() if isinstance(configured, SecretStr) else configured
    if text and text.strip():
        grants.update(parse_tokens(text))
    if settings.token_file:
        try:
            text = Path(settings.token_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise TokenConfigError(f"token file {settings.token_file}: {exc.strerror}") from None
        grants.update(parse_tokens(text))
    return Access(grants, TokenBucket(settings.rate_limit_per_second, settings.rate_limit_burst))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, host: str) -> str | None:
    """Before a service binds: raises when it would be reachable by others with no tokens; else a notice or None."""
    if not access_from_settings(settings).open:
        return None
    if not is_loopback(host):
        raise ExposedWithoutTokens(
            f"refusing to listen on {host} without API tokens: set WIRELOG_TOKENS or WIRELOG_TOKEN_FILE "
            "(see SECURITY.md), or bind to 127.0.0.1"
        )
    return f"no API tokens configured: access is open, so the service listens on {host} only"


def _problem(status: int, field_name: str, reason: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status_code=status, detail={"field": field_name, "reason": reason}, headers=headers)


def _check_request_size(request: Request, settings: Settings) -> None:
    query = request.scope.get("query_string", b"")
    if len(query) > settings.max_query_bytes:
        raise _problem(414, "query", f"query string longer than {settings.max_query_bytes} bytes")
    headers = sum(len(name) + len(value) for name, value in request.scope.get("headers", ()))
    if headers > settings.max_header_bytes:
        raise _problem(431, "headers", f"headers larger than {settings.max_header_bytes} bytes together")


def access_of(request: Request) -> Access:
    """Built once per app from its settings: app.state.access when the factory set it, else made here."""
    state = request.app.state
    if getattr(state, "access", None) is None:
        state.access = access_from_settings(state.settings)
    return state.access


_bearer = HTTPBearer(auto_error=False, description="An API token from WIRELOG_TOKENS, as `Authorization: Bearer`.")


def require(scope: Scope) -> Any:
    """A FastAPI dependency: the request's Grant, or 401/403/414/429/431 before the route runs."""

    async def grant_for(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Grant:
        _check_request_size(request, request.app.state.settings)
        access = access_of(request)
        if access.open:
            return OPEN_GRANT
        if credentials is None:
            raise _problem(401, "authorization", "an API token is required", {"WWW-Authenticate": "Bearer"})
        grant = access.authenticate(credentials.credentials)
        if grant is None:
            raise _problem(401, "authorization", "unknown API token", {"WWW-Authenticate": "Bearer"})
        if scope not in grant.scopes:
            raise _problem(403, "authorization", f"this token lacks the {scope!r} scope")
        wait = access.limiter.retry_after(grant.name)
        if wait is not None:
            raise _problem(429, "authorization", "rate limit reached for this token", {"Retry-After": str(wait)})
        return grant

    return Depends(grant_for)


def _documented(description: str) -> dict[str, Any]:
    # The body is each app's own error shape (the query API: {"detail": {field, reason}}), so only the meaning here.
    return {"description": description}


# Answered by the HTTP server in plain text, before any route; an operation may give 400 more meanings of its own.
MALFORMED_HTTP = 400
_MALFORMED = "a request that is not valid HTTP (a malformed request line or header), which the HTTP server answers " \
             "in plain text before any route"
ACCESS_RESPONSES: dict[int | str, dict[str, Any]] = {
    MALFORMED_HTTP: {
        "description": f"{_MALFORMED[0].upper()}{_MALFORMED[1:]}.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    },
    401: _documented("No token, or an unknown one (only when tokens are configured)."),
    403: _documented("The token lacks the scope, or may not push for the bulletin's source."),
    414: _documented("Query string longer than WIRELOG_MAX_QUERY_BYTES."),
    429: _documented("Rate limit of the token reached; see Retry-After."),
    431: _documented("Headers larger than WIRELOG_MAX_HEADER_BYTES."),
}


def with_bad_request(description: str) -> dict[int | str, dict[str, Any]]:
    """The access responses with an operation's own meaning of 400 added to the HTTP server's, not replacing it."""
    return {**ACCESS_RESPONSES, MALFORMED_HTTP: _documented(f"{description.rstrip('.')}; or {_MALFORMED}.")}
