"""Words the temporal tagger knows: month, weekday, season and number names, shared by patterns and resolution."""

from __future__ import annotations

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
FULL_MONTHS = [name for name in MONTHS if len(name) > 4 or name in ("june", "july", "may")]
ABBREVIATED_MONTHS = [name for name in MONTHS if name not in FULL_MONTHS]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
# First month of each season, used when a season has to become dates (northern hemisphere).
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "a couple of": 2, "couple of": 2, "a couple": 2,
}
# Vague counts: the expression is a date, but only its direction is known.
VAGUE_COUNTS = ("a few", "few", "several", "some", "many")

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}

UNIT_DAYS = {"day": 1, "week": 7}

_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
               "ninety": 90}


def spoken_year(words: str) -> int | None:
    """A year said in words, as broadcast transcripts write it: 'nineteen ninety-six', 'two thousand and one'."""
    parts = words.lower().replace("-", " ").split()
    if parts[:2] == ["two", "thousand"]:
        rest = [p for p in parts[2:] if p != "and"]
        return 2000 + (NUMBER_WORDS.get(rest[0], 0) if rest else 0)
    if len(parts) < 2 or parts[0] not in NUMBER_WORDS:
        return None
    century = NUMBER_WORDS[parts[0]] * 100
    if parts[1] == "hundred":
        return century
    if parts[1] == "oh" and len(parts) > 2:
        return century + NUMBER_WORDS.get(parts[2], 0)
    tail = _TENS_WORDS.get(parts[1]) or NUMBER_WORDS.get(parts[1], 0)
    return century + tail + (NUMBER_WORDS.get(parts[2], 0) if len(parts) > 2 else 0)


def count_of(word: str) -> int | None:
    """The number a count word or numeral stands for; None for a vague count such as 'several'."""
    word = " ".join(word.lower().replace("-", " ").split())
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    parts = word.split()
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
    return None


def unit_of(word: str) -> str:
    """Singular unit name: 'weeks' -> 'week'."""
    word = word.lower()
    return word[:-1] if word.endswith("s") else word
