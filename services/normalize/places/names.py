"""Name keys: the one spelling-folding rule shared by the index builder and the text recogniser."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʹ": "'"})
_SEPARATORS = re.compile(r"[\s\-‐‑–]+")


def fold(text: str) -> str:
    """Lower-case, accent-free form of one word or name: 'Kyïv' -> 'kyiv', 'U.S.' -> 'us'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace(".", "").replace("'", "")


def name_key(name: str) -> str:
    """Index key of a whole name: words folded and joined by single spaces, hyphens counting as spaces."""
    return " ".join(fold(word) for word in _SEPARATORS.split(name.strip()) if fold(word))


def is_latin(name: str) -> bool:
    """True when every letter is Latin script: other scripts never occur in English news text."""
    return all(ord(c) < 0x250 or not c.isalpha() for c in unicodedata.normalize("NFC", name))
