"""Name keys: the one spelling-folding rule shared by the index builder and the text recogniser."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "ʹ": "'"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_DROPPED = re.compile(r"[.']")
_SEPARATORS = re.compile(r"[\s\-‐‑–]+")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u2019\u02bc]")
_ABBREVIATED = {"saint": "st", "st": "saint", "sainte": "ste", "ste": "sainte", "mount": "mt", "mt": "mount",
                "fort": "ft", "ft": "fort"}


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


def spelling_variants(key: str) -> set[str]:
    """The key and the spellings the press uses for the same name: 'St. Petersburg' for 'Saint Petersburg',
    'Mt. Pleasant' for 'Mount Pleasant', 'Platte Co.' for 'Platte County', 'Democratic Republic of Congo' for
    '... of the Congo'."""
    variants = {key}
    words = key.split(" ")
    if len(words) > 1 and any(word in _ABBREVIATED for word in words):
        variants.add(" ".join(_ABBREVIATED.get(word, word) for word in words))
    if key.endswith(" county"):
        variants.add(key[: -len("county")] + "co")  # "Platte Co."
    if " of the " in key:
        variants |= {variant.replace(" of the ", " of ") for variant in variants}
    return variants
