"""Benchmark input: item texts from the corpus (seed items, bulletins cut into ~300-character items) or generated."""

from __future__ import annotations

import random
import re
from pathlib import Path

ITEM_CHARS = 300
REFERENCE_DATE = "2022-03-31"


def seed_items(corpus: Path) -> list[str]:
    """The items of the live-update bulletins in seed/, parsed the way ingest parses text/plain."""
    from schemas import Bulletin
    from services.ingest.parsing import parse_body

    texts = []
    for path in sorted((corpus / "seed").glob("*.txt")):
        for parsed in parse_body(path.read_bytes(), "text/plain", "bench-seed"):
            if isinstance(parsed, Bulletin):
                texts += [item.text for item in parsed.all_items()]
    return texts


def cut_items(text: str, size: int = ITEM_CHARS) -> list[str]:
    """Consecutive pieces of about `size` characters, cut at a word boundary."""
    text = re.sub(r"\s+", " ", text).strip()
    pieces, start = [], 0
    while len(text) - start > size // 2:
        end = text.rfind(" ", start + size // 2, start + size)
        end = start + size if end == -1 or len(text) - start <= size else end
        pieces.append(text[start:end].strip())
        start = end
    return [piece for piece in pieces if piece]


def bulletin_items(corpus: Path) -> list[str]:
    texts = []
    for path in sorted((corpus / "bulletins").glob("*.txt")):
        texts += cut_items(path.read_text(encoding="utf-8"))
    return texts


_PLACES = ["Kyiv", "Kharkiv", "Odesa", "Mariupol", "Kherson", "Lviv", "Donetsk", "Chernihiv", "Moscow", "Warsaw"]
_ACTORS = ["President Volodymyr Zelensky", "Russian forces", "the governor", "Ukrainian troops", "the United Nations"]
_WHEN = ["on Monday", "on Wednesday", "last week", "on March 28", "yesterday", "on Friday", "earlier this month"]
_WHAT = [
    "shelled residential areas near", "said talks would resume in", "reported explosions in", "evacuated civilians from"
]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def generated_items(count: int, seed: int = 7) -> list[str]:
    """News-like sentences of about 300 characters, for when the corpus is absent."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        sentences = []
        while sum(len(s) + 1 for s in sentences) < ITEM_CHARS - 60:
            sentences.append(
                f"{_upper_first(rng.choice(_ACTORS))} {rng.choice(_WHAT)} {rng.choice(_PLACES)} {rng.choice(_WHEN)},"
                f" officials said, adding that {rng.randint(2, 90)} people were affected."
            )
        items.append(" ".join(sentences))
    return items


def item_pool(corpus: Path) -> tuple[list[str], str]:
    """Distinct item texts and where they came from."""
    if corpus.is_dir():
        texts = seed_items(corpus) + bulletin_items(corpus)
        if texts:
            return texts, f"corpus {corpus} ({len(texts)} distinct items)"
    return generated_items(2000), "generated text (corpus absent)"


def items(pool: list[str], count: int, offset: int = 0) -> list[str]:
    return [pool[(offset + n) % len(pool)] for n in range(count)]


def bulletins(texts: list[str], per_bulletin: int, tag: str) -> list[dict]:
    """Bulletins as pushed to ingest (JSON), each with a distinct external id so none is a duplicate."""
    return [
        {
            "source": "bench",
            "external_id": f"{tag}-{n}",
            "published_at": REFERENCE_DATE,
            "items": [{"text": text} for text in texts[n : n + per_bulletin]],
        }
        for n in range(0, len(texts), per_bulletin)
    ]
