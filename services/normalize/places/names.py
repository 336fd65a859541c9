"""Name keys: the one spelling-folding rule shared by the index builder and the text recogniser."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʹ": "'"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_DROPPED = re.compile(r"[.']")
_SEPARATORS = re.compile(r"[\s\-‐‑–]+")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u2019\u02bc]")


def fold(text: str) -> str:
    """Lower-case, accent-free form of one word or name: 'Kyïv' -> 'kyiv', 'U.S.' -> 'us'."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)))
    return _DROPPED.sub("", text.casefold())


def name_key(name: str) -> str:
    """Index key of a whole name: words folded and joined by single spaces, hyphens counting as spaces."""
    if name.endswith(".") and name.count(".") == 1 and " " not in name:
        return fold(name) + "."  # "Ky.": the dot stays, so the word "Ill" never reads as Illinois
    return " ".join(word for word in _SEPARATORS.split(fold(name).strip()) if word)


def is_latin(name: str) -> bool:
    """True when every character is Latin script or punctuation: other scripts never occur in English news."""
    return _NON_LATIN.search(name) is None

