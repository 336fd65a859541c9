"""Actors, step 3: titles give role and country ("Russian Foreign Minister Sergey Lavrov", "the mayor of Irpin, X")."""

from __future__ import annotations

from dataclasses import dataclass

from services.normalize.actors.hits import Hit, Scan
from services.normalize.actors.lexicon import NOT_NAMES, TITLE_MAX, TITLE_MODIFIERS, TITLE_SECTORS
from services.normalize.actors.tokens import keys_of, slug

PARTICLES = frozenset(keys_of("al el bin ibn de da di von van der le la du dos"))
COMPLEMENT_WORDS = frozenset(
    keys_of("intelligence agency delegation military city region regional council service ministry office forces "
            "team mission committee national security international economic affairs state police administration "
            "oblast local 's")
)
LOCAL_NOUNS = frozenset(keys_of("city town village region country oblast province district"))
ORG_LED = frozenset(keys_of("head chief director spokesperson spokesman spokeswoman official leader"))
_MAX_PREFIX = 8
_HEAD_FIRST = frozenset(k[0] for k in TITLE_SECTORS)
_TITLE_FIRST = _HEAD_FIRST | TITLE_MODIFIERS | LOCAL_NOUNS


@dataclass
class Title:
    start: int  # first token of the mention for an unnamed official
    head_end: int  # after the title's head: an unnamed official's mention ends here
    end: int  # after the complement, if any
    head: tuple[str, ...]
    role: str
    country: str | None
    org: Hit | None
    local: bool  # "the city's mayor": the country comes from the nearest place


def _head_at(scan: Scan, i: int) -> int:
    if i >= len(scan.tokens) or scan.tokens[i].key not in _HEAD_FIRST:
        return i
    keys = [t.key for t in scan.tokens[i : i + TITLE_MAX]]
    for n in range(len(keys), 0, -1):
        if tuple(keys[:n]) in TITLE_SECTORS:
            return i + n
    return i


def _chain(scan: Scan, j: int) -> int:
    """Extend a title over further heads and modifier+head runs: 'Deputy' 'National Security Adviser'."""
    while j < len(scan.tokens):
        if (nxt := _head_at(scan, j)) > j:
            j = nxt
            continue
        k = j
        while k < len(scan.tokens) and k - j < 4 and scan.tokens[k].key in TITLE_MODIFIERS:
            k += 1
        if k > j and (nxt := _head_at(scan, k)) > k:
            j = nxt
            continue
        return j
    return j


def _complement(scan: Scan, j: int) -> tuple[int, str | None, Hit | None]:
    """'of Irpin', 'for International Economics', 'of British intelligence agency GCHQ': (end, country, org)."""
    tokens = scan.tokens
    if j >= len(tokens) - 1 or tokens[j].key not in ("of", "for", "at", "to"):
        return j, None, None
    k = j + 1 + (tokens[j + 1].key == "the")
    country, org, named = None, None, False
    while k < len(tokens) and k - j < 8:
        hit = scan.owner[k]
        if hit is not None and hit.type == "person":
            break
        if hit is not None:
            org = org or hit
            country = country or hit.country
            named, k = True, hit.end
        elif tokens[k].is_capitalised and tokens[k].key not in NOT_NAMES and tokens[k].text.isalpha():
            ref = scan.country_ref(k, ("name", "demonym", "capital"))
            place = scan.place_at(k)
            city = scan.dictionary.city_countries.get(tokens[k].key)
            country = country or (ref[1] if ref else None) or (place.country_code if place else None) or city
            named, k = True, k + 1
        elif tokens[k].key in COMPLEMENT_WORDS:
            k += 1
        else:
            break
    return (k, country, org) if named else (j, None, None)


def may_start_title(scan: Scan, i: int) -> bool:
    """A title starts with a title word, a country name or demonym, or something already recognised."""
    ref = scan.refs[i]
    return scan.keys[i] in _TITLE_FIRST or scan.owner[i] is not None or (ref is not None and ref[2] != "capital")


def parse_title(scan: Scan, i: int) -> Title | None:
    tokens = scan.tokens
    if i >= len(tokens) or not may_start_title(scan, i):
        return None
    k, country, org, local, words, start = i, None, None, False, [], i
    while k < len(tokens) and k - i < _MAX_PREFIX:
        hit = scan.owner[k]
        if (head_end := _head_at(scan, k)) > k and hit is None:
            break
        if hit is not None:
            if hit.type == "person" or hit.start != k or org is not None:
                return None
            org, country, k = hit, country or hit.country, hit.end
            start = k if start == hit.start else start
        elif ref := scan.country_ref(k):
            country, k = ref[1], k + ref[0]
            k += k < len(tokens) and tokens[k].key == "'s"
        elif tokens[k].key in LOCAL_NOUNS and k + 1 < len(tokens) and tokens[k + 1].key == "'s":
            local, k = True, k + 2
            start = k
        elif tokens[k].key in TITLE_MODIFIERS:
            words.append(tokens[k].text.lower())
            k += 1
        else:
            return None
    else:
        return None
    head_end = _chain(scan, k)
    head = tuple(t.key for t in tokens[k:head_end])
    words += [t.text.lower() for t in tokens[k:head_end]]
    end, where, c_org = _complement(scan, head_end)
    role = " ".join(words)
    if end > head_end:
        role += " " + scan.surface(head_end, end)
    if org is not None and start > org.start:
        role = scan.surface(org.start, org.end) + " " + role
    return Title(start, head_end, end, head, role, country or where, org or c_org, local)


def _sector(title: Title) -> str | None:
    if title.org is not None and title.head[-1:] and title.head[-1] in ORG_LED:
        return title.org.sector
    for n in range(len(title.head)):
        if title.head[n:] in TITLE_SECTORS:
            return TITLE_SECTORS[title.head[n:]]
    return None


# A longer run of capitalised words by a title is a headline or a list, not a person's name: the title alone is
# reported ("Maria de los Angeles Garcia" is six).
MAX_NAME_WORDS = 6


def name_run(scan: Scan, i: int) -> int:
    """End of a run of capitalised name words starting at i (particles allowed inside), or i."""
    tokens, owner, refs = scan.tokens, scan.owner, scan.refs
    if i >= len(tokens) or not tokens[i].is_name_word:
        return i
    k = i
    while k < len(tokens):
        t = tokens[k]
        inside = k > i and t.key in PARTICLES and k + 1 < len(tokens) and tokens[k + 1].is_capitalised
        is_word = t.is_name_word and t.key not in NOT_NAMES and (t.key not in _HEAD_FIRST or _head_at(scan, k) == k)
        if not inside and not is_word:
            break
        # Every country reference the scan keeps is of a kind (name, demonym, capital) that ends a name.
        if owner[k] is not None or refs[k] is not None:
            break
        k += 1
    return k


def _local_country(scan: Scan, i: int) -> tuple[str | None, str | None]:
    """For 'the city's mayor': the city named as 'the city of X' before i, else the nearest place before i."""
    tokens = scan.tokens
    for k in range(i - 1, 1, -1):
        if tokens[k - 1].key == "of" and tokens[k - 2].key in LOCAL_NOUNS and tokens[k].is_capitalised:
            place = scan.place_at(k)
            code = place.country_code if place else scan.dictionary.city_countries.get(tokens[k].key)
            if code:
                return code, place.name if place else tokens[k].text
    for k in range(i - 1, -1, -1):
        place = scan.place_at(k)
        if place is not None and place.role == "location" and place.country_code:
            return place.country_code, place.name
        code = scan.dictionary.city_countries.get(scan.tokens[k].key)
        if code and scan.tokens[k].is_capitalised:
            return code, scan.tokens[k].text
    return None, None


def _person(scan: Scan, start: int, end: int, title: Title, country: str | None) -> Hit:
    name = scan.surface(start, end)
    tokens = scan.tokens[start:end]
    return scan.add(
        Hit(start, end, f"person:{slug(name)}", name, "person", _sector(title), country, title.role, "pattern",
            surname=(tokens[-1].key,))
    )


def _apply(scan: Scan, title: Title, name_start: int, name_end: int) -> None:
    country = title.country
    if title.local:
        country, place = _local_country(scan, title.start)
        if place and " of " not in title.role:
            title.role = f"{title.role} of {place}"
    owner = scan.owner[name_start] if name_start < len(scan.tokens) else None
    if owner is not None and owner.type == "person" and owner.start == name_start:
        owner.role = title.role
        owner.country = owner.country or country
    elif 2 <= name_end - name_start <= MAX_NAME_WORDS:
        _person(scan, name_start, name_end, title, country)
    else:
        ident = country or (title.org.actor_id if title.org is not None else None)
        if ident is not None and scan.free(title.start, title.head_end):
            scan.add(Hit(title.start, title.head_end, f"official:{ident}:{slug(title.role)}", title.role, "person",
                         _sector(title), country, title.role, "pattern"))


def match_titles(scan: Scan) -> None:
    consumed = _match_appositions(scan)
    tokens, keys, refs, owner, i = scan.tokens, scan.keys, scan.refs, scan.owner, 0
    # Only these tokens can start a title; every hit this loop adds is a person's, which starts none, so they
    # can be listed before it runs.
    starts = sorted({*consumed, *scan.where(map(_TITLE_FIRST.__contains__, keys)), *scan.where(refs),
                     *scan.where(owner)})
    for start in starts:
        if start < i:
            continue
        i = start
        if i in consumed:
            i = consumed[i]
            continue
        hit, ref = owner[i], refs[i]
        if hit is None and keys[i] not in _TITLE_FIRST and (ref is None or ref[2] == "capital"):
            continue
        title = parse_title(scan, i) if hit is None or hit.type != "person" else None
        if title is None:
            continue
        end = title.end
        m = end + (end < len(tokens) and tokens[end].text == ",")
        _apply(scan, title, m, name_run(scan, m))
        i = max(end, i + 1)


def _match_appositions(scan: Scan) -> dict[int, int]:
    """'Oleksandr Markushin, the city's mayor': a name followed by a comma and a title; returns the titles used."""
    tokens, consumed = scan.tokens, {}
    for end in (c for c, key in enumerate(scan.keys) if key == "," and 0 < c < len(tokens) - 1):
        owner = scan.owner[end - 1]
        if owner is not None and owner.type == "person" and owner.end == end:
            known, i = True, owner.start
        else:
            known, i = False, end
        while not known and i > 0 and scan.owner[i - 1] is None and tokens[i - 1].text[:1].isupper():
            i -= 1
        while not known and i < end and name_run(scan, i) != end:
            i += 1
        if known or end - i >= 2:
            k = end + 1 + (tokens[end + 1].key in ("the", "a", "an"))
            title = parse_title(scan, k)
            if title is not None:
                _apply(scan, title, i, end)
                consumed[k] = title.end
    return consumed
