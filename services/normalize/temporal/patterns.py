"""The one compiled scanner the tagger runs over a text: every date expression kind as a named alternative."""

from __future__ import annotations

import re

from services.normalize.temporal.lexicon import DECADE_WORDS, NUMBER_WORDS

# Fragments. Quantifiers are bounded or anchored on literals so a whole article scans in linear time.
_MONTH_FULL = r"(?:january|february|march|april|(?-i:May)|june|july|august|september|october|november|december)"
_MONTH_CAP = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ABBR = r"(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
# Next to a day number an abbreviation needs no full stop; alone it must have one ("Jan" is also a name).
MONTH_WITH_DAY = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR}\.?)"
MONTH_WITH_YEAR = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR}\.)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"
_DIGIT_YEAR = r"(?<![\d$£€.,])(?:1[6-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|\s*(?:%|per\s*cent|percent))"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
# Years in words, as broadcast transcripts spell them: "nineteen ninety-six", "nineteen oh five", "two thousand".
SPOKEN_YEAR = (
    r"(?:seventeen|eighteen|nineteen)\s+(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]"
    rf"{_UNITS})?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|oh\s+{_UNITS})"
)
# "two thousand" is a count unless "the year" or a month or season names it.
_MILLENNIUM_YEAR = rf"two\s+thousand(?:\s+and)?(?:\s+(?:{_UNITS}|ten|eleven|twelve))?"
YEAR = rf"(?:{_DIGIT_YEAR}|{SPOKEN_YEAR})"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?!s\b)"
PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUMBER_WORD = "|".join(sorted((w.replace(" ", r"\s+") for w in NUMBER_WORDS), key=len, reverse=True))
_TENS = r"(?:twenty|thirty|forty|fifty|sixty)[\s-](?:one|two|three|four|five|six|seven|eight|nine)"
COUNT = rf"(?:\d{{1,3}}|{_TENS}|{_NUMBER_WORD})"
VAGUE = r"(?:a\s+few|several|few|some|many)"
UNIT = r"(?:day|week|month|year|decade|fortnight)s?"
MOD = r"(?:(?:early|late|mid|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+)?"
SEASON = r"(?:spring|summer|fall|autumn|winter)"
ORDINAL = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
_REL_YEAR = r"(?:this|last|next)\s+year"
_DECADE_WORD = "|".join(DECADE_WORDS)

_ALTERNATIVES = [
    ("span", rf"(?:the\s+)?(?:past|last|previous|next|coming)\s+{COUNT}\s+(?:hours|days|weeks|months|years)\b"),
    (
        "range_md",
        rf"(?:between\s+{MONTH_WITH_DAY}\s+{DAY}\s+and\s+(?:{MONTH_WITH_DAY}\s+)?{DAY}"
        rf"|(?:from\s+)?{MONTH_WITH_DAY}\s+{DAY}\s*(?:-|–|to|through|until|till)\s*(?:{MONTH_WITH_DAY}\s+)?{DAY})"
        rf"(?:,?\s+{YEAR})?",
    ),
    ("range_dm", rf"(?:from\s+)?{DAY}\s*(?:-|–|to|until|till)\s*{DAY}\s+(?:of\s+)?{MONTH_WITH_DAY}(?:,?\s+{YEAR})?"),
    ("range_y", rf"(?:between\s+{YEAR}\s+and\s+{YEAR}|from\s+{YEAR}\s+(?:to|until|till|through)\s+{YEAR}|{YEAR}\s*[-–]\s*{YEAR})"),
    ("iso", rf"{YEAR}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?(?!\d)"),
    ("week_of", rf"the\s+week\s+of\s+{MONTH_WITH_DAY}\s+{DAY}(?:,?\s+{YEAR})?"),
    ("mdy", rf"(?:{WEEKDAY},?\s+)?{MONTH_WITH_DAY}\s+{DAY}(?:,?\s+{YEAR})?"),
    ("dmy", rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH_WITH_DAY}(?:,?\s+{YEAR})?"),
    ("month_year", rf"{MOD}{MONTH_WITH_YEAR},?\s+(?:of\s+)?{YEAR}"),
    ("month_rel", rf"{MOD}{_MONTH_CAP}\s+(?:of\s+)?{_REL_YEAR}"),
    ("half", rf"the\s+(?:first|second|last)\s+half\s+of\s+(?:fiscal\s+)?{YEAR}"),
    (
        "quarter",
        rf"(?:(?:the\s+)?(?:(?:{YEAR}|{_REL_YEAR})(?:'s|’s)?\s+)?(?:fiscal[\s-]+)?{ORDINAL}[\s-]+(?:fiscal\s+)?quarter(?!s)"
        rf"(?:\s+of\s+(?:fiscal\s+)?(?:{YEAR}|{_REL_YEAR}))?|(?-i:Q[1-4])(?:\s+{YEAR})?|{YEAR}\s+(?-i:Q[1-4]))",
    ),
    (
        # The period under report, a year back: "last year's quarter", "the corresponding period last year".
        "year_back",
        r"last\s+year(?:'s|’s)\s+(?:(?:same|corresponding|comparable)\s+)?(?:quarter|period)(?![s-])"
        r"(?!\s+(?:of|finals?)\b)"
        r"|the\s+(?:same|corresponding|comparable)\s+(?:quarter|period)\s+(?:of\s+)?"
        r"(?:last\s+year|the\s+(?:previous|prior)\s+year|a\s+year\s+(?:earlier|ago|before))",
    ),
    (
        "quarter_rel",
        r"(?:the|this|last|next)\s+(?:(?:latest|current|previous|past|same|recent|year-earlier|year-ago)\s+)?quarter(?![s-])"
        r"|the\s+latest\s+period\b",
    ),
    (
        "decade",
        rf"(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:(?:1[5-9]|20)\d0'?s|'\d0s|{_DECADE_WORD})\b"
        r"|(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?\d{1,2}(?:st|nd|rd|th)[\s-]+century",
    ),
    (
        "year_word",
        rf"(?:the\s+)?year-(?:earlier|ago)(?:\s+(?:{ORDINAL}[\s-]+)?(?:quarter|period))?|year[-\s]end|year(?:'s|’s)\s+end",
    ),
    ("season_year", rf"{MOD}(?:the\s+)?{SEASON}\s+(?:of\s+)?{YEAR}"),
    (
        "rel",
        rf"(?:(?:early|late|earlier|later|mid)[\s-]+)?"
        r"(?:this(?:\s+coming)?|last|next|past|previous|coming|current|that"
        r"|the\s+(?:past|last|previous|coming|next|current|following|same|preceding)|the(?=\s+weekend))"
        rf"\s+(?:weekend|week|month|year|decade|century|{SEASON}|{_MONTH_CAP}|{WEEKDAY}{PART_OF_DAY})(?![s-])",
    ),
    (
        "day_of",
        r"(?:(?:earlier|later)\s+)?(?:that(?:\s+same)?|the\s+(?:same|next|following|previous|preceding))"
        r"\s+(?:day|morning|afternoon|evening|night)\b",
    ),
    ("rel_in", r"(?:earlier|later)\s+in\s+the\s+(?:week|month|year)"),
    (
        "day_word",
        r"the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)"
        rf"|(?:(?:early|late|earlier|later)\s+)?(?:today|yesterday|tomorrow|tonight){PART_OF_DAY}",
    ),
    (
        "ago",
        rf"(?:(?:almost|nearly|about|around|some|just|only|over|roughly|more\s+than|less\s+than)\s+)?"
        rf"(?:{COUNT}|{VAGUE})\s+(?:or\s+so\s+)?{UNIT}(?:\s+or\s+so)?\s+ago\b",
    ),
    ("shift", rf"(?:{COUNT}\s+{UNIT}\s+(?:later|earlier|after|before)|the\s+(?:day|night)\s+(?:before|after))\b"),
    ("in_count", rf"(?<=\bin ){COUNT}\s+(?:day|week|month|year)s?\b(?!\s+(?:ago|later|earlier|after|before))"),
    (
        "ref",
        r"(?:right\s+)?now\b(?!-)|currently|current(?!\s+(?:account|affairs)\b)|nowadays|at\s+present|presently|these\s+days"
        r"|recently|recent\s+(?:days|weeks|months|years|decades)|lately|formerly"
        rf"|the\s+past(?!\s+(?:{COUNT}|{VAGUE}|hours?|days?|weeks?|months?|years?|decades?)\b)"
        r"|the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|(?<=\bin )future"
        r"|(?:the\s+)?(?:coming|next\s+few|upcoming)\s+(?:days|weeks|months|quarters|years|decades)",
    ),
    (
        "year_ref",
        r"the\s+(?:(?:full\s+|current\s+)?(?:fiscal\s+)?|latest\s+fiscal\s+)year"
        r"(?![\s-]+(?:earlier|ago|before|after|later|\d|seventeen|eighteen|nineteen|two\s+thousand))",
    ),
    (
        "holiday",
        rf"(?:christmas(?:\s+(?:day|eve))?|new\s+year(?:'s|’s)\s+(?:day|eve)|thanksgiving(?:\s+day)?|(?-i:Election\s+Day))"
        rf"(?:,?\s+{YEAR})?",
    ),
    ("year", rf"(?:(?:pre|post)-)?{MOD}(?:fiscal[\s-]+)?(?:the\s+)?(?:year\s+)?{YEAR}(?:\s+(?:period|quarter(?![s-])))?|the\s+year\s+{_MILLENNIUM_YEAR}"),
    ("month", rf"{MOD}{_MONTH_CAP}"),
    ("season", rf"(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?{SEASON}(?!\s+of\b|[\s-]+(?:time|camp|school|break|session|season|term|olympics|games)\b)"),
    ("weekday", rf"(?:(?:early|late|earlier|later)\s+)?{WEEKDAY}{PART_OF_DAY}"),
]

KINDS = [name for name, _ in _ALTERNATIVES]


def compile_scanner(kinds: frozenset[str] | None = None) -> re.Pattern[str]:
    """One regex trying the chosen kinds (all by default) in the order above, the first that matches winning."""
    chosen = [(name, body) for name, body in _ALTERNATIVES if kinds is None or name in kinds]
    return re.compile(
        r"(?<![\w'’-])(?:" + "|".join(f"(?P<{name}>{body})" for name, body in chosen) + r")(?!\w)(?!['’](?!s\b)\w)",
        re.IGNORECASE,
    )


SCANNER = compile_scanner()

# Pieces the resolver reads back out of one matched expression (short strings, so these are cheap).
YEAR_IN = re.compile(rf"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)|({SPOKEN_YEAR}|{_MILLENNIUM_YEAR})", re.IGNORECASE)
DAY_IN = re.compile(r"(?<![\d])(3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)")
MONTH_IN = re.compile(rf"\b({_MONTH_FULL}|{_MONTH_ABBR})\b", re.IGNORECASE)
WEEKDAY_IN = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)
COUNT_UNIT_IN = re.compile(rf"({COUNT}|{VAGUE})\s+(?:or\s+so\s+)?(hour|day|week|month|year|decade|fortnight)s?", re.IGNORECASE)
SEASON_IN = re.compile(rf"\b({SEASON})\b", re.IGNORECASE)
ORDINAL_IN = re.compile(rf"\b({ORDINAL})\b|(?-i:Q)([1-4])", re.IGNORECASE)


def spaced(surface: str) -> str:
    """An expression's words as the resolvers read them, one plain space apart: scraped text separates them with
    tabs, no-break spaces and line breaks, and a resolver's "the previous" must match all of them."""
    return " ".join(surface.split())


def word_in(piece: re.Pattern[str], surface: str) -> str:
    """The word `piece` captures in `surface`, an expression the scanner matched only because it holds one."""
    found = piece.search(surface)
    assert found is not None, surface
    return found.group(1)
