"""Step 1 of find_places: capitalised token n-grams looked up in the gazetteer, then filtered for people and words."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from operator import attrgetter
from typing import NamedTuple

from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.lexicon import (
    CONNECTORS,
    DIRECTIONS,
    FEATURE_HEADS,
    FEATURE_TAILS,
    FEATURES_OF,
    INSTITUTION_WORDS,
    NAME_OPENERS,
    NEVER_PLACES,
    ORGANISATION_TAILS,
    PERSON_TITLES,
    PLACE_CUES,
    REGION_WORDS,
    SETTLEMENT_WORDS,
)
from services.normalize.places.people import COMMON_WORD, Token, joined, people_named

MAX_WORDS = 6
_BREAK = re.compile(r"[.!?:;\"“”(\[\n•—]|\s-\s")
_COUNTY_PLURALS = frozenset(("counties", "parishes"))
COUNTY_WORDS = ("county", "parish")
_LOWER_REGIONS = frozenset(("region", "province", "oblast"))  # region words written lower-case after a name
_ARABIC_ARTICLES = frozenset(("al", "el"))
_SAINTS = frozenset(("saint", "st", "ste", "san", "santa"))
_SAINTS_DAYS_AND_HOUSES = frozenset(
    "day eve square church cathedral basilica chapel abbey parish hospital college school university academy".split())
_ISLANDS = frozenset(("island", "islands", "isle"))
_INSTITUTION_REACH = 6  # words of a name looked through for an institution's: 'Department of Criminal Justice'
# A region this big names the state whose institutions carry its name ('the Texas Department of ...'); a parish
# named 'Michael' or 'Mary' lends its name to people far more often.
STATE_SIZED = 1_000_000
_CAPITALISED = attrgetter("capitalised")
_KEY = attrgetter("key")


class Span(NamedTuple):
    """A run of tokens whose name the gazetteer knows, with the clues its context gives."""

    first: int
    last: int  # inclusive token index
    start: int
    end: int
    key: str
    region_word: bool = False  # "Kharkiv Oblast", "the Donetsk region": the word is the span's last token
    settlement_cue: bool = False  # "the city of X"
    place_cue: bool = False  # "near X", "in X"
    sentence_initial: bool = False
    county_list: bool = False  # "in Barrow, Jackson and Madison counties"
    region_before: bool = False  # "the state of Washington": the word is outside the span
    direction_before: bool = False  # "West Midlands", "Central Plateau": a capitalised compass word just before

    @property
    def names_a_region(self) -> bool:
        return self.region_word or self.region_before

    @property
    def words(self) -> int:
        """Words of the name itself, a region word after it not counted."""
        return self.last - self.first + 1 - self.region_word


def find_spans(text: str, tokens: list[Token], gazetteer: Gazetteer) -> list[Span]:
    spans: list[Span] = []
    # Every name starts with a capital: visiting only those skips three words in four.
    capitals = list(compress(range(len(tokens)), map(_CAPITALISED, tokens)))
    headline = _title_case(tokens, capitals)
    people = people_named(text, tokens, gazetteer, headline, capitals)
    free = 0  # first token not yet inside a name
    for i in capitals:
        if i < free:
            continue
        span = _longest_name_at(text, tokens, i, gazetteer)
        if span is None:
            continue
        span = _with_region_word(text, tokens, span, gazetteer)
        if _after_compass_word(text, tokens, span):
            span = span._replace(direction_before=True)
        if not span.region_word and _listed_before_counties(text, tokens, span.last + 1) \
                and any(f"{span.key} {word}" in gazetteer for word in COUNTY_WORDS) \
                and not _state_before_counties(text, tokens, span, gazetteer):
            span = span._replace(county_list=True)
        if span.key not in people and _looks_like_a_place(text, tokens, span, gazetteer, headline):
            spans.append(span)
        free = span.last + 1
    return spans


def _longest_name_at(text: str, tokens: list[Token], i: int, gazetteer: Gazetteer) -> Span | None:
    token = tokens[i]
    opener = token.key in CONNECTORS
    if not token.capitalised or (opener and token.key not in NAME_OPENERS):
        return None
    last, widest = i, gazetteer.longest_name(token.key)
    if token.possessive:
        widest = max(widest, gazetteer.longest_name(token.key + "s"))
    if widest > 1:  # most words begin no name of several words
        widest = min(MAX_WORDS, widest)
        while last + 1 < len(tokens) and last - i + 1 < widest \
                and _joined_in_name(text, tokens[last], tokens[last + 1]):
            last += 1
    if len(token.text) == 1 and i + 1 < len(tokens) and (spaced := _spaced_abbreviation(text, tokens, i, gazetteer)):
        return spaced
    if not opener and text.startswith(".", token.end) and not token.text.endswith(".") \
            and token.key + "." in gazetteer and not _after_an_initial(text, tokens, i):
        abbreviation = token.key + "."
        span = _span(text, tokens, i, i, abbreviation)
        return Span(i, i, span.start, span.end + 1, abbreviation, place_cue=span.place_cue)
    for j in range(last, i, -1):
        if not _name_shaped(tokens[i : j + 1]):
            continue
        key = " ".join([*(t.key + "s" if t.possessive else t.key for t in tokens[i:j]), tokens[j].key])
        if key in gazetteer:
            return _span(text, tokens, i, j, key)
    if opener:
        return None  # 'La' alone
    return _span(text, tokens, i, i, token.key) if token.key in gazetteer else None


def _spaced_abbreviation(text: str, tokens: list[Token], i: int, gazetteer: Gazetteer) -> Span | None:
    """'W. Va.', a state's abbreviation written with a space, which the index holds as 'W.Va.'. Before a capitalised
    word it is taken for a person's initials ('N. C. Wyeth', 'The mayor of Boston, D. C. Jones'), even where the
    word opens a new sentence: a state left out is a smaller error than one made up."""
    letter, word = tokens[i], tokens[i + 1]
    if text[letter.end : word.start] != ". " or not text.startswith(".", word.end):
        return None
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after is not None and after.capitalised and text[word.end : after.start] == ". ":
        return None
    key = letter.key + word.key
    if not any(place.feature == "region" for place, alternate in gazetteer.lookup(key) if not alternate):
        return None
    return _span(text, tokens, i, i + 1, key)._replace(end=word.end + 1)


def _after_an_initial(text: str, tokens: list[Token], i: int) -> bool:
    """'N. C. Wyeth', 'W. Va. Then': the word is the second of two initials, never an abbreviation alone."""
    return i > 0 and len(tokens[i - 1].text) == 1 and text[tokens[i - 1].end : tokens[i].start] == ". "


def _after_a_place_and_comma(text: str, tokens: list[Token], i: int, gazetteer: Gazetteer) -> bool:
    """True when a place's name of up to three words and a comma come just before token i, as a town comes before
    its state ('Albany, N.Y.', 'Rocky Mount, N.C.'); not 'Meanwhile, N.Y. Post reporters'."""
    if i == 0 or text[tokens[i - 1].end : tokens[i].start] != ", ":
        return False
    for first in range(i - 1, max(i - 4, -1), -1):
        token = tokens[first]
        if not token.capitalised or first < i - 1 and not joined(text, token, tokens[first + 1]):
            return False
        if " ".join(t.key for t in tokens[first:i]) in gazetteer:
            return True
    return False


def _joined_in_name(text: str, left: Token, right: Token) -> bool:
    """As `joined`, but a possessive may sit inside a name the index holds whole: 'People's Republic of China'."""
    if left.possessive:
        return text[left.end + 2 : right.start] == " "
    return joined(text, left, right)


def _span(text: str, tokens: list[Token], i: int, j: int, key: str) -> Span:
    previous = tokens[i - 1].key if i >= 1 else None
    return Span(
        i,
        j,
        tokens[i].start,
        tokens[j].end,
        key,
        False,
        i >= 2 and previous == "of" and tokens[i - 2].key in SETTLEMENT_WORDS,  # settlement cue
        previous in PLACE_CUES and not _sentence_break(text, tokens, i - 1),  # place cue
        _sentence_break(text, tokens, i),  # sentence-initial
    )


def _name_shaped(tokens: list[Token]) -> bool:
    """Every word capitalised, except connectors inside ('Isle of Man', 'Rostov-on-Don')."""
    if not tokens[-1].capitalised:
        return False
    return all(t.capitalised or t.key in CONNECTORS for t in tokens)


def _with_region_word(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer) -> Span:
    """'Kharkiv Oblast', 'the Donetsk region', 'Washington state' (the word joins the span); 'the state of
    Washington', 'the province of Quebec' (the name alone is the span)."""
    nxt = span.last + 1
    if nxt < len(tokens) and tokens[nxt].key in REGION_WORDS and joined(text, tokens[span.last], tokens[nxt]):
        word = tokens[nxt]
        if word.capitalised:
            if word.key == "state" and _opens_a_name(text, tokens, nxt):
                return span  # "Youngstown State University": a school named after the town, not a state
            return span._replace(last=nxt, end=word.end, region_word=True)
        if word.key in _LOWER_REGIONS or word.key == "state" and _region_not_country(span, gazetteer):
            return span._replace(last=nxt, end=word.end, region_word=True)
    # 'the state of X', but not 'the Kiev region of Donetsk' (a district of the city), 'The State Of Media' (a
    # headline) or 'the province of Western Kasai' (a longer name)
    first = span.first
    if first >= 3 and tokens[first - 3].key == "the" and not tokens[first - 2].capitalised \
            and tokens[first - 2].key in REGION_WORDS and not _opens_a_name(text, tokens, span.last) \
            and text[tokens[first - 3].end : span.start] == f" {tokens[first - 2].text} of ":
        return span._replace(region_before=True)
    return span


def _after_compass_word(text: str, tokens: list[Token], span: Span) -> bool:
    """'West Midlands', 'Central Plateau'; not 'the province of Western Kasai', which says itself what it is."""
    first = span.first
    if first == 0 or not tokens[first - 1].capitalised or tokens[first - 1].key not in DIRECTIONS \
            or text[tokens[first - 1].end : span.start] != " ":
        return False
    return not (first >= 3 and tokens[first - 2].key == "of" and tokens[first - 3].key in REGION_WORDS)


def _region_not_country(span: Span, gazetteer: Gazetteer) -> bool:
    """'Washington state', 'New York state': a name whose readings include a first-level region and no country
    (not 'Russian state media', a people's name, nor 'Mexico state oil company', the country's)."""
    features = {place.feature for place, _ in gazetteer.lookup(span.key)}
    return "region" in features and "country" not in features


def _opens_a_name(text: str, tokens: list[Token], i: int) -> bool:
    """True when a capitalised word follows token i within the same name."""
    return i + 1 < len(tokens) and tokens[i + 1].capitalised and joined(text, tokens[i], tokens[i + 1])


def _listed_before_counties(text: str, tokens: list[Token], i: int) -> bool:
    """True when tokens from i on run, through a list of capitalised names, into 'counties' or 'parishes':
    'Barrow, Jackson and Madison counties' names three counties, none of them the town of that name."""
    previous = tokens[i - 1]
    for token in tokens[i : i + 12]:
        gap = text[previous.end : token.start]
        if gap not in (" ", ", "):
            return False
        if token.key in _COUNTY_PLURALS:
            return not token.capitalised and gap == " "
        if not token.capitalised and token.key not in ("and", "or"):
            return False
        previous = token
    return False


def _state_before_counties(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer) -> bool:
    """True for "the middle of Indiana counties": a first-level region alone before 'counties' owns them; only a
    list ("Washington and Jefferson counties") makes it a county's name."""
    follows_list = span.first > 0 and (tokens[span.first - 1].key in ("and", "or")
                                       or text[tokens[span.first - 1].end : span.start] == ", ")
    alone = tokens[span.last + 1].key in _COUNTY_PLURALS if span.last + 1 < len(tokens) else False
    return alone and not follows_list and any(place.feature == "region" for place, _ in gazetteer.lookup(span.key))


def _sentence_break(text: str, tokens: list[Token], i: int) -> bool:
    """True when token i opens a sentence, a quotation, a headline or a list item."""
    if i <= 0:
        return True
    previous = tokens[i - 1]
    gap = text[previous.end : tokens[i].start]
    if previous.possessive:
        gap = gap[2:]
    if gap == " ":
        return False  # nearly every case, no regex
    if previous.key in PERSON_TITLES and gap.startswith(". "):
        return False  # "Mr. Smith"
    return _BREAK.search(gap) is not None


def _looks_like_a_place(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer, headline: bool) -> bool:
    if span.key in NEVER_PLACES or span.region_word and span.words == 1 and tokens[span.first].key in DIRECTIONS:
        return False  # 'the Middle East region', 'the first Northern state' (but 'North Kivu province')
    if span.region_word or span.settlement_cue or span.county_list:
        return True
    if _names_another_feature(tokens, span):
        return False
    # A name opening with a particle is, to these checks, one word: 'De Leon said', 'La Salle Street'.
    single = span.words == 1 or span.words == 2 and tokens[span.first].key in NAME_OPENERS
    if _after_person_title(tokens, span) or _inside_a_longer_name(text, tokens, span, headline):
        return False
    if not single:
        return True
    if _before_organisation_word(text, tokens, span, gazetteer, headline):
        return False
    word = tokens[span.first]
    if word.text.isupper() and len(word.text) <= 3 and "." not in word.text and span.key not in ("us", "uk", "usa"):
        return False  # acronyms: NATO is not a place, most three-letter capitals are agencies
    frequency = gazetteer.word_frequency(span.key)
    if frequency < COMMON_WORD:
        return True
    reading = _common_word_reading(span.key, gazetteer)
    if reading is None:
        return False
    if reading == "major":
        return True
    if reading == "area":
        return not (span.sentence_initial and frequency >= 5.0)
    if span.sentence_initial:
        return _before_its_state(text, tokens, span, gazetteer)  # 'Boston, Mass., and ...', 'HOPE, Ark. --'
    return span.place_cue or reading == "large town"


def _names_another_feature(tokens: list[Token], span: Span) -> bool:
    """'the Gulf of Mexico' (a sea named after the country), 'St. Peter's Square', 'St. Patrick's Day' (a saint's
    square, church or feast, never the place named after the saint)."""
    first = span.first
    if first >= 2 and tokens[first - 1].key == "of" and tokens[first - 2].key in FEATURES_OF \
            and tokens[first - 2].capitalised:
        return True  # (not 'a sea of Ukrainian flags')
    if tokens[first].key not in _SAINTS or span.last == first or not tokens[span.last].possessive:
        return False
    after = tokens[span.last + 1] if span.last + 1 < len(tokens) else None
    return after is not None and after.capitalised and after.key in _SAINTS_DAYS_AND_HOUSES  # not "San Diego's mayor"


def _before_its_state(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer) -> bool:
    """True when ', ' and the name or abbreviation of a region or country follow: 'Boston, Mass.'."""
    nxt = span.last + 1
    if nxt >= len(tokens) or text[tokens[span.last].end : tokens[nxt].start] != ", " or not tokens[nxt].capitalised:
        return False
    key = tokens[nxt].key
    keys = (key + ".", key) if text.startswith(".", tokens[nxt].end) else (key,)
    return any(place.specificity <= 2 for k in keys for place, alternate in gazetteer.lookup(k) if not alternate)


@lru_cache(maxsize=16384)
def _common_word_reading(key: str, gazetteer: Gazetteer) -> str | None:
    """What the places a common word names make of it, the same wherever it occurs, so judged once per word:
    None when it names none under that spelling, 'major' for a country, capital or city of a million, 'area' when
    the likeliest is a region or country, 'large town' or 'town' by the likeliest one's size."""
    primary = [p for p, alternate in gazetteer.lookup(key) if not alternate]
    if not primary:
        return None
    if any(p.feature in ("country", "continent") or p.capital or p.population >= 1_000_000 for p in primary):
        return "major"
    best = max(primary, key=lambda p: (p.specificity <= 2, p.population))
    if best.specificity <= 2:
        return "area"
    return "large town" if best.population >= 100_000 else "town"


@lru_cache(maxsize=4096)
def _names_a_state(key: str, gazetteer: Gazetteer) -> bool:
    """True when the biggest place bearing the name as its own is a first-level region of a million people or more,
    and none is a country or a capital: 'Texas', 'Ontario', not 'Michael' (a parish of the Isle of Man) nor
    'Charlotte'."""
    primary = [p for p, alternate in gazetteer.lookup(key) if not alternate]
    if not primary or any(p.feature == "country" or p.capital for p in primary):
        return False
    biggest = max(primary, key=lambda p: p.population)
    return biggest.feature == "region" and biggest.population >= STATE_SIZED


def _after_person_title(tokens: list[Token], span: Span) -> bool:
    if span.first == 0:
        return False
    previous = tokens[span.first - 1]
    return previous.capitalised and previous.key in PERSON_TITLES


def _inside_a_longer_name(text: str, tokens: list[Token], span: Span, headline: bool) -> bool:
    """'Raquel Henry', 'John Kirby', 'Rapides Fire District', 'La Nina': a capitalised word just before makes it
    another name."""
    if span.first == 0 or span.sentence_initial or headline:
        return False
    previous = tokens[span.first - 1]
    if not previous.capitalised or not joined(text, previous, tokens[span.first]) or previous.possessive:
        return False
    if text[previous.end : tokens[span.first].start] != " ":
        return False  # "China-Russia": a hyphen joins two names as often as it builds one
    if previous.key in NAME_OPENERS and previous.key not in _ARABIC_ARTICLES:
        return True  # 'La Nina', 'Le Pen', 'Da Silva' (the index holds 'La Paz' whole, but Raqqa without 'Al')
    if previous.key in FEATURE_HEADS or previous.key in FEATURE_TAILS:
        return True  # 'Lake Vermont', 'Fort Benning' (the index holds 'Fort Worth' whole), 'Gulf Coast'
    if previous.key in DIRECTIONS or previous.key in CONNECTORS or previous.key in NEVER_PLACES:
        return False
    if previous.text.isupper() and len(previous.text) > 1:
        return False
    return True


def _title_case(tokens: list[Token], capitals: list[int]) -> bool:
    """Headlines in Title Case capitalise every word, so a capital says nothing about names there."""
    # Counted in C over all words, then the capitalised connectors taken out: a Python loop per word cost more.
    connectors = sum(map(CONNECTORS.__contains__, map(_KEY, tokens)))
    words = len(tokens) - connectors
    capitalised = len(capitals) - sum(tokens[i].key in CONNECTORS for i in capitals) if connectors else len(capitals)
    return words >= 4 and capitalised >= 0.8 * words


def _before_organisation_word(text: str, tokens: list[Token], span: Span, gazetteer: Gazetteer, headline: bool) -> bool:
    """'Washington Post', 'Dublin Road', 'Houston Nutt', 'Indian Ocean': a single-word name followed by another
    capitalised word that makes the two another name. A state's institutions are in the state, though: 'the Texas
    Department of Criminal Justice', 'a Florida Highway Patrol report', 'the Ontario Municipal Board' (but not
    'Pennsylvania Avenue', 'Texas Instruments', 'Virginia Roberts Giuffre')."""
    nxt = span.last + 1
    if nxt >= len(tokens) or not joined(text, tokens[span.last], tokens[nxt]) or not tokens[nxt].capitalised:
        return False
    if text[span.end - 1] == "." and _after_a_place_and_comma(text, tokens, span.first, gazetteer):
        # 'Albany, N.Y. Fire officials said', 'Washington, D.C. The mother called': after a town, an abbreviation
        # is its state, and the capitalised word opens the next sentence (but 'the N.Y. Post', 'N.J. Transit')
        return False
    if tokens[nxt].key in ORGANISATION_TAILS:
        return not _a_state_institution(text, tokens, span, nxt, gazetteer)
    if tokens[nxt].key in FEATURE_TAILS:  # 'Indian Ocean', 'Plum Island'
        if tokens[nxt].key == "gulf" and nxt + 1 < len(tokens) and tokens[nxt + 1].key == "coast":
            return False  # 'the Texas Gulf Coast' is in Texas (but 'the Indian Ocean coast' is not in India)
        # 'Hainan Island', 'Sakhalin Island': the island is the province
        return tokens[nxt].key not in _ISLANDS or not any(p.feature == "region" for p, _ in gazetteer.lookup(span.key))
    if tokens[nxt].key in PERSON_TITLES or tokens[nxt].key in REGION_WORDS or headline:
        return False
    if any(p.specificity <= 2 for p, alternate in gazetteer.lookup(tokens[nxt].key) if not alternate):
        return False  # "Kyiv Ukraine" in a dateline
    places = [p for p, _ in gazetteer.lookup(span.key)]
    if not all(p.specificity >= 2 for p in places) or tokens[nxt].text.isupper():
        return False
    return not _a_state_institution(text, tokens, span, nxt, gazetteer)


def _a_state_institution(text: str, tokens: list[Token], span: Span, nxt: int, gazetteer: Gazetteer) -> bool:
    """'the Texas Department of Criminal Justice': a state's name opening an institution's, starting at token nxt."""
    return _names_a_state(span.key, gazetteer) and _institution_follows(text, tokens, nxt)


def _institution_follows(text: str, tokens: list[Token], i: int) -> bool:
    """True when the capitalised name starting at token i ('Highway Patrol', 'Department of Criminal Justice',
    'Municipal Board') has a word that names an institution."""
    for j in range(i, min(i + _INSTITUTION_REACH, len(tokens))):
        token = tokens[j]
        if j > i and not joined(text, tokens[j - 1], token):
            return False
        if not token.capitalised:
            if token.key not in CONNECTORS:
                return False  # 'Texas Instruments office': the name has ended
        elif token.key in INSTITUTION_WORDS:
            return True
    return False
