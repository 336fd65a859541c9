"""Actors, step 6: a country plus a noun ("Russian forces", "Ukraine's delegation"), and ministries named without one."""

from __future__ import annotations

from services.normalize.actors.hits import Hit, Scan
from services.normalize.actors.lexicon import (
    COLLECTIVE_MAX,
    COLLECTIVE_MODIFIERS,
    COLLECTIVE_NOUNS,
    GOVERNMENT_NOUNS,
)
from services.normalize.actors.tokens import keys_of

SECTOR_LABELS = {
    "GOV": "officials", "MIL": "forces", "COP": "security forces", "REB": "rebels", "PTY": "party members",
    "LEG": "legislators", "JUD": "judiciary", "CVL": "civilians", "PRO": "protesters", "MED": "media",
    "BUS": "businesses", "IGO": "officials", "NGO": "activists",
}
INSTITUTIONS = {
    keys_of(phrase): institution
    for institution, phrases in {
        "defence-ministry": ("Ministry of Defense", "Ministry of Defence", "Defense Ministry", "Defence Ministry"),
        "foreign-ministry": ("Foreign Ministry", "Ministry of Foreign Affairs"),
        "interior-ministry": ("Interior Ministry", "Ministry of Internal Affairs", "Ministry of the Interior"),
        "general-staff": ("General Staff",),
        "armed-forces": ("Armed Forces",),
    }.items()
    for phrase in phrases
}
_INSTITUTION_FIRST = frozenset(k[0] for k in INSTITUTIONS)
_BACKED = ("backed", "installed", "appointed", "controlled", "led")
# "British intelligence agency GCHQ": the collective only describes the named organisation that follows.
DESCRIPTORS = frozenset(keys_of("agency agencies service services unit group company firm broadcaster outlet body"))


def _describes_next(scan: Scan, end: int) -> bool:
    k = end
    while k < len(scan.tokens) and scan.tokens[k].key in DESCRIPTORS:
        k += 1
    hit = scan.owner[k] if k < len(scan.tokens) else None
    return hit is not None and hit.type != "person"



def _noun_at(scan: Scan, k: int) -> tuple[int, str] | None:
    keys = scan.keys[k : k + COLLECTIVE_MAX]
    for n in range(len(keys), 0, -1):
        sector = COLLECTIVE_NOUNS.get(tuple(keys[:n]))
        if sector is not None and scan.free(k, k + n):
            return k + n, sector
    return None


def _backer(scan: Scan, i: int) -> str | None:
    """'pro-Russian', 'Russian-backed', 'Moscow-installed' -> RU."""
    key = scan.tokens[i].key
    if "-" not in key:
        return None
    head, _, tail = key.partition("-")
    word = tail if head == "pro" else (head if tail in _BACKED else None)
    if not word:
        return None
    hit = scan.dictionary.countries.refs.get((word,))
    return hit[0] if hit else None


def match_collectives(scan: Scan) -> None:
    tokens, keys, refs = scan.tokens, scan.keys, scan.refs
    # Only a country word or a hyphenated backer ("pro-Russian") can start a collective; a collective found
    # resumes the scan after itself.
    starts = [i for i, (ref, key) in enumerate(zip(refs, keys)) if ref is not None or "-" in key]
    resume = 0
    for i in starts:
        if i < resume or scan.owner[i] is not None:
            continue
        backer = _backer(scan, i)
        ref = None if backer else scan.country_ref(i)
        if not (backer or ref):
            continue
        k = i + (1 if ref is None else ref[0])  # no ref: a one-token backer
        k += k < len(tokens) and tokens[k].key == "'s" and not backer
        while k < len(tokens) and tokens[k].key in COLLECTIVE_MODIFIERS and not _noun_at(scan, k):
            k += 1
        noun = _noun_at(scan, k) if k < len(tokens) else None
        if noun is None:
            continue
        end, sector = noun
        if _describes_next(scan, end):
            resume = end
            continue
        if ref is None:
            code, country = f"{backer}-backed", None
        else:
            code = country = ref[1]
        if country and tuple(t.key for t in tokens[k:end]) in GOVERNMENT_NOUNS:
            scan.add_entry(scan.dictionary.government(country), i, end, "pattern")
        else:
            name = f"{scan.dictionary.countries.demonym_of(country) if country else scan.tokens[i].text} "
            scan.add(Hit(i, end, f"collective:{code}:{sector}", name + SECTOR_LABELS[sector], "group", sector,
                         country, None, "pattern"))
        resume = end


def match_institutions_in_context(scan: Scan) -> None:
    tokens, keys = scan.tokens, scan.keys
    for i in scan.where(map(_INSTITUTION_FIRST.__contains__, keys)):
        if not tokens[i].is_capitalised or scan.owner[i] is not None:
            continue
        for phrase, institution in INSTITUTIONS.items():
            end = i + len(phrase)
            if tuple(keys[i:end]) == phrase and scan.free(i, end):
                country = scan.country_before(i)
                entry_id = scan.dictionary.institutions.get((country, institution)) if country else None
                if entry_id:
                    scan.add_entry(scan.dictionary.entries[entry_id], i, end, "pattern")
                break
