"""The envelope every Wirelog event travels in, whatever its type."""

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

DataT = TypeVar("DataT", bound=BaseModel)


class Producer(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: str = Field(description="The service that wrote the event: ingest, normalize, ...")
    version: str = Field(description="Version of that service (for normalize: the normaliser version).")


class Envelope(BaseModel, Generic[DataT]):
    """Common fields of every event; `data` holds the type-specific payload."""

    id: str = Field(description="Deterministic event id: the same input always yields the same id.")
    type: str = Field(description="Event type, in the past tense.")
    schema_version: int = Field(description="Version of this event type's schema; bumped on breaking changes.")
    occurred_at: datetime = Field(description="When the reported facts were published (the bulletin time).")
    recorded_at: datetime = Field(description="When Wirelog wrote this event.")
    source: str = Field(description="Feed or newsroom that pushed the bulletin.")
    correlation_id: str = Field(description="The bulletin id this event belongs to.")
    causation_id: str | None = Field(default=None, description="Id of the upstream event that caused this one.")
    producer: Producer
    data: DataT
