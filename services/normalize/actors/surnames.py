"""Actors, step 4: a surname alone ("Kirby", "Wang") refers back to a person already named in the same text."""

from __future__ import annotations

from services.normalize.actors.hits import Hit, Scan


def match_surnames(scan: Scan) -> None:
    named: dict[tuple[str, ...], Hit] = {}
    people = sorted((h for h in scan.hits if h.type == "person" and h.surname), key=lambda h: h.start)
    tokens = scan.tokens
    for i in range(len(tokens)):
        for hit in people:
            if hit.start < i and hit.end - hit.start > len(hit.surname):
                named.setdefault(hit.surname, hit)
        if scan.owner[i] is not None or not tokens[i].is_capitalised:
            continue
        for surname, hit in named.items():
            end = i + len(surname)
            if tuple(t.key for t in tokens[i:end]) == surname and scan.free(i, end):
                if end < len(tokens) and tokens[end].is_capitalised and tokens[end].text.isalpha():
                    continue  # "Wang Wenbin" is someone else, not Wang Yi
                scan.add(Hit(i, end, hit.actor_id, hit.name, hit.type, hit.sector, hit.country, hit.role, "surname",
                             hit.surname))
                break
