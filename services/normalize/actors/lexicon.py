"""Actors, shared vocabulary: titles, collective nouns and reporting verbs that the pattern matchers read."""

from __future__ import annotations

from services.normalize.actors.tokens import keys_of

# Title heads (lower-case token keys) -> sector of whoever holds them.
TITLE_SECTORS: dict[tuple[str, ...], str] = {
    keys_of(title): sector
    for sector, titles in {
        "GOV": (
            "president", "vice president", "prime minister", "premier", "chancellor", "minister", "foreign minister",
            "defence minister", "defense minister", "interior minister", "finance minister", "foreign secretary",
            "defence secretary", "defense secretary", "home secretary", "secretary of state", "secretary",
            "spokesperson", "spokesman", "spokeswoman", "press secretary", "adviser", "advisor", "aide", "ambassador",
            "envoy", "mayor", "governor", "official", "diplomat", "negotiator", "leader", "head",
            "chief", "director", "king", "queen", "crown prince", "emir", "sheikh", "pope", "ayatollah",
            "supreme leader", "ombudsman", "commissioner", "high commissioner", "high representative",
            "chairman", "chairwoman", "chair", "deputy", "representative", "administrator", "consul", "minister",
        ),
        "MIL": (
            "general", "gen", "lieutenant general", "major general", "colonel", "col", "lt", "admiral",
            "commander", "commander-in-chief", "brigadier", "brigadier general", "major", "captain", "sergeant",
            "lieutenant", "marshal", "soldier", "pilot",
        ),
        "LEG": ("senator", "sen", "congressman", "congresswoman", "lawmaker", "mp", "speaker", "legislator", "rep"),
        "JUD": ("judge", "prosecutor", "prosecutor general", "attorney general", "justice"),
        "COP": ("police chief", "intelligence chief", "spy chief", "police officer", "investigator"),
        "MED": ("correspondent", "reporter", "journalist", "editor", "anchor", "photographer"),
        "BUS": ("ceo", "chief executive", "founder", "businessman", "businesswoman", "tycoon", "oligarch"),
        "CVL": ("activist", "resident", "witness", "analyst", "expert", "doctor", "priest", "patriarch"),
    }.items()
    for title in titles
}
TITLE_MAX = max(len(k) for k in TITLE_SECTORS)
# Words that may sit inside a title before its head ("Deputy National Security Adviser", "senior defense official").
TITLE_MODIFIERS = frozenset(
    keys_of(
        "deputy acting former senior top chief first vice foreign defence defense national security interior "
        "finance economy economic military presidential regional local special assistant associate principal "
        "press external internal health justice energy trade digital intelligence emergency culture education "
        "agriculture infrastructure transport environment state permanent general executive supreme lead "
        "interim caretaker government ministry administration department army navy police district city "
        "provincial oblast federal armed forces joint staff council human rights humanitarian development "
        "international affairs"
    )
)
# Collective nouns (after a demonym or a country's) -> sector.
COLLECTIVE_NOUNS: dict[tuple[str, ...], str] = {
    keys_of(noun): sector
    for sector, nouns in {
        "MIL": (
            "forces", "troops", "soldiers", "military", "army", "servicemen", "service members", "paratroopers",
            "marines", "sailors", "units", "artillery", "army units", "military units", "commanders", "generals",
            "defenders", "infantry", "tank units", "air defences", "air defenses", "air defence", "air defense",
            "warplanes", "jets", "fighter jets", "drones", "armed forces", "servicemembers", "military officials",
            "defence officials", "defense officials", "military intelligence", "battalions", "brigades",
        ),
        "GOV": (
            "officials", "diplomats", "delegation", "negotiators", "ministers", "leaders", "embassy", "envoys",
            "government officials", "negotiating team", "ministry", "regime", "authorities", "government",
            "administration", "leadership", "side", "presidency", "foreign ministry officials",
        ),
        "COP": (
            "police", "police officers", "security forces", "security services", "intelligence", "intelligence services",
            "special services", "border guards", "border guard", "spies", "agents", "national guard", "investigators",
            "intelligence agencies", "intelligence officials", "security service", "counterintelligence",
        ),
        "LEG": ("lawmakers", "legislators", "mps", "senators", "parliamentarians", "deputies", "parliament"),
        "JUD": ("courts", "court", "judges", "prosecutors", "judiciary"),
        "CVL": (
            "civilians", "residents", "citizens", "refugees", "nationals", "villagers", "children", "families",
            "people", "workers", "volunteers", "evacuees", "hostages", "prisoners of war", "pows", "population",
        ),
        "MED": ("media", "state media", "journalists", "reporters", "state television", "news agency", "broadcaster"),
        "PRO": ("protesters", "demonstrators", "rioters", "protestors"),
        "REB": ("separatists", "rebels", "militants", "insurgents", "militia", "militias", "partisans", "fighters"),
        "BUS": ("companies", "firms", "banks", "businesses", "oligarchs", "exporters", "investors"),
    }.items()
    for noun in nouns
}
COLLECTIVE_MAX = max(len(k) for k in COLLECTIVE_NOUNS)
# Nouns that name the government itself rather than some of its people.
GOVERNMENT_NOUNS = frozenset(keys_of(n) for n in ("authorities", "government", "administration", "leadership", "regime", "presidency"))
# Adjectives allowed between a demonym and the noun ("Russian special forces", "Ukrainian armed forces").
COLLECTIVE_MODIFIERS = frozenset(
    keys_of(
        "special regular elite ground naval air airborne occupying invading retreating advancing allied "
        "local regional senior top state federal government military defence defense foreign security "
        "intelligence armed border frontline front-line pro-government separatist opposition young injured "
        "wounded remaining captured other several many some"
    )
)
REPORTING_VERBS = frozenset(
    keys_of(
        "said says say told tells announced announces denied denies warned warns accused accuses claimed claims "
        "insisted insists rejected rejects called calls demanded demands responded responds urged urges condemned "
        "condemns threatened threatens agreed agrees signed signs confirmed confirms stated states added adds "
        "reported reports blamed blames dismissed dismisses vowed vows pledged pledges proposed proposes "
        "refused refuses retaliated retaliates expelled expels recognised recognized recognises recognizes "
        "sanctioned imposed imposes summoned summons launched launches ordered orders sent sends wants wanted "
        "expects hopes believes considers"
    )
)
# Words that may sit between a government metonym and its verb ("Moscow has repeatedly denied").
AUXILIARIES = frozenset(keys_of("has have had would will could may might also repeatedly previously then later again already not"))
# Capitalised words that start sentences or label things and are never names.
NOT_NAMES = frozenset(
    keys_of(
        "the a an in on at of for and but or if as by to from with after before during while when where "
        "this that these those he she it they we you i his her its their our my there here however meanwhile "
        "separately also despite according satellite video half some many more most no yes monday tuesday "
        "wednesday thursday friday saturday sunday january february march april may june july august "
        "september october november december talks war city mayor president minister soldiers residents"
    )
)
DETERMINERS = frozenset(keys_of("the a an its his her their whose"))
