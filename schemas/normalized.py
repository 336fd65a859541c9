"""ItemNormalized: one bulletin item with its dates, places and actors resolved (wirelog:normalized)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.envelope import Envelope

Precision = Literal["day", "week", "month", "quarter", "year", "decade", "range", "ref", "reported"]
PlaceRole = Literal["location", "metonym"]
ActorType = Literal["person", "organisation", "group"]
ActorMatch = Literal["exact", "alias", "fuzzy", "surname", "pattern", "metonym"]


class Mention(BaseModel):
    surface: str = Field(description="The text as written.")
    start: int = Field(ge=0, description="Offset of the first character in the item's full_text (Python str offsets).")
    end: int = Field(ge=0, description="Offset after the last character (exclusive).")


class DateMention(Mention):
    value: str | None = Field(
        description="TIMEX3-style value: 2022-03-30, 2022-03, 2022, 2022-W13, 2022-Q1, PRESENT_REF, PAST_REF, "
        "FUTURE_REF; for a range, 'start/end'. Null when it cannot be resolved (no reference date)."
    )
    precision: Precision
    explicit: bool = Field(description="True when the text states the date itself; false when resolved from context.")
    range_start: str | None = Field(default=None, description="First day of a range, ISO date.")
    range_end: str | None = Field(default=None, description="Last day of a range, ISO date.")


class PlaceMention(Mention):
    geonames_id: int | None = Field(description="GeoNames id of the resolved place, null when unresolved.")
    name: str = Field(description="Canonical name of the place.")
    feature: str | None = Field(default=None, description="country, region, city, ...")
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2.")
    admin1: str | None = Field(default=None, description="First-level administrative region.")
    lat: float | None = None
    lon: float | None = None
    role: PlaceRole = Field(
        default="location", description="location: something happened there; metonym: stands for a government."
    )


class ActorMention(Mention):
    actor_id: str | None = Field(description="Stable id in the actor dictionary, null for an unknown actor.")
    name: str = Field(description="Canonical name.")
    type: ActorType
    sector: str | None = Field(default=None, description="GOV, MIL, COP, REB, PTY, LEG, JUD, IGO, NGO, MED, BUS, CVL, PRO.")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, or null.")
    role: str | None = Field(default=None, description="Role or title as stated or known, e.g. foreign minister.")
    match: ActorMatch | None = Field(
        default=None, description="How the mention was recognised."
    )


class EventDate(BaseModel):
    value: str | None = Field(
        description="As DateMention.value. When the item names no date of its event (precision 'reported'): the "
        "day before the bulletin for a past-tense report, else the bulletin date."
    )
    precision: Precision
    range_start: str | None = None
    range_end: str | None = None


class ItemNormalizedData(BaseModel):
    item_id: str = Field(description="bulletin_id:position, stable across replays.")
    bulletin_id: str
    position: int = Field(ge=0)
    label: str | None = None
    text: str = Field(description="The item body as pushed.")
    full_text: str = Field(
        description="What was analysed, and what every mention's offsets refer to: 'label: text' when the item "
        "has a label, else the text."
    )
    source: str
    published_at: date | datetime
    reference_date: date
    url: str | None = None
    language: str | None = None
    normalizer_version: str
    dates: list[DateMention] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    actors: list[ActorMention] = Field(default_factory=list)
    event_date: EventDate
    event_location: PlaceMention | None = None


class ItemNormalized(Envelope[ItemNormalizedData]):
    """Normalised event on wirelog:normalized, one per bulletin item and normaliser version."""

    type: Literal["ItemNormalized"] = "ItemNormalized"
    schema_version: Literal[1] = 1


__all__ = [
    "ActorMention",
    "DateMention",
    "EventDate",
    "ItemNormalized",
    "ItemNormalizedData",
    "Mention",
    "PlaceMention",
    "Precision",
]
