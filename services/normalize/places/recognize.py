"""Step 1 of find_places: capitalised token n-grams looked up in the gazetteer, then filtered for people and words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.lexicon import (
    CONNECTORS,
    DIRECTIONS,
    NEVER_PLACES,
    ORGANISATION_TAILS,
    PERSON_TITLES,
    PLACE_CUES,
    REGION_WORDS,
    SETTLEMENT_WORDS,
)
from services.normalize.places.names import fold
from services.normalize.places.people import COMMON_WORD, Token, joined, people_named

MAX_WORDS = 6
_TOKEN = re.compile(r"(?:[A-Z][a-z]?\.){2,}|(?:St|Ste|Ft|Mt)\.|[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAK = re.compile(r"[.!?:;\"“”(\[\n•—]|\s-\s")
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$")


@dataclass(frozen=True)
class Span:
    """A run of tokens whose name the gazetteer knows, with the clues its context gives."""

    first: int
    last: int  # inclusive token index
    start: int
    end: int
    key: str
    region_word: bool = False  # "Kharkiv Oblast", "the Donetsk region"
    settlement_cue: bool = False  # "the city of X"
    place_cue: bool = False  # "near X", "in X"
    sentence_initial: bool = False


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        start = match.start()
        if word.isalpha():  # most words: no apostrophe to look at, and ASCII ones fold by lower-casing alone
            key = word.lower() if word.isascii() else fold(word)
            tokens.append(Token(word, start, start + len(word), key, False))
            continue
        if _CONTRACTION.search(word):
            continue
        possessive = len(word) > 2 and word[-2] in "'’" and word[-1] in "sS"
        if possessive:
            word = word[:-2]
        tokens.append(Token(word, start, start + len(word), fold(word), possessive))
    return tokens


def find_spans(text: str, tokens: list[Token], gazetteer: Gazetteer) -> list[Span]:
    spans: list[Span] = []
    headline = _title_case(tokens)
    people = people_named(text, tokens, gazetteer, headline)
    i = 0
    while i < len(tokens):
        span = _longest_name_at(text, tokens, i, gazetteer)
        if span is None:
            i += 1
            continue
        span = _with_region_word(text, tokens, span)
        if span.key not in people and _looks_like_a_place(text, tokens, span, gazetteer, headline):
            spans.append(span)
        i = span.last + 1
    return spans


def _longest_name_at(text: str, tokens: list[Token], i: int, gazetteer: Gazetteer) -> Span | None:
    if not tokens[i].capitalised or tokens[i].key in CONNECTORS:
        return None
    last, widest = i, min(MAX_WORDS, gazetteer.longest_name(tokens[i].key))
    while last + 1 < len(tokens) and last - i + 1 < widest and joined(text, tokens[last], tokens[last + 1]):
        last += 1
    abbreviation = tokens[i].key + "."
    if text.startswith(".", tokens[i].end) and abbreviation in gazetteer and not tokens[i].text.endswith("."):
        span = _span(text, tokens, i, i, abbreviation)
        return Span(i, i, span.start, span.end + 1, abbreviation, place_cue=span.place_cue)
    for j in range(last, i - 1, -1):
        if j > i and not _name_shaped(tokens[i : j + 1]):
            continue
        key = " ".join(t.key for t in tokens[i : j + 1])
        if key in gazetteer:
            return _span(text, tokens, i, j, key)
    return None


def _span(text: str, tokens: list[Token], i: int, j: int, key: str, **flags) -> Span:
    before = [t.key for t in tokens[max(0, i - 3) : i]]
    return Span(
        first=i,
        last=j,
        start=tokens[i].start,
        end=tokens[j].end,
        key=key,
        settlement_cue=len(before) >= 2 and before[-1] == "of" and before[-2] in SETTLEMENT_WORDS,
        place_cue=bool(before) and before[-1] in PLACE_CUES and not _sentence_break(text, tokens, i - 1),
        sentence_initial=_sentence_break(text, tokens, i),
        **flags,
    )


def _name_shaped(tokens: list[Token]) -> bool:
    """Every word capitalised, except connectors inside ('Isle of Man', 'Rostov-on-Don')."""
    if not tokens[-1].capitalised:
        return False
    return all(t.capitalised or t.key in CONNECTORS for t in tokens)


def _with_region_word(text: str, tokens: list[Token], span: Span) -> Span:
    nxt = span.last + 1
    if nxt < len(tokens) and tokens[nxt].key in REGION_WORDS and joined(text, tokens[span.last], tokens[nxt]):
        if tokens[nxt].capitalised or tokens[nxt].key in ("region", "province", "oblast"):
            return Span(span.first, nxt, span.start, tokens[nxt].end, span.key, True,
                        span.settlement_cue, span.place_cue, span.sentence_initial)
    return span


def _sentence_break(text: str, tokens: list[Token], i: int) -> bool:
    """True when token i opens a sentence, a quotation, a headline or a list item."""
    if i <= 0:
        return True
    previous = tokens[i - 1]
    gap = text[previous.end : tokens[i].start]
    if previous.possessive:
        gap = gap[2:]
    if previous.key in PERSON_TITLES and gap.startswith(". "):
        return False  # "Mr. Smith"
    return _BREAK.search(gap) is not None


def _looks_like_a_place(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer, headline: bool) -> bool:
    words = tokens[span.first : span.last + 1]
    if span.region_word or span.settlement_cue:
        return True
    single = span.first == span.last or (span.last == span.first + 1 and span.region_word)
    if single and span.key in NEVER_PLACES:
        return False
    if _after_person_title(tokens, span) or _inside_a_longer_name(text, tokens, span, headline):
        return False
    if not single:
        return True
    if _before_organisation_word(text, tokens, span, gazetteer, headline):
        return False
    word = words[0]
    if word.text.isupper() and len(word.text) <= 3 and "." not in word.text and span.key not in ("us", "uk", "usa"):
        return False  # acronyms: NATO is not a place, most three-letter capitals are agencies
    frequency = gazetteer.word_frequency(span.key)
    if frequency < COMMON_WORD:
        return True
    best = max((p for p, alternate in gazetteer.lookup(span.key) if not alternate), default=None,
               key=lambda p: (p.specificity <= 2, p.population))
    if best is None:
        return False
    primary = [p for p, alternate in gazetteer.lookup(span.key) if not alternate]
    if any(p.feature in ("country", "continent") or p.capital or p.population >= 1_000_000 for p in primary):
        return True
    if best.specificity <= 2:
        return not (span.sentence_initial and frequency >= 5.0)
    return not span.sentence_initial and (span.place_cue or best.population >= 100_000)


def _after_person_title(tokens: list[Token], span: Span) -> bool:
    if span.first == 0:
        return False
    previous = tokens[span.first - 1]
    return previous.capitalised and previous.key in PERSON_TITLES


def _inside_a_longer_name(text: str, tokens: list[Token], span: Span, headline: bool) -> bool:
    """'Raquel Henry', 'John Kirby', 'Rapides Fire District': a capitalised word just before makes it another name."""
    if span.first == 0 or span.sentence_initial or headline:
        return False
    previous = tokens[span.first - 1]
    if not previous.capitalised or not joined(text, previous, tokens[span.first]) or previous.possessive:
        return False
    if text[previous.end : tokens[span.first].start] != " ":
        return False  # "China-Russia": a hyphen joins two names as often as it builds one
    if previous.key in DIRECTIONS or previous.key in CONNECTORS or previous.key in NEVER_PLACES:
        return False
    if previous.text.isupper() and len(previous.text) > 1:
        return False
    return True


def _title_case(tokens: list[Token]) -> bool:
    """Headlines in Title Case capitalise every word, so a capital says nothing about names there."""
    words = [t for t in tokens if t.key not in CONNECTORS]
    return len(words) >= 4 and sum(t.capitalised for t in words) >= 0.8 * len(words)


def _before_organisation_word(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer, headline: bool) -> bool:
    """'Washington Post', 'Dublin Road', 'Houston Nutt': a single-word town followed by another capitalised word."""
    nxt = span.last + 1
    if nxt >= len(tokens) or not joined(text, tokens[span.last], tokens[nxt]) or not tokens[nxt].capitalised:
        return False
    if tokens[nxt].key in ORGANISATION_TAILS:
        return True
    if tokens[nxt].key in PERSON_TITLES or tokens[nxt].key in REGION_WORDS or headline:
        return False
    if any(p.specificity <= 2 for p, alternate in gazetteer.lookup(tokens[nxt].key) if not alternate):
        return False  # "Kyiv Ukraine" in a dateline
    places = [p for p, _ in gazetteer.lookup(span.key)]
    return all(p.specificity >= 2 for p in places) and not tokens[nxt].text.isupper()
