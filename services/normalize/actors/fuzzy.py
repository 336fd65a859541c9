"""Actors, step 5: typo-tolerant matching ("Zelenksy") of capitalised words left over, against a small candidate set."""

from __future__ import annotations

from operator import attrgetter

from rapidfuzz import fuzz, process

from services.normalize.actors.dictionary import ActorDictionary
from services.normalize.actors.hits import Scan
from services.normalize.actors.titles import name_run

_MIN_LENGTH = 6
_REMEMBERED = 20_000


def _cutoff(length: int) -> float:
    # One transposition in an 8-letter name scores 87.5; shorter words need a near-perfect match.
    return 85.0 if length >= 8 else 90.0


def match_fuzzy(scan: Scan) -> None:
    # A name run starts with a free capitalised word; a hit added here stays inside the run, so the starts
    # can be listed first.
    owner = scan.owner
    starts = [i for i in scan.where(map(attrgetter("is_name_word"), scan.tokens)) if owner[i] is None]
    resume = 0
    for i in starts:
        end = name_run(scan, i) if i >= resume else i
        if end == i:
            continue
        for n in range(min(end - i, 3), 0, -1):
            if _try(scan, i, i + n):
                break
        resume = end


def _try(scan: Scan, start: int, end: int) -> bool:
    place = scan.place_at(start)
    if place is not None and place.role == "location":
        return False
    query = " ".join(scan.keys[start:end])
    if len(query) < _MIN_LENGTH:
        return False
    # The same capitalised words (place names, people not in the dictionary) recur item after item, and the
    # answer depends on the words alone: remember it per dictionary rather than scoring them again.
    seen = scan.dictionary.fuzzy_seen
    if query in seen:
        entry_id = seen[query]
    else:
        if len(seen) >= _REMEMBERED:
            seen.clear()
        entry_id = seen[query] = _closest(scan.dictionary, query)
    if entry_id is None:
        return False
    scan.add_entry(scan.dictionary.entries[entry_id], start, end, "fuzzy")
    return True


def _closest(dictionary: ActorDictionary, query: str) -> str | None:
    """The entry id of the alias closest to the query within the cutoff, among aliases of about its length."""
    if query in dictionary.city_countries:
        return None
    names: list[str] = []
    ids: list[str] = []
    for length in range(len(query) - 2, len(query) + 3):
        bucket = dictionary.fuzzy_names.get((query[0], length))
        if bucket:
            names += bucket[0]
            ids += bucket[1]
    if not names:
        return None
    best = process.extractOne(query, names, scorer=fuzz.ratio, score_cutoff=_cutoff(len(query)))
    return ids[best[2]] if best is not None else None
