"""Actors, step 5: typo-tolerant matching ("Zelenksy") of capitalised words left over, against a small candidate set."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from services.normalize.actors.hits import Scan
from services.normalize.actors.titles import name_run

_MIN_LENGTH = 6


def _cutoff(length: int) -> float:
    # One transposition in an 8-letter name scores 87.5; shorter words need a near-perfect match.
    return 85.0 if length >= 8 else 90.0


def match_fuzzy(scan: Scan) -> None:
    tokens, i = scan.tokens, 0
    while i < len(tokens):
        end = name_run(scan, i) if scan.owner[i] is None else i
        if end == i:
            i += 1
            continue
        for n in range(min(end - i, 3), 0, -1):
            if _try(scan, i, i + n):
                break
        i = end


def _try(scan: Scan, start: int, end: int) -> bool:
    place = scan.place_at(start)
    if place is not None and place.role == "location":
        return False
    query = " ".join(t.key for t in scan.tokens[start:end])
    if len(query) < _MIN_LENGTH or query in scan.dictionary.city_countries:
        return False
    names: list[str] = []
    ids: list[str] = []
    for length in range(len(query) - 2, len(query) + 3):
        bucket = scan.dictionary.fuzzy_names.get((query[0], length))
        if bucket:
            names += bucket[0]
            ids += bucket[1]
    if not names:
        return False
    best = process.extractOne(query, names, scorer=fuzz.ratio, score_cutoff=_cutoff(len(query)))
    if best is None:
        return False
    entry = scan.dictionary.entries[ids[best[2]]]
    scan.add_entry(entry, start, end, "fuzzy")
    return True
