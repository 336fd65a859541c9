"""Actors, step 1: longest dictionary matches over token n-grams, indexed by their first token."""

from __future__ import annotations

from services.normalize.actors.hits import Scan
from services.normalize.actors.tokens import keys_of


def match_dictionary(scan: Scan) -> None:
    tokens, keys = scan.tokens, scan.keys
    index, lowercase_index = scan.dictionary.by_first_key, scan.dictionary.lowercase_by_first_key
    # Only tokens that start some alias are tried (the lower-case index is part of the full one); a match
    # resumes the scan after itself.
    resume = 0
    for i in scan.where(map(index.__contains__, keys)):
        lengths = (index if tokens[i].is_capitalised else lowercase_index).get(keys[i])
        if lengths is None or i < resume:
            continue
        for length, aliases in lengths:
            end = i + length
            alias = aliases.get(tuple(keys[i:end])) if end <= len(tokens) else None
            if alias is not None and alias.accepts(tokens[i:end]):
                entry = scan.dictionary.entries[alias.entry_id]
                canonical = alias.keys == keys_of(entry.name)
                scan.add_entry(entry, i, end, "exact" if canonical else "alias")
                resume = end
                break


def mark_surname_references(scan: Scan) -> None:
    """A one-word alias of a person already named in full ("Lavrov" after "Sergey Lavrov") is a surname match."""
    seen_full: set[str] = set()
    for hit in sorted(scan.hits, key=lambda h: h.start):
        if hit.type != "person":
            continue
        if hit.end - hit.start == 1 and hit.actor_id in seen_full and hit.match == "alias":
            hit.match = "surname"
        elif hit.end - hit.start > 1:
            seen_full.add(hit.actor_id)
