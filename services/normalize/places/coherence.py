"""Step 2b of find_places: co-mentioned names vote for each other's nearby candidates (spatial minimality)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from services.normalize.places.lexicon import SHORT_FORM_TAILS
from services.normalize.places.model import Place

# A name's candidates beyond its best few by prior barely ever win, and each costs distance checks.
TOP_CANDIDATES = 24
# Scores are in log10-population units; a vote of 1 (one sure neighbour close by) is worth this much.
# Proximity outweighs population more, over a shorter reach, than first set (2.5 and 300 km): tuned on the whole
# dev set, acc@161km 0.850 -> 0.856 (a neighbour state's town 250 km off no longer counts as near).
VOTE_WEIGHT = 4.0
VOTE_CAP = 2.0
ROUNDS = 2
# Between names that are not sure of themselves (see KNOWN_CITY), a reading lends its vote weighted by its
# probability to this power: a likely neighbour counts most, but a less likely one is not silenced ('Marshall
# County' and 'Plymouth' in one story, each with bigger namesakes elsewhere, are the county and town of Indiana).
# Dev set acc@161km, whole and split in halves: power 1 -> 0.884 (0.903 / 0.863), 0.25 -> 0.892 (0.906 / 0.877);
# 0.5 and 0.15 did no better.
BELIEF_POWER = 0.25
# A name whose likeliest reading is a city this big is sure of it: between it and another name, votes are weighted
# by plain probabilities, so a crowd of small namesakes cannot outvote it ('Washington, Paris and Warsaw' are not
# three towns of Illinois, nor 'Washington and Lisbon' Lisbon, Maine). A county holding a town still weighs with
# BELIEF_POWER ('Wayne County' and 'Richmond', Indiana) unless it bears the town's name (a Washington County holds
# a Washington in many states). Applied to every pair of names, BELIEF_POWER turned 94 readings of 1,453 invented
# news sentences into smaller namesakes; with sure names, 7 (power 1 everywhere: 6). It costs 0.16 points of dev
# acc@161km (0.9012 -> 0.8996), in US local news.
KNOWN_CITY = 100_000
SAME_COUNTRY = 0.0
NEAR_KM = 40.0
FAR_KM = 150.0
_KM_PER_DEGREE = 111.2
_SCENE_FEATURES = ("country", "continent")


def flat_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Flat-earth distance: ample for the few hundred kilometres it tells apart."""
    dlon = (lon1 - lon2) * math.cos(math.radians((lat1 + lat2) / 2))
    return _KM_PER_DEGREE * math.hypot(lat1 - lat2, dlon)


def near(a: Place, b: Place) -> float:
    """1 for towns within NEAR_KM of each other, falling to 0 at FAR_KM."""
    if abs(a.lat - b.lat) * _KM_PER_DEGREE >= FAR_KM:
        return 0.0
    km = flat_km(a.lat, a.lon, b.lat, b.lon)
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, (FAR_KM - km) / (FAR_KM - NEAR_KM))


def affinity(candidate: Place, other: Place) -> float:
    """How much naming `other` makes `candidate` likelier: containment for areas, distance for towns."""
    if other.feature in ("country", "continent"):
        return 0.0  # the scene already weighs the countries named
    same_region = other.country_code == candidate.country_code and other.admin1 == candidate.admin1
    if candidate.feature == "country":
        return 0.5 if other.country_code == candidate.country_code else 0.0
    if candidate.feature == "region" or other.feature == "region":
        if candidate.feature == other.feature:
            return SAME_COUNTRY if other.country_code == candidate.country_code else 0.0
        return 1.0 if same_region else SAME_COUNTRY if other.country_code == candidate.country_code else 0.0
    same_country = other.country_code == candidate.country_code
    return max(near(candidate, other), 0.5 if same_region else SAME_COUNTRY if same_country else 0.0)


def distribution(scores: Sequence[float]) -> list[float]:
    """Softmax in natural-log units: a town ten times bigger is e times likelier, not ten times."""
    if len(scores) == 1:
        return [1.0]  # an unambiguous name, most of them
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]


def family(key: str) -> str:
    """'jackson county' and 'jackson' are one family of names."""
    head, _, tail = key.rpartition(" ")
    return head if head and tail in SHORT_FORM_TAILS else key


def _sure(options: list[Place]) -> bool:
    """True when the name's likeliest reading is a city of KNOWN_CITY people or more."""
    return options[0].feature == "city" and options[0].population >= KNOWN_CITY


def coherent_choice(options: list[list[Place]], scores: list[list[float]], keys: list[str]) -> list[int]:
    """Index of the chosen option per name: its own score plus the votes of the other names' likely places.

    Names written alike share one vote ('Paris' four times is one name), and a name never votes for itself.
    """
    if all(len(o) < 2 for o in options):
        return [0 if o else -1 for o in options]  # nothing to weigh: most items
    chosen_scores = [list(s) for s in scores]
    families = {key: family(key) for key in keys}
    for _ in range(ROUNDS):
        # Per name: whether it is sure of a known city, and its readings with their probabilities and their
        # weights as votes where neither side is sure.
        beliefs: dict[str, tuple[bool, list[tuple[Place, float, float]]]] = {}
        for i, key in enumerate(keys):
            if key not in beliefs and options[i]:
                # Readings under 1% change no vote; dropping them keeps this step linear in practice.
                beliefs[key] = (_sure(options[i]), [(o, p, p**BELIEF_POWER) for o, p in
                                                    zip(options[i], distribution(chosen_scores[i]), strict=True)
                                                    if p > 0.01])
        if len(beliefs) < 2:
            break
        # Countries and continents lend nothing (affinity 0), so leaving them out changes no vote, only its cost.
        lenders = {key: (sure, lent) for key, (sure, belief) in beliefs.items()
                   if (lent := [(o, p, w) for o, p, w in belief if o.feature not in _SCENE_FEATURES])}
        updated = []
        for i, key in enumerate(keys):
            if len(options[i]) < 2:
                updated.append(chosen_scores[i])
                continue
            # (whether the voter is sure, whether it is this name's namesake, its readings)
            voters = [(voter_sure, families[other] == families[key], belief)
                      for other, (voter_sure, belief) in lenders.items() if other != key]
            if not voters:
                updated.append(list(scores[i]))  # as if every vote were 0
                continue
            # A name whose likeliest reading is a country or region ('California') is not lent to a small town
            # of that name just because other towns of the story lie near it.
            areas_only = options[i][0].specificity <= 2
            sure = _sure(options[i])
            row = []
            for place, own in zip(options[i], scores[i], strict=True):
                if areas_only and place.specificity > 2:
                    row.append(own)
                    continue
                votes = 0.0
                for voter_sure, namesake, belief in voters:
                    if len(belief) == 1:  # a name read one way: no need to pick its best reading
                        votes += belief[0][1] * affinity(place, belief[0][0])
                    elif not (sure or voter_sure) or place.feature == "district" and not namesake:
                        votes += max(w * affinity(place, o) for o, _, w in belief)
                    else:  # a county holding a town still weighs ('Wayne County' and 'Richmond', Indiana), unless
                        # it bears the town's name: a Washington County holds a Washington in many states
                        votes += max((w if o.feature == "district" and not namesake else p) * affinity(place, o)
                                     for o, p, w in belief)
                row.append(own + VOTE_WEIGHT * min(votes, VOTE_CAP))
            updated.append(row)
        if updated == chosen_scores:
            break  # no name moved: a further round would cast the very same votes
        chosen_scores = updated
    return [max(range(len(s)), key=s.__getitem__) if s else -1 for s in chosen_scores]
