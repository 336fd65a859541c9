"""One validated settings object for every service, from WIRELOG_* environment variables (REDIS_URL too)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class StreamNames:
    """Every Redis key Wirelog uses, derived from one prefix so tests and tenants never share state."""

    prefix: str

    @property
    def raw(self) -> str:
        return f"{self.prefix}:raw"

    @property
    def normalized(self) -> str:
        return f"{self.prefix}:normalized"

    @property
    def bulletin_index(self) -> str:
        """Hash bulletin_id -> raw entry id: the dedup index of ingest."""
        return f"{self.prefix}:raw:bulletins"

    @property
    def heads(self) -> str:
        """Hash item_id -> event id of the item's latest normalised revision."""
        return f"{self.prefix}:normalized:heads"

    def dead_letters(self, stage: str) -> str:
        return f"{self.prefix}:dlq:{stage}"

    def errors(self, stage: str) -> str:
        """Hash entry id -> last error, for entries still being retried."""
        return f"{self.prefix}:errors:{stage}"

    def replay_cursor(self, name: str) -> str:
        return f"{self.prefix}:replay:{name}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIRELOG_", extra="ignore")

    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("WIRELOG_REDIS_URL", "REDIS_URL"),
        description="redis://, rediss:// (TLS) or unix://; user and password in the URL.",
    )
    stream_prefix: str = Field(default="wirelog", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    store_url: str = "sqlite:///.wirelog/store.db"
    cache_dir: str | None = Field(
        default=None, description="Where the gazetteer index and the actor dictionary are cached (~/.cache/wirelog)."
    )

    ingest_host: str = "127.0.0.1"
    ingest_port: int = Field(default=8000, ge=0, le=65535)
    store_host: str = "127.0.0.1"
    store_port: int = Field(default=8001, ge=0, le=65535)
    normalize_metrics_host: str = "127.0.0.1"
    normalize_metrics_port: int = Field(default=8002, ge=0, le=65535, description="0 turns the endpoint off.")

    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_items_per_bulletin: int = Field(default=1000, ge=1)
    max_bulletins_per_request: int = Field(default=1000, ge=1)
    max_item_chars: int = Field(default=100_000, ge=100)
    durability: Literal["default", "strict"] = Field(
        default="default", description="strict: ingest answers only after the raw events are fsynced (WAITAOF)."
    )

    tokens: SecretStr | None = Field(
        default=None,
        description="API tokens as JSON: [{name, token|sha256, scopes: [push|read|admin], sources?}]. "
        "Without tokens (here or in token_file) the services serve 127.0.0.1 only.",
    )
    token_file: str | None = Field(default=None, description="Path to a JSON file in the WIRELOG_TOKENS format.")
    push_token: SecretStr | None = Field(default=None, description="The token `wirelog push` sends.")
    rate_limit_per_second: float = Field(default=20.0, ge=0, description="Requests per token per second; 0: none.")
    rate_limit_burst: int = Field(default=100, ge=1, description="Requests a token may make at once.")
    max_header_bytes: int = Field(default=8192, ge=1024, description="All request headers together.")
    max_query_bytes: int = Field(default=2048, ge=256, description="The URL query string.")
    max_json_depth: int = Field(default=32, ge=4, le=1000, description="JSON nesting, checked before parsing.")
    max_published_age_days: int = Field(default=36_500, ge=1, description="Older bulletins are rejected.")
    max_published_ahead_days: int = Field(default=2, ge=0, description="Bulletins dated later are rejected.")
    max_raw_backlog: int = Field(
        default=100_000, ge=0, description="Unprocessed raw entries past which ingest answers 503; 0: no limit."
    )

    batch_size: int = Field(default=100, ge=1, le=10_000)
    block_ms: int = Field(default=1000, ge=1)
    claim_idle_ms: int = Field(default=30_000, ge=10, description="A pending entry idle this long is reclaimed.")
    max_deliveries: int = Field(default=5, ge=1, description="After this many deliveries an entry is dead-lettered.")
    backoff_max_ms: int = Field(default=300_000, ge=10)
    replica: str = Field(default="0", pattern=r"^[A-Za-z0-9_.-]{1,64}$")

    log_level: str = "info"
    log_format: Literal["auto", "json", "console"] = "auto"

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @property
    def streams(self) -> StreamNames:
        return StreamNames(self.stream_prefix)

    def consumer_name(self, service: str) -> str:
        """Stable per replica: a restarted replica finds its own pending entries again."""
        return f"{service}-{socket.gethostname()}-{self.replica}"
