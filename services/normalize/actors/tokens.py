"""Actors, step 0: splits item text into word tokens with offsets and the lookup keys every matcher uses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

# Abbreviations with dots (U.S., U.N.) stay one token; a possessive 's is its own token so that
# "Ukraine's" yields the country "Ukraine"; other apostrophes (N'Djamena, d'Orsay) stay inside the word.
_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:(?:[-‐]|['’](?!s\b))\w+)*|['’]s\b|[^\w\s]")
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")


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


def _new_token(text: str) -> Token:
    letters = [c for c in text if c.isalpha()]
    initial = text[:1]
    return Token(
        text,
        token_key(text),
        initial.isupper() or initial.isdigit(),
        len(letters) >= 2 and all(c.isupper() for c in letters),
        initial.isupper() and text.replace("-", "").replace("'", "").isalpha(),
    )


class _Tokens(dict[str, Token]):
    """Word -> its shared Token: a plain dict looked up by map() in C costs less per word than an lru_cache."""

    def __missing__(self, text: str) -> Token:
        if len(self) >= _REMEMBERED:
            self.clear()
        token = self[text] = _new_token(text)
        return token


_REMEMBERED = 65536
_token = _Tokens().__getitem__


def tokenize(text: str) -> list[Token]:
    return list(map(_token, _TOKEN_RE.findall(text)))


def tokenize_with_offsets(text: str) -> tuple[list[Token], list[int], list[int]]:
    """Tokens, their start offsets and their end offsets."""
    # Matching the regex token by token was a quarter of the actors' time. No token holds a space, and a chunk
    # between spaces that is all letters is one token, so only the other chunks ("said,", "U.S.", "Ukraine's")
    # need the regex, and those recur: each is split once and remembered.
    words: list[str] = []
    starts: list[int] = []
    add_word, add_start = words.append, starts.append
    at = 0
    for chunk in text.split(" "):
        if chunk.isalpha():
            add_word(chunk)
            add_start(at)
        else:
            chunk_words, offsets = _chunk(chunk)
            words += chunk_words
            starts += map(add, offsets, repeat(at))
        at += len(chunk) + 1
    return list(map(_token, words)), starts, list(map(add, starts, map(len, words)))


class _Chunks(dict[str, tuple[tuple[str, ...], tuple[int, ...]]]):
    """Chunk between spaces -> its words and their offsets in it."""

    def __missing__(self, chunk: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        if len(self) >= _REMEMBERED:
            self.clear()
        # [gap, word, gap, ..., word, gap] with gaps of whitespace only: running sums of the lengths are offsets.
        parts = _TOKEN_SPLIT_RE.split(chunk)
        found = self[chunk] = (tuple(parts[1::2]), tuple(accumulate(map(len, parts), initial=0))[1:-1:2])
        return found


_chunk = _Chunks().__getitem__


@lru_cache(maxsize=16384)
def keys_of(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(text))


def slug(text: str) -> str:
    """Deterministic id fragment: 'Oleksandr Markushin' -> 'oleksandr-markushin'."""
    return re.sub(r"[^a-z0-9]+", "-", token_key(text)).strip("-")
