"""Actors, step 4: a surname alone ("Kirby", "Wang") refers back to a person already named in the same text."""

from __future__ import annotations

from services.normalize.actors.hits import Hit, Scan


def match_surnames(scan: Scan) -> None:
    # Only people named in more words than their surname can be referred back to.
    people = sorted(
        ((h.surname, h) for h in scan.hits if h.type == "person" and h.surname and h.end - h.start > len(h.surname)),
        key=lambda pair: pair[1].start,
    )
    if not people:
        return
    first_keys = {surname[0] for surname, _ in people}
    tokens, keys = scan.tokens, scan.keys
    for i in scan.where(map(first_keys.__contains__, keys)):
        if scan.owner[i] is not None or not tokens[i].is_capitalised:
            continue
        # The earliest person named before i for each surname, in the order they were first named.
        named: dict[tuple[str, ...], Hit] = {}
        for surname, hit in people:
            if hit.start < i:
                named.setdefault(surname, hit)
        for surname, hit in named.items():
            end = i + len(surname)
            if tuple(keys[i:end]) == surname and scan.free(i, end):
                if end < len(tokens) and tokens[end].is_capitalised and tokens[end].text.isalpha():
                    continue  # "Wang Wenbin" is someone else, not Wang Yi
                scan.add(Hit(i, end, hit.actor_id, hit.name, hit.type, hit.sector, hit.country, hit.role, "surname",
                             hit.surname))
                break
