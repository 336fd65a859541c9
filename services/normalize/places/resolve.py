"""Step 2 of find_places: each recognised span gets the one place its context and size make likeliest."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar

from services.normalize.places.coherence import TOP_CANDIDATES, coherent_choice, family, flat_km, near
from services.normalize.places.gazetteer import Gazetteer
from services.normalize.places.lexicon import DIRECTIONS, REGION_WORDS, SHORT_FORM_TAILS
from services.normalize.places.model import Place
from services.normalize.places.names import name_key
from services.normalize.places.recognize import COUNTY_WORDS, Span, find_spans
from services.normalize.places.words import tokenize
from services.normalize.temporal.sentences import sentence_index

_FEATURE_PRIOR = {"continent": 3.0, "country": 3.0, "region": 1.0, "district": 0.5, "city": 0.0}
_ALTERNATE_PENALTY = 2.0
# A reading under another name no bigger than a city of half a million or more that bears the name as its own, in
# another country (in the same one it is dropped), scores this much less: 'Odesa' is Odesa, Ukraine, not Odessa,
# Texas, when the text names the United States, and 'Philadelphia' is not Amman; the country or region written
# after it still wins ('Syracuse, Sicily', 'Newcastle, England'). A smaller city does not count: 'Seversk' near
# Kreminna is Siversk, Ukraine, not Seversk, Russia.
_OUTGROWN = 2.0
_KNOWN_ABROAD = 500_000
_SAME_COUNTRY = 3.0
_SAME_REGION = 2.0
_INSIDE_NAMED_AREA = 10.0  # "Alexandria, Louisiana"
_HOME_REGION = 1.5  # tuned on the whole dev set: 0 -> 0.8558, 1.5 -> 0.8570, 3 -> 0.8550 acc@161km
_HOME_SHARE = 0.5
SMALL_TOWN = 20_000
# A city this big is known by its own name: it names its surroundings ('the Houston region'), and 'Jackson' is not
# a short form of 'Jackson County'.
LARGE_CITY = 100_000
_STEM = 4  # letters two spellings of a region's name share: 'Zapo-rizhzhia', 'Zapo-rozhye'
# Words a region's name may consist of and still name a kind of area rather than one place: after a compass word
# ('West Midlands', 'Central Plateau', 'North Eastern Province') many countries have one.
_GENERIC_AREAS = frozenset(
    "midlands highlands lowlands uplands plateau plateaux plains coast coastal delta lakes islands valley hills "
    "mountains interior".split()) | REGION_WORDS | DIRECTIONS

# A county seat lies near its county's centre; 40 km took in towns of the neighbouring counties ('Huntsville and
# Morgan County' read Huntsville, Tennessee, one county off).
_IN_COUNTY_KM = 20.0
# A town a tenth the size of its country's biggest namesake pairs with no county: that name is the bigger town's.
_OUTSIZED = 10
_LIST_GAPS = frozenset((", ", " and ", ", and ", " or ", ", or "))

Key = TypeVar("Key")
Region = tuple[str | None, str | None]  # (country code, first-level region)


def _plus(counts: dict[Key, int], more: dict[Key, int]) -> dict[Key, int]:
    """Counter's `+` on plain dicts (a Counter's Python-level operators were a tenth of the compiled normaliser's
    time): counts summed, positive ones kept, in the same order."""
    out = {key: total for key, n in counts.items() if (total := n + more.get(key, 0)) > 0}
    out.update((key, n) for key, n in more.items() if key not in counts and n > 0)
    return out


def _minus(counts: dict[Key, int], less: dict[Key, int]) -> dict[Key, int]:
    """Counter's `-` on counts that are all positive."""
    return {key: left for key, n in counts.items() if (left := n - less.get(key, 0)) > 0}


@dataclass(frozen=True)
class Scene:
    """Countries and first-level regions a text is about, with how often each was named."""

    countries: dict[str, int] = field(default_factory=dict)
    regions: dict[Region, int] = field(default_factory=dict)

    # Counts here are always positive, so adding or taking away nothing changes nothing: most items name no area.
    def merged(self, other: Scene) -> Scene:
        if not other.countries and not other.regions:
            return self
        return Scene(_plus(self.countries, other.countries), _plus(self.regions, other.regions))

    def without(self, other: Scene) -> Scene:
        if not other.countries and not other.regions:
            return self
        return Scene(_minus(self.countries, other.countries), _minus(self.regions, other.regions))

    def home_region(self) -> Region | None:
        """The region most of the text's places lie in, local news' unnamed home state ('Huntsville' in a story
        about Walker County, Texas), when it holds at least two of them and a clear share of all."""
        if not self.regions:
            return None
        region, count = max(self.regions.items(), key=lambda pair: pair[1])  # the first named of the most named
        return region if count >= 2 and count >= _HOME_SHARE * sum(self.regions.values()) else None


def recognise(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Step 1 alone: the names in the text, which no scene changes, so a bulletin reads each item only once."""
    return find_spans(text, tokenize(text), gazetteer)


def locate(text: str, gazetteer: Gazetteer, scene: Scene, spans: list[Span] | None = None) -> list[tuple[Span, Place]]:
    """Recognised spans of the text (`spans` when already recognised) with the places they resolve to, unsupported
    small towns left out."""
    if spans is None:
        spans = recognise(text, gazetteer)
    places = _short_forms(text, spans, resolve_spans(text, spans, gazetteer, scene), gazetteer)
    needy = [p is not None and needs_backing(s, p) for s, p in zip(spans, places, strict=True)]
    backers = [p for s, p in zip(spans, places, strict=True) if p is not None and not _stands_in(s, p)]
    return [(s, p) for i, (s, p) in enumerate(zip(spans, places, strict=True))
            if p is not None and (not needy[i] or is_supported(p, scene, backers))
            and not _outside_its_state(text, spans, places, i)]


def _short_forms(text: str, spans: list[Span], places: list[Place | None], gazetteer: Gazetteer) -> list[Place | None]:
    """'DeKalb' beside 'DeKalb County', 'Avondale' beside 'Avondale Estates': a one-word town name that opens a
    longer name of the same text stands for that place, or for its namesake town inside it. Not a large city, nor a
    town with its state written after it ('Jackson County, Mo., and Jackson, Miss.')."""
    longer = {span.key: place for span, place in zip(spans, places, strict=True)
              if place is not None and span.words > 1 and span.key.rsplit(" ", 1)[-1] in SHORT_FORM_TAILS}
    if not longer:
        return places  # most texts
    out = list(places)
    for i, (span, place) in enumerate(zip(spans, places, strict=True)):
        if span.words != 1 or place is None or place.specificity <= 2 or place.population >= LARGE_CITY:
            continue  # 'Kansas' in a story about Kansas City is still the state, 'Jackson' the city
        whole = next((p for key, p in longer.items() if key.startswith(span.key + " ")), None)
        if whole is None or whole.geonames_id == place.geonames_id or _named_area(text, spans, places, i) is not None:
            continue
        inside = [p for p, alternate in gazetteer.lookup(span.key) if not alternate and p.feature == "city"
                  and p.country_code == whole.country_code and p.admin1 == whole.admin1 and near(p, whole) > 0]
        out[i] = max(inside, key=lambda p: p.population) if inside else whole
    return out


def resolve_spans(text: str, spans: list[Span], gazetteer: Gazetteer, scene: Scene) -> list[Place | None]:
    """A first guess for every span, then each span scored in the light of the others and their votes."""
    readings = [candidates(span, gazetteer) for span in spans]
    if all(len(c) == 1 for c in readings):
        return [c[0][0] for c in readings]  # every name unambiguous, as in most items: nothing to weigh
    first = [c[0][0] if len(c) == 1 else _best(c, span, scene, None) for c, span in zip(readings, spans, strict=True)]
    steering = [p if p is not None and _confident(c) else None for p, c in zip(first, readings, strict=True)]
    everyone = scene.merged(scene_of([p for p in steering if p is not None]))
    own_guesses: dict[str, list[Place]] = {}
    for span, steer in zip(spans, steering, strict=True):
        if steer is not None:
            own_guesses.setdefault(span.key, []).append(steer)
    options: list[list[Place]] = []
    scores: list[list[float]] = []
    for i, (found, span) in enumerate(zip(readings, spans, strict=True)):
        if len(found) == 1:  # most names: nothing to weigh
            options.append([found[0][0]])
            scores.append([0.0])
            continue
        sibling = _listed_with_area(text, spans, first, i, found)
        if sibling is not None:
            found = [(p, a) for p, a in found if p.feature == sibling.feature
                     and (p.feature == "country" or p.country_code == sibling.country_code)] or found
        paired = _town_and_county(text, spans, first, readings, i, everyone, own_guesses)
        if paired:
            found = [(p, a) for p, a in found if p.geonames_id in paired] or found
        # The scene less this name's own first guesses: a name never steers itself, however often it is written.
        own = own_guesses.get(span.key)
        around = everyone if not own else everyone.without(scene_of(own))
        ranked = _ranked(found, span, around, _named_area(text, spans, first, i))[:TOP_CANDIDATES]
        options.append([place for place, _ in ranked])
        scores.append([score for _, score in ranked])
    picks = coherent_choice(options, scores, [span.key for span in spans])
    return [options[i][pick] if pick >= 0 else None for i, pick in enumerate(picks)]


def needs_backing(span: Span, place: Place) -> bool:
    """A reading that needs its country named in the text: a stand-in (see _stands_in), or a small town named by
    one word with no 'in'/'near'/'the city of' before it."""
    if _stands_in(span, place):
        return True
    return place.feature == "city" and not (place.population >= SMALL_TOWN or span.words > 1 or span.place_cue
                                            or span.settlement_cue)


def _stands_in(span: Span, place: Place) -> bool:
    """A reading that needs its country named, and never vouches for another's: a town read from 'X province' or
    'the region of X' (no region has that name) unless a city big enough to name its surroundings, or a region
    whose name names only a kind of area ('the North West region', 'Eastern Province', and after a compass word
    'West Midlands', 'Central Plateau'; but 'Southern California' is California)."""
    if place.feature == "city":
        return span.names_a_region and place.population < LARGE_CITY
    if place.feature not in ("region", "district"):
        return False
    words = span.key.split()
    return all(word in DIRECTIONS or word in REGION_WORDS for word in words) or (
        span.direction_before and all(word in _GENERIC_AREAS for word in words))


def is_supported(place: Place, scene: Scene, backers: list[Place]) -> bool:
    """True when the place's country is named: in the scene, or by another of `backers` (a Rwandan town read from
    'Nyanza Province' does not vouch for Rwanda's 'Eastern Province', so it is not one of them)."""
    # The scene's counts are all positive, so the country is named when the scene or another place names it.
    code = place.country_code
    return code is not None and (scene.countries.get(code, 0) > 0
                                 or any(p is not place and p.country_code == code for p in backers))


def _outside_its_state(text: str, spans: list[Span], places: list[Place | None], i: int) -> bool:
    """'BELGRADE, Minn.': the town the index has under that name is not in the state written after it (the one
    meant is too small for the index), so it is left out rather than placed in Serbia. Only for a state written as
    an abbreviation, which never starts a list ('Kharkiv, Sumy and Chernihiv' may read Sumy as the region)."""
    place = places[i]
    if place is None or place.feature not in ("city", "district") or i + 1 >= len(spans):
        return False
    if not text[spans[i + 1].start : spans[i + 1].end].endswith("."):
        return False  # 'Minn.', 'N.H.'
    area = _named_area(text, spans, places, i)
    if area is None:
        return False
    if area.feature == "country":
        return place.country_code != area.country_code
    return place.country_code != area.country_code or place.admin1 != area.admin1


def scene_of(places: list[Place]) -> Scene:
    countries: dict[str, int] = {}
    regions: dict[Region, int] = {}
    for place in places:
        if place.country_code:
            countries[place.country_code] = countries.get(place.country_code, 0) + 1
        if place.admin1 and place.feature != "country":
            region = (place.country_code, place.admin1)
            regions[region] = regions.get(region, 0) + 1
    return Scene(countries, regions)


def candidates(span: Span, gazetteer: Gazetteer) -> list[tuple[Place, bool]]:
    """Every place the span's name may be read as, with its alternate flag; a county list ('Barrow and Jackson
    counties') or a region word ('Kharkiv Oblast', 'the state of X') narrows them to areas."""
    found = _outgrowing_their_namesakes(gazetteer.lookup(span.key))
    if span.county_list:
        counties = [(p, False) for word in COUNTY_WORDS for p, _ in gazetteer.lookup(f"{span.key} {word}")]
        return [(p, a) for p, a in counties if p.feature == "district"] or found
    if not span.names_a_region:
        return found
    regions = [(p, a) for p, a in found if p.feature in ("region", "district")]
    for suffix in ("oblast", "region", "province"):
        regions += [(p, False) for p, _ in gazetteer.lookup(f"{span.key} {suffix}") if p.feature == "region"]
    if regions:
        # The biggest city of the name, when big enough to name its surroundings and no area of its country bears
        # the name: 'the Charlotte region' is North Carolina's Charlotte, not Charlotte parish of Saint Vincent
        # ('the Kyiv region' stays Kyiv Oblast, 'the Alexandria region' Egypt's governorate).
        biggest = max((p for p, alternate in found if not alternate and p.feature == "city"),
                      key=lambda p: p.population, default=None)
        if biggest is not None and biggest.population >= LARGE_CITY \
                and all(r.country_code != biggest.country_code for r, _ in regions):
            regions.append((biggest, False))
        return [(p, False) for p, _ in regions]
    # "Kharkiv Oblast" with no such alias: the region the biggest town of that name lies in, if a region could be
    # named after it ('Occidental province' in Congo is not the region of Occidental, California, a village).
    # The region's name must open like the town's, as written or as the index spells it ('Gomel Region' is
    # Gomelskaya Oblast, 'the Kiev region' Kyiv Oblast); 'the Houston region' is the city's surroundings, not Texas.
    towns = sorted((p for p, _ in found if p.feature == "city" and p.admin1 and p.population >= SMALL_TOWN
                    and _bears_name(p.admin1, (span.key, p.name))), key=lambda p: -p.population)
    if towns:
        town = towns[0]
        assert town.admin1 is not None  # only towns with a region were kept
        named = [p for p, _ in gazetteer.lookup(name_key(town.admin1)) if p.feature == "region"
                 and p.country_code == town.country_code]
        if named:
            return [(named[0], False)]
    return found


def _outgrowing_their_namesakes(found: list[tuple[Place, bool]]) -> list[tuple[Place, bool]]:
    """The readings less those under another name ('Washington', an old name of Piqua, Ohio; 'Maryville' of
    Beeville, Texas) no bigger than a city of the same country that bears the name as its own: there the name is
    read as another place's only when that place outgrows its namesakes (a region bearing the name does not count:
    'Jenin' is the city, listed as 'Janīn', as well as its governorate). Against another country's namesake the
    reading stays, scored lower (see _ranked): 'Seversk' in war news is Siversk, Ukraine, as often as Seversk,
    Russia, and 'Akko' is Acre in Israel."""
    if all(not alternate for _, alternate in found):
        return found  # most names
    own = _biggest_cities(found)
    return [(p, alternate) for p, alternate in found if not alternate or p.population > own.get(p.country_code, -1)]


def _biggest_cities(readings: list[tuple[Place, bool]]) -> dict[str | None, int]:
    """Per country, the population of the biggest city among the readings that bears the name as its own."""
    biggest: dict[str | None, int] = {}
    for place, alternate in readings:
        if not alternate and place.feature == "city" and place.population > biggest.get(place.country_code, -1):
            biggest[place.country_code] = place.population
    return biggest


def _bears_name(region: str, names: tuple[str, ...]) -> bool:
    """True when the region's name opens like one of the names: 'Kirovohrad Oblast' and 'Kirovograd', 'Kaluzhskaya
    oblast' and 'Kaluga', 'Zaporizhzhia Oblast' and 'Zaporozhye' (spellings differ past the first letters)."""
    stem = name_key(region)[:_STEM]
    return any(name_key(name)[:_STEM] == stem for name in names)


def is_unambiguous(span: Span, gazetteer: Gazetteer) -> bool:
    return len([p for p, alternate in gazetteer.lookup(span.key) if not alternate]) == 1


def _confident(readings: list[tuple[Place, bool]]) -> bool:
    """A name that is unambiguous, or a country or region, may steer the others."""
    primary = [p for p, alternate in readings if not alternate]
    return len(primary) == 1 or any(p.specificity <= 2 for p in primary)


def _named_area(text: str, spans: list[Span], first: list[Place | None], i: int) -> Place | None:
    """The region or country written right after a town: 'Paris, Texas', 'Mariupol, Ukraine'."""
    area = first[i + 1] if i + 1 < len(spans) else None
    if area is None:
        return None
    gap = text[spans[i].end : spans[i + 1].start]
    if gap.strip() != "," or area.specificity > 2:
        return None
    return area


def _list_around(text: str, spans: list[Span], i: int) -> tuple[int, int]:
    """The first and last span of the list the span is in ('Kyiv, Kharkiv and Odesa'); (i, i) when in none."""
    lo = hi = i
    while lo > 0 and text[spans[lo - 1].end : spans[lo].start] in _LIST_GAPS:
        lo -= 1
    while hi + 1 < len(spans) and text[spans[hi].end : spans[hi + 1].start] in _LIST_GAPS:
        hi += 1
    return lo, hi


def _is_county(span: Span) -> bool:
    return span.county_list or span.key.rsplit(" ", 1)[-1] in COUNTY_WORDS


def _town_and_county(text: str, spans: list[Span], first: list[Place | None],
                     readings: list[list[tuple[Place, bool]]], i: int, scene: Scene,
                     own_guesses: dict[str, list[Place]]) -> set[int]:
    """Local news lists a town with the county it lies in: 'Paris and Henry County' is Paris, Tennessee, and
    'Mansfield, Richland County' Mansfield, Ohio. The ids of the span's readings that a county (or, for a county,
    a town) listed next to it pairs with: a town under its own name within _IN_COUNTY_KM of the county's centre,
    in its state, the biggest such town where several pair, and not a tenth the size of its country's biggest
    namesake ('Dallas and Polk County' is not Dallas, Oregon).

    The rest of the text may point elsewhere (see _states_pointed_to): then only a pair in a state it points to
    counts ('Troy and Montgomery County officials met in Dayton' is no pair: Troy, Ohio lies in Miami County).
    Empty when no pair is left, and the readings stay as they are ('Washington and Montgomery County' keeps the
    capital). A county bearing the town's name pairs with nothing (a Jackson County holds a Jackson in many
    states), nor does a name with a state written after it ('Dallas and Polk County, Fla.')."""
    neighbours = [k for k in (i - 1, i + 1) if 0 <= k < len(spans)
                  and text[spans[min(i, k)].end : spans[max(i, k)].start] in _LIST_GAPS]
    if not neighbours:
        return set()  # most names: in no list
    county = _is_county(spans[i])
    pairs: list[tuple[Place, Place]] = []
    for k in neighbours:
        if _is_county(spans[k]) == county or family(spans[k].key) == family(spans[i].key):
            continue
        town_at, county_at = (k, i) if county else (i, k)
        if any(_named_area(text, spans, first, at) is not None for at in (town_at, county_at)):
            continue  # the state written after it says where it lies
        biggest = _biggest_cities(readings[town_at])
        for town, alternate in readings[town_at]:
            if alternate or town.feature != "city" or town.population * _OUTSIZED < biggest[town.country_code]:
                continue  # 'Gadsden and Calhoun County' is not Gadsden, South Carolina, a village beside Alabama's
            pairs += [(town, area) for area, area_alternate in readings[county_at]
                      if not area_alternate and area.feature == "district" and area.country_code == town.country_code
                      and area.admin1 == town.admin1
                      and flat_km(town.lat, town.lon, area.lat, area.lon) <= _IN_COUNTY_KM]
    if not pairs:
        return set()
    # States of other countries say nothing about which of this country's states is meant ('Georgetown and Scott
    # County officials celebrated the Toyota expansion').
    countries = {town.country_code for town, _ in pairs}
    beside = {spans[k].key for k in neighbours}
    pointed = {state for state in _states_pointed_to(text, spans, first, readings, i, beside, scene, own_guesses)
               if state[0] in countries}
    if pointed:
        pairs = [(town, area) for town, area in pairs if (town.country_code, town.admin1) in pointed]
        if not pairs:
            return set()
    # One pair, so that the town and the county end up in one state: the biggest town's.
    town = max((t for t, _ in pairs), key=lambda t: t.population)
    return {area.geonames_id if county else town.geonames_id for t, area in pairs if t == town}


def _states_pointed_to(text: str, spans: list[Span], first: list[Place | None],
                       readings: list[list[tuple[Place, bool]]], i: int, beside: set[str], scene: Scene,
                       own_guesses: dict[str, list[Place]]) -> set[Region]:
    """The states the text names (less the first guesses of the span and the names beside it: Bethlehem's
    governorate is no evidence), and those of the other names of the span's sentence: where each is first read,
    and the state it may be ('Georgia', first read as the country)."""
    keys = beside | {spans[i].key}
    named = scene.without(scene_of([p for key in keys for p in own_guesses.get(key, [])]))
    pointed = set(named.regions)
    sentences = sentence_index(text)
    for j, guess in enumerate(first):
        if guess is None or spans[j].key in keys or not sentences.same_sentence(spans[j].start, spans[i].start):
            continue
        if guess.admin1 and guess.feature != "country":
            pointed.add((guess.country_code, guess.admin1))
        pointed.update((p.country_code, p.admin1) for p, alternate in readings[j]
                       if not alternate and p.feature == "region" and p.admin1)
    return pointed


def _listed_with_area(text: str, spans: list[Span], first: list[Place | None], i: int,
                      readings: list[tuple[Place, bool]]) -> Place | None:
    """The country or first-level region the name is listed with, so that it may be read as another of its kind:
    a list of countries ('Egypt and Niger': the country, not Nigeria's Niger State), or a list of two or more other
    states of one country, at least twice as many as its towns ('Virginia, Washington, West Virginia and Wyoming',
    where 'Washington' alone would be the capital). Fewer states list places of any kind ('Kyiv, Kharkiv Oblast
    and Odesa', 'Richmond, Virginia, Washington, D.C.'). A country or state written after the name says where it
    lies when a city of 100,000 or more bearing the name lies there ('Armenia, Colombia', 'California, Washington,
    D.C.'), and a state written after it when any town bearing the name lies there, in a list with towns in it,
    where the name opens the list or follows ' and ' ('Washington, Pennsylvania, and Wheeling, West Virginia'; but
    'Delaware, Ohio and Indiana', 'Virginia, Washington, West Virginia'). A small namesake in a country does not
    make a country a town ('China, Japan and South Korea')."""
    lo, hi = _list_around(text, spans, i)
    others = [p for k in range(lo, hi + 1) if k != i and (p := first[k]) is not None]
    if not others:
        return None  # most names: in no list
    regions = [p for p in others if p.feature == "region"]
    towns = sum(p.feature not in ("country", "region") for p in others)
    area = _named_area(text, spans, first, i)
    if area is not None:
        inside = [p for p, alternate in readings if not alternate and p.feature in ("city", "district")
                  and p.country_code == area.country_code and (area.feature == "country" or p.admin1 == area.admin1)]
        goes_on = i > lo and text[spans[i - 1].end : spans[i].start] == ", "
        if any(p.population >= LARGE_CITY for p in inside) or inside and area.feature == "region" and towns \
                and not goes_on:
            return None  # 'Armenia, Colombia', 'Washington, D.C.', 'Washington, Pennsylvania': a town, where it lies
    if all(p.feature == "country" for p in others):
        return others[0]
    if len(regions) < max(2, 2 * towns) or len({p.country_code for p in regions}) > 1:
        return None  # a list of places of any kind
    return regions[0]


def _scene_without_own_country(options: list[tuple[Place, bool]], scene: Scene) -> Scene:
    # "Mexico" the country must not lend its own weight to Mexico the state or Mexico City.
    own = {p.country_code for p, _ in options if p.feature == "country"}
    if own & scene.countries.keys():
        return Scene({c: n for c, n in scene.countries.items() if c not in own}, scene.regions)
    return scene


def _best(options: list[tuple[Place, bool]], span: Span, scene: Scene, area: Place | None) -> Place | None:
    ranked = _ranked(options, span, scene, area)
    return ranked[0][0] if ranked else None


def _ranked(options: list[tuple[Place, bool]], span: Span, scene: Scene, area: Place | None) -> list[tuple[Place, float]]:
    """Options with their scores, best first; a place listed twice (name and alternate) keeps its better score,
    and one under another name that a city known abroad bearing the name outgrows scores _OUTGROWN less."""
    scene = _scene_without_own_country(options, scene)
    home = scene.home_region() if _HOME_REGION else None
    best: dict[int, tuple[Place, float]] = {}
    own_city = max((p.population for p, alternate in options
                    if not alternate and p.feature == "city" and p.population >= _KNOWN_ABROAD), default=-1)
    for place, alternate in options:
        score = _score(place, alternate, span, scene, area, home)
        if alternate and place.population <= own_city:
            score -= _OUTGROWN
        if place.geonames_id not in best or best[place.geonames_id][1] < score:
            best[place.geonames_id] = (place, score)
    return sorted(best.values(), key=lambda option: -option[1])


def _score(place: Place, alternate: bool, span: Span, scene: Scene, area: Place | None,
           home: Region | None = None) -> float:
    score = math.log10(place.population + 10) + _FEATURE_PRIOR[place.feature]
    if place.capital:
        score += 2.5
    if alternate:
        score -= _ALTERNATE_PENALTY
    code = place.country_code
    if code is not None and scene.countries.get(code) and place.feature != "country":
        score += _SAME_COUNTRY + min(scene.countries[code], 3) * 0.3
    if place.feature in ("city", "district") and scene.regions.get((place.country_code, place.admin1)):
        score += _SAME_REGION
    if area is not None and place.country_code == area.country_code and (
        area.feature == "country" or place.admin1 == area.admin1
    ):
        score += _INSIDE_NAMED_AREA
    if home is not None and place.feature in ("city", "district") and (place.country_code, place.admin1) == home:
        score += _HOME_REGION
    if span.settlement_cue and place.feature == "city":
        score += 2.0
    return score
