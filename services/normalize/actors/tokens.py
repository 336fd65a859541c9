"""Actors, step 0: splits item text into word tokens with offsets and the lookup keys every matcher uses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Abbreviations with dots (U.S., U.N.) stay one token; a possessive 's is its own token so that
# "Ukraine's" yields the country "Ukraine"; other apostrophes (N'Djamena, d'Orsay) stay inside the word.
_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:(?:[-‐]|['’](?!s\b))\w+)*|['’]s\b|[^\w\s]")


class Token(NamedTuple):
    text: str
    start: int
    end: int
    key: str

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper() or self.text[:1].isdigit()

    @property
    def is_upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


@lru_cache(maxsize=65536)
def token_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'U.S.' -> 'us', 'Erdoğan' -> 'erdogan', '’s' -> "'s"."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("’", "'").replace("‐", "-").lower()
    return folded.replace(".", "") if len(folded) > 1 else folded


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end(), token_key(m.group())) for m in _TOKEN_RE.finditer(text)]


@lru_cache(maxsize=16384)
def keys_of(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(text))


def slug(text: str) -> str:
    """Deterministic id fragment: 'Oleksandr Markushin' -> 'oleksandr-markushin'."""
    return re.sub(r"[^a-z0-9]+", "-", token_key(text)).strip("-")
