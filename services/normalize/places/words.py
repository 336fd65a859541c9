"""Step 0 of find_places: the text's words, with their offsets, folded keys, possessives and capitals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from services.normalize.places.names import fold
from services.normalize.places.people import Token

T = TypeVar("T")
_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.){2,}|(?:St|Ste|Ft|Mt|ST|STE|FT|MT)\.|[^\W\d_]+(?:['’][^\W\d_]+)*")
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$")


def tokenize(text: str) -> list[Token]:
    # The regex over the whole text was a fifth of the places' time. No word holds a space, so the text splits at
    # spaces first: a chunk of letters alone is one word, and the other chunks ("said,", "U.S.", "Ukraine's")
    # recur, so each is matched once and remembered, with its words' offsets inside it.
    tokens: list[Token] = []
    append, new, word_of, chunk_of = tokens.append, tuple.__new__, _word, _chunk
    at = 0
    for chunk in text.split(" "):
        if chunk.isalpha():
            # Built as a bare tuple: a Python-level constructor per word was a tenth of the whole time.
            append(new(Token, (chunk, at, at + len(chunk), *word_of(chunk))))
        elif chunk:
            for offset, word, length, key, possessive, capitalised in chunk_of(chunk):
                start = at + offset
                append(new(Token, (word, start, start + length, key, possessive, capitalised)))
        at += len(chunk) + 1
    return tokens


def _word_fields(word: str) -> tuple[str, bool, bool]:
    """Key, possessive and capitalised of a word of letters alone; ASCII ones fold by lower-casing alone."""
    return word.lower() if word.isascii() else fold(word), False, word[0].isupper()


def _chunk_words(chunk: str) -> tuple[tuple[int, str, int, str, bool, bool], ...]:
    """Offset in the chunk, text, length, key, possessive and capitalised of each word; contractions dropped."""
    words = []
    for match in _TOKEN.finditer(chunk):
        word = match.group()
        if word.isalpha():
            words.append((match.start(), word, len(word), *_word_fields(word)))
            continue
        if _CONTRACTION.search(word):
            continue
        possessive = len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"
        if possessive:
            word = word[:-2]
        words.append((match.start(), word, len(word), fold(word), possessive, word[0].isupper()))
    return tuple(words)


class _Remembered(dict[str, T]):
    """Text -> what `compute` makes of it, built once per distinct text: a dict looked up in C costs less per
    word than an lru_cache, and a bound keeps a long-running stage's memory flat."""

    def __init__(self, compute: Callable[[str], T]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, text: str) -> T:
        if len(self) >= _REMEMBERED:
            self.clear()
        found = self[text] = self.compute(text)
        return found


_REMEMBERED = 65536
_word = _Remembered(_word_fields).__getitem__
_chunk = _Remembered(_chunk_words).__getitem__
