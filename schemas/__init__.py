"""The Wirelog contract: event models, stream names and the exported JSON Schema files."""

from schemas.bulletin import Bulletin, BulletinItem, BulletinReceived, BulletinReceivedData
from schemas.envelope import Envelope, Producer
from schemas.normalized import (
    ActorMention,
    DateMention,
    EventDate,
    ItemNormalized,
    ItemNormalizedData,
    PlaceMention,
)
from schemas.streams import DEAD_LETTER_PREFIX, NORMALIZED_STREAM, RAW_STREAM, dead_letter_stream

__all__ = [
    "ActorMention",
    "Bulletin",
    "BulletinItem",
    "BulletinReceived",
    "BulletinReceivedData",
    "DEAD_LETTER_PREFIX",
    "DateMention",
    "Envelope",
    "EventDate",
    "ItemNormalized",
    "ItemNormalizedData",
    "NORMALIZED_STREAM",
    "PlaceMention",
    "Producer",
    "RAW_STREAM",
    "dead_letter_stream",
]
