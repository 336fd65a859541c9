"""Actors, step 2: places that stand for a government ("Moscow said") become that country's government."""

from __future__ import annotations

from services.normalize.actors.hits import Scan
from services.normalize.actors.lexicon import AUXILIARIES, REPORTING_VERBS


def match_place_metonyms(scan: Scan) -> None:
    """Metonyms the places stage found: the place's country_code names the government."""
    for place in scan.places:
        if place.role != "metonym":
            continue
        code = place.country_code
        span = scan.token_span(place.start, place.end)
        if span is None:
            continue
        if code is None:
            found = scan.country_ref(span[0], ("name", "capital"))
            code = found[1] if found else None
        if code and scan.free(*span):
            scan.add_entry(scan.dictionary.government(code), *span, "metonym")


def _speaks_next(scan: Scan, i: int) -> bool:
    k = i
    while k < len(scan.tokens) and scan.tokens[k].key in AUXILIARIES:
        k += 1
    return k < len(scan.tokens) and scan.tokens[k].key in REPORTING_VERBS


def match_speaking_capitals(scan: Scan) -> None:
    """Fallback when the places stage gave no metonym: a capital or country that says, warns or denies."""
    resume = 0
    for i in scan.where(scan.refs):
        ref = scan.refs[i]
        assert ref is not None  # where() yields only the tokens with a reference
        if ref[2] == "demonym" or i < resume or not scan.free(i, i + ref[0]):
            continue
        n, code = ref[0], ref[1]
        after = i + n
        said = _speaks_next(scan, after)
        according = i >= 2 and scan.keys[i - 1] == "to" and scan.keys[i - 2] == "according"
        if said or according:
            scan.add_entry(scan.dictionary.government(code), i, after, "metonym")
        resume = after
