"""Actors, dictionary build: generates spelling, transliteration and country-pattern aliases for curated entries."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

from services.normalize.actors.countries import Country

# Transliterations of the same first name that English-language wires use interchangeably.
_FIRST_NAME_GROUPS = [
    ("sergey", "sergei"), ("dmitry", "dmitri", "dmitriy"), ("yuri", "yury", "yuriy"),
    ("alexei", "alexey", "aleksei", "aleksey"), ("alexander", "aleksandr", "alexandr"),
    ("oleksandr", "olexandr", "oleksander"), ("andriy", "andrii", "andrij"), ("oleksiy", "oleksii", "olexiy"),
    ("mykhailo", "mykhaylo", "mykhaillo"), ("yevgeny", "yevgeniy", "evgeny", "evgeniy"),
    ("valery", "valeriy", "valerii"), ("vitaly", "vitaliy", "vitalii"), ("vasily", "vasiliy", "vassily"),
    ("nikolai", "nikolay"), ("andrei", "andrey"), ("maria", "mariya"), ("yulia", "yuliya"),
    ("serhiy", "serhii", "sergiy"), ("oleh", "oleg"), ("ihor", "igor"), ("volodymyr", "volodimir"),
    ("vyacheslav", "viacheslav"), ("hennadiy", "hennadii", "gennadiy"), ("vadym", "vadim"),
    ("denys", "denis"), ("pavlo", "pavel"), ("kyrylo", "kirill", "kyrill"), ("iryna", "irina"),
    ("dmytro", "dmitro"), ("ruslan", "ruslan"), ("lyudmila", "liudmyla", "ludmila"), ("anatoly", "anatoliy"),
    ("vladimir", "wladimir"), ("mohammed", "mohammad", "muhammad", "mohamed"),
]
_FIRST_NAMES = {name: group for group in _FIRST_NAME_GROUPS for name in group}
# Surname endings spelt several ways (Zelensky/Zelenskyy/Zelenskiy, Zaluzhnyi/Zaluzhny).
_ENDINGS = [("skyy", "sky", "skiy", "skyi", "skii", "ski"), ("sky", "skyy", "skiy", "skyi", "skii", "ski"),
            ("skyi", "sky", "skyy", "skiy"), ("nyi", "ny", "niy"), ("ov", "off"), ("yev", "iev", "yev"),
            ("enko", "enko"), ("ii", "iy", "y")]

GOVERNMENT_PATTERNS = (
    "Government of {N}", "{N} government", "{N}'s government", "{D} government", "{D} authorities",
    "{N}'s authorities", "{N} authorities", "{D} administration", "{D} leadership", "{N}'s leadership",
    "{D} cabinet", "government in {C}", "{C} government",
)
INSTITUTION_PATTERNS: dict[str, tuple[str, ...]] = {
    "government": GOVERNMENT_PATTERNS,
    "defence-ministry": (
        "{D} Defence Ministry", "{D} Defense Ministry", "{D} Ministry of Defence", "{D} Ministry of Defense",
        "{N}'s Defence Ministry", "{N}'s Defense Ministry", "{N}'s Ministry of Defence", "{N}'s Ministry of Defense",
        "Ministry of Defence of {N}", "Ministry of Defense of {N}", "{D} MoD", "{N}'s MoD",
    ),
    "foreign-ministry": (
        "{D} Foreign Ministry", "{D} Ministry of Foreign Affairs", "{N}'s Foreign Ministry",
        "{N}'s Ministry of Foreign Affairs", "Foreign Ministry of {N}", "Ministry of Foreign Affairs of {N}",
        "{D} MFA", "{D} Foreign Affairs Ministry",
    ),
    "interior-ministry": (
        "{D} Interior Ministry", "{D} Ministry of Internal Affairs", "{D} Ministry of the Interior",
        "{N}'s Interior Ministry", "{N}'s Ministry of Internal Affairs", "Ministry of Internal Affairs of {N}",
        "Interior Ministry of {N}",
    ),
    "armed-forces": ("{D} Armed Forces", "Armed Forces of {N}", "{N}'s Armed Forces", "{D} armed forces"),
    "general-staff": ("{D} General Staff", "{N}'s General Staff", "General Staff of {N}"),
    "navy": ("{D} Navy", "{N}'s Navy", "Navy of {N}"),
    "air-force": ("{D} Air Force", "{N}'s Air Force", "Air Force of {N}"),
    "parliament": ("{D} parliament", "{N}'s parliament", "Parliament of {N}", "{D} Parliament"),
}

# Institutions every country has: generated as entries for countries with no curated one (name, sector).
GENERIC_INSTITUTIONS = {
    "defence-ministry": ("Ministry of Defence of {N}", "GOV"),
    "foreign-ministry": ("Ministry of Foreign Affairs of {N}", "GOV"),
    "interior-ministry": ("Ministry of Internal Affairs of {N}", "GOV"),
    "armed-forces": ("Armed Forces of {N}", "MIL"),
    "parliament": ("Parliament of {N}", "LEG"),
}


def institution_aliases(institution: str, country: Country) -> Iterator[str]:
    names = [n for n in country.names if not n.replace(".", "").isupper() or len(n) > 3]
    for pattern in INSTITUTION_PATTERNS.get(institution, ()):
        if "{C}" in pattern:
            yield from (pattern.format(C=c) for c in country.capitals)
        elif "{N}" in pattern:
            yield from (pattern.format(N=n) for n in names)
        else:
            yield from (pattern.format(D=d) for d in country.demonyms)


def _spellings(word: str) -> list[str]:
    lower = word.lower()
    if lower in _FIRST_NAMES:
        return [v.capitalize() if word[:1].isupper() else v for v in _FIRST_NAMES[lower]]
    out = [word]
    for group in _ENDINGS:
        if lower.endswith(group[0]) and len(lower) > len(group[0]) + 2:
            stem = word[: len(word) - len(group[0])]
            out += [stem + e for e in group[1:]]
            break
    return out


def person_aliases(name: str) -> Iterator[str]:
    """Transliteration variants of a person's full name, capped so that long names do not explode."""
    words = name.split()
    if len(words) > 4:
        return
    for combo in list(product(*(_spellings(w) for w in words)))[:24]:
        yield " ".join(combo)


def punctuation_aliases(alias: str) -> Iterator[str]:
    if "-" in alias:
        yield alias.replace("-", " ")
    if "'" in alias:
        yield alias.replace("'", "’")
