"""What feed pushers send (Bulletin) and the raw event ingest writes for it (BulletinReceived)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.envelope import Envelope

SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"


class BulletinItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=500, description="Short heading of the item, if any.")
    text: str = Field(min_length=1, description="The item's text.")

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text must not be blank")
        return value


class Bulletin(BaseModel):
    """One bulletin as pushed to POST /v1/bulletins."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(pattern=SOURCE_PATTERN, description="Feed or newsroom id, e.g. cnn-live.")
    external_id: str | None = Field(
        default=None, max_length=500, description="The publisher's own id; without it the content identifies the bulletin."
    )
    published_at: date | datetime = Field(description="Publication date or time; the reference for relative dates.")
    lead: str | None = Field(default=None, description="Lead paragraph; when present it becomes item 0.")
    items: list[BulletinItem] = Field(default_factory=list, description="The bulletin's items, in order.")
    url: str | None = Field(default=None, max_length=2000)
    language: str | None = Field(default=None, max_length=35, description="BCP 47 language tag, e.g. en.")

    def all_items(self) -> list[BulletinItem]:
        """The items in position order, the lead first when there is one."""
        lead = [BulletinItem(text=self.lead)] if self.lead and self.lead.strip() else []
        return lead + list(self.items)


class BulletinReceivedData(BaseModel):
    bulletin_id: str = Field(description="Derived from source + external_id, or from the content.")
    source: str
    external_id: str | None = None
    published_at: date | datetime
    reference_date: date = Field(description="The date relative expressions resolve against.")
    url: str | None = None
    language: str | None = None
    items: list[BulletinItem] = Field(description="All items; position i is items[i] (the lead, if any, is 0).")


class BulletinReceived(Envelope[BulletinReceivedData]):
    """Raw event on wirelog:raw: one pushed bulletin, accepted and identified."""

    type: Literal["BulletinReceived"] = "BulletinReceived"
    schema_version: Literal[1] = 1
