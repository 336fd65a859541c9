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


_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u2019\u02bc]")


def is_latin(name: str) -> bool:
    """True when every character is Latin script or punctuation: other scripts never occur in English news."""
    return _NON_LATIN.search(name) is None
