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
    """A word as written, wherever it occurs: built once per distinct word and shared (offsets live in the scan)."""

    text: str
    key: str
    is_capitalised: bool  # starts with a capital or a digit
    is_upper: bool  # two or more letters, all capitals (US, NATO)
    is_name_word: bool  # a capitalised word of letters (hyphens and apostrophes allowed): could be part of a name


@lru_cache(maxsize=65536)
def token_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: 'U.S.' -> 'us', 'Erdoğan' -> 'erdogan', '’s' -> "'s"."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("’", "'").replace("‐", "-").lower()
    return folded.replace(".", "") if len(folded) > 1 else folded


@lru_cache(maxsize=65536)
def _token(text: str) -> Token:
    letters = [c for c in text if c.isalpha()]
    initial = text[:1]
    return Token(
        text,
        token_key(text),
        initial.isupper() or initial.isdigit(),
        len(letters) >= 2 and all(c.isupper() for c in letters),
        initial.isupper() and text.replace("-", "").replace("'", "").isalpha(),
    )


def tokenize(text: str) -> list[Token]:
    return list(map(_token, _TOKEN_RE.findall(text)))


def tokenize_with_offsets(text: str) -> tuple[list[Token], list[int], list[int]]:
    """Tokens, their start offsets and their end offsets."""
    # Built with C-level maps over the matches and shared per-word tokens: one object per token per item
    # made tokenising a third of the actors' time.
    matches = list(_TOKEN_RE.finditer(text))
    tokens = list(map(_token, map(re.Match.group, matches)))
    return tokens, list(map(re.Match.start, matches)), list(map(re.Match.end, matches))


@lru_cache(maxsize=16384)
def keys_of(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(text))


def slug(text: str) -> str:
    """Deterministic id fragment: 'Oleksandr Markushin' -> 'oleksandr-markushin'."""
    return re.sub(r"[^a-z0-9]+", "-", token_key(text)).strip("-")
