"""First step of tag_dates: find where a date expression may start, and try only the pattern kinds that can start there."""

from __future__ import annotations

import re
from collections.abc import Iterator

from services.normalize.temporal.lexicon import DECADE_WORDS, MONTHS, NUMBER_WORDS, ORDINALS, SEASONS, WEEKDAYS
from services.normalize.temporal.patterns import KINDS, compile_scanner

_CLASSES = {
    "MONTH": set(MONTHS),
    "WEEKDAY": set(WEEKDAYS),
    "SEASON": set(SEASONS),
    "COUNT": {w.split()[0] for w in NUMBER_WORDS} | {"few", "several", "some", "many"},
    "ORDINAL": set(ORDINALS),
    "DECADE": set(DECADE_WORDS),
    "MOD": {"early", "late", "mid", "the"},
}
# The words each kind of expression can begin with (DIGIT: a numeral or an apostrophe before one).
_STARTS = {
    "span": "the past last previous next coming",
    "range_md": "between from MONTH",
    "range_dm": "from DIGIT",
    "range_y": "between from DIGIT",
    "iso": "DIGIT",
    "week_of": "the",
    "mdy": "MONTH WEEKDAY",
    "dmy": "WEEKDAY the DIGIT",
    "month_year": "MOD MONTH",
    "month_rel": "MOD MONTH",
    "half": "the",
    "quarter": "the DIGIT this last next fiscal ORDINAL q1 q2 q3 q4",
    "year_back": "the last",
    "quarter_rel": "the this last next",
    "decade": "the early late mid DIGIT DECADE",
    "year_word": "the year",
    "season_year": "MOD SEASON",
    "rel": "early late earlier later mid this last next past previous coming current that the",
    "day_of": "earlier later that the",
    "rel_in": "earlier later",
    "day_word": "the early late earlier later today yesterday tomorrow tonight",
    "ago": "almost nearly about around some just only over roughly more less COUNT DIGIT",
    "shift": "COUNT DIGIT the",
    "in_count": "COUNT DIGIT",
    "ref": "right now currently current nowadays at presently these recently recent lately formerly the "
    "coming next upcoming future",
    "year_ref": "the",
    "holiday": "christmas new thanksgiving election",
    "year": "MOD fiscal the year DIGIT seventeen eighteen nineteen pre post",
    "month": "MOD MONTH",
    "season": "the early late mid SEASON",
    "weekday": "early late earlier later WEEKDAY",
}
assert set(_STARTS) == set(KINDS), "every pattern kind needs its start words"


def _kinds_by_word() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for kind, spec in _STARTS.items():
        for item in spec.split():
            for word in _CLASSES.get(item, {item}):
                table.setdefault(word, set()).add(kind)
    return {word: frozenset(kinds) for word, kinds in table.items()}


_KINDS_BY_WORD = _kinds_by_word()
_SCANNERS = {kinds: compile_scanner(kinds) for kinds in set(_KINDS_BY_WORD.values())}
_SCANNER_BY_WORD = {word: _SCANNERS[kinds] for word, kinds in _KINDS_BY_WORD.items()}
_DIGIT_SCANNER = _SCANNER_BY_WORD["DIGIT"]

# Common words that start an expression only when a date word follows them ("the past", "a day after").
_WEAK = frozenset("the a an that at from between some many more less about around just only over roughly new "
                  "nearly almost right these one few several".split())
_FOLLOWERS = frozenset(_KINDS_BY_WORD) | frozenset(
    """day days night week weeks weekend month months year years decade decades century hours end beginning start
    middle following same preceding latest quarter near distant foreseeable present than or couple full fiscal
    corresponding comparable""".split()
)
_TOKEN = re.compile(r"[A-Za-z]+\d*|\d+")
_NEXT_WORD = re.compile(r"[\s-]+['’]?([A-Za-z]+|\d)")


def scan(text: str) -> Iterator[re.Match[str]]:
    """Date expressions in reading order, not overlapping; most words cost one set lookup."""
    covered = 0
    for token in _TOKEN.finditer(text):
        start = token.start()
        if start < covered:
            continue
        word = token.group()
        scanner: re.Pattern[str] | None
        if word.isdigit():
            scanner = _DIGIT_SCANNER
            if start and text[start - 1] in "'’":
                start -= 1
        else:
            word = word.lower()
            scanner = _SCANNER_BY_WORD.get(word)
            if scanner is None:
                continue
            if word in _WEAK:
                following = _NEXT_WORD.match(text, token.end())
                if not following or not (following.group(1).isdigit() or following.group(1).lower() in _FOLLOWERS):
                    continue
        match = scanner.match(text, start)
        if match:
            covered = match.end()
            yield match
