"""One validated settings object for every service, from WIRELOG_* environment variables (REDIS_URL too)."""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


_INSTANCE = secrets.token_hex(3)


def partition_of(source: str, partitions: int) -> int:
    """The partition of a source: a stable hash (the same in every process and release), so a source's
    bulletins always land in the same partition and stay in the order they were accepted."""
    if partitions == 1:
        return 0
    digest = hashlib.blake2b(source.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % partitions


@dataclass(frozen=True)
class Partition:
    """The Redis keys of one partition of the log.

    When tagged, every key carries the partition's hash tag `{n}`, so the keys one atomic step touches (a
    stream, its dedup or heads hash, its dead letters) sit in one Redis Cluster slot and never cross shards.
    Raw and normalised partition n share the tag too: normalize's commit (ack raw, append normalised, move the
    head) is one script on one shard.
    """

    prefix: str
    number: int = 0
    tagged: bool = False

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}:{{{self.number}}}" if self.tagged else f"{self.prefix}:{name}"

    @property
    def raw(self) -> str:
        return self._key("raw")

    @property
    def normalized(self) -> str:
        return self._key("normalized")

    @property
    def bulletin_index(self) -> str:
        """Hash bulletin_id -> raw entry id: the dedup index of ingest."""
        return self._key("raw:bulletins")

    @property
    def heads(self) -> str:
        """Hash item_id -> event id of the item's latest normalised revision."""
        return self._key("normalized:heads")

    def dead_letters(self, stage: str) -> str:
        return self._key(f"dlq:{stage}")

    def errors(self, stage: str) -> str:
        """Hash entry id -> last error, for entries still being retried."""
        return self._key(f"errors:{stage}")

    def replay_cursor(self, name: str) -> str:
        return self._key(f"replay:{name}")

    def lease(self, stage: str) -> str:
        """Which worker consumes this partition for `stage` (services.common.assignment)."""
        return self._key(f"lease:{stage}")

    def stream(self, stage: str) -> str:
        """The stream a stage consumes."""
        return self.raw if stage == "normalize" else self.normalized


@dataclass(frozen=True)
class StreamNames:
    """Every Redis key Wirelog uses, derived from one prefix so tests and tenants never share state.

    One partition untagged (the default) keeps the plain names `wirelog:raw`, `wirelog:normalized`...;
    N partitions, or a Redis Cluster, give `wirelog:raw:{0}` ... `wirelog:raw:{N-1}`.
    """

    prefix: str
    count: int = 1
    tagged: bool = False

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("partitions must be at least 1")

    @functools.cached_property
    def partitions(self) -> tuple[Partition, ...]:
        """Built once: ingest asks for a source's partition per bulletin."""
        tagged = self.tagged or self.count > 1
        return tuple(Partition(self.prefix, number, tagged) for number in range(self.count))

    def partition(self, number: int) -> Partition:
        if not 0 <= number < self.count:
            raise ValueError(f"partition {number} does not exist: there are {self.count} (0..{self.count - 1})")
        return self.partitions[number]

    def workers(self, stage: str) -> str:
        """Sorted set of the stage's live workers (score: last heartbeat, ms)."""
        return f"{self.prefix}:workers:{stage}"

    def for_source(self, source: str) -> Partition:
        return self.partitions[partition_of(source, self.count)]

    @property
    def only(self) -> Partition:
        """The single partition, for code and tools that run unpartitioned."""
        if self.count != 1:
            raise ValueError(f"the log has {self.count} partitions: name one, or iterate over them")
        return self.partitions[0]

    # The names of the single partition, as most tools and tests of an unpartitioned log use them.
    @property
    def raw(self) -> str:
        return self.only.raw

    @property
    def normalized(self) -> str:
        return self.only.normalized

    @property
    def bulletin_index(self) -> str:
        return self.only.bulletin_index

    @property
    def heads(self) -> str:
        return self.only.heads

    def dead_letters(self, stage: str) -> str:
        return self.only.dead_letters(stage)

    def errors(self, stage: str) -> str:
        return self.only.errors(stage)

    def replay_cursor(self, name: str) -> str:
        return self.only.replay_cursor(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIRELOG_", extra="ignore")

    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("WIRELOG_REDIS_URL", "REDIS_URL"),
        description="redis://, rediss:// (TLS) or unix://; user and password in the URL.",
    )
    redis_cluster: bool | None = Field(
        default=None, description="Whether REDIS_URL names a Redis Cluster node; unset: asked of the server."
    )
    stream_prefix: str = Field(default="wirelog", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    partitions: int = Field(
        default=1, ge=1, le=1024, description="Streams per log, chosen by a stable hash of the bulletin's source."
    )
    store_url: str = Field(
        default="sqlite:///.wirelog/store.db",
        description="sqlite:///PATH (relative; four slashes for an absolute path) or postgresql://USER@HOST/DB.",
    )
    cache_dir: str | None = Field(
        default=None, description="Where the gazetteer index and the actor dictionary are cached (~/.cache/wirelog)."
    )

    ingest_host: str = "127.0.0.1"
    ingest_port: int = Field(default=8000, ge=0, le=65535)
    store_host: str = "127.0.0.1"
    store_port: int = Field(default=8001, ge=0, le=65535)
    normalize_processes: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Worker processes that normalise, one per core to use; 0: the normalize service's own process.",
    )
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
    replica: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]{1,64}$",
        description="This worker's name among its stage's workers; unset: unique per process.",
    )
    lease_ms: int = Field(
        default=10_000, ge=100, description="A dead worker's partitions pass to the others after this long."
    )

    log_level: str = "info"
    log_format: Literal["auto", "json", "console"] = "auto"

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("store_url")
    @classmethod
    def _store_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "sqlite+", "postgresql:", "postgresql+")):
            raise ValueError("must be a sqlite:///PATH or postgresql:// URL")
        return value

    @property
    def cluster(self) -> bool:
        if self.redis_cluster is None:
            from services.common.redis import is_cluster

            return is_cluster(self.redis_url)
        return self.redis_cluster

    @property
    def streams(self) -> StreamNames:
        # A single partition on a cluster still needs hash tags: its atomic steps span several keys.
        return StreamNames(self.stream_prefix, self.partitions, tagged=self.partitions > 1 or self.cluster)

    def consumer_name(self, service: str) -> str:
        """Unique per process unless WIRELOG_REPLICA names it: workers started alike never share a name.

        A restarted worker needs no stable name: whoever takes its partitions takes its pending entries.
        """
        return f"{service}-{socket.gethostname()}-{self.replica or f'{os.getpid()}-{_INSTANCE}'}"
