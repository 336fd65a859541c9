"""Names of the streams that form the event log, and of the groups that read them."""

RAW_STREAM = "wirelog:raw"
NORMALIZED_STREAM = "wirelog:normalized"
DEAD_LETTER_PREFIX = "wirelog:dlq:"

NORMALIZE_GROUP = "normalize"
STORE_GROUP = "store"

# The field that carries the JSON event in every stream entry.
EVENT_FIELD = "event"


def dead_letter_stream(stage: str) -> str:
    return f"{DEAD_LETTER_PREFIX}{stage}"
