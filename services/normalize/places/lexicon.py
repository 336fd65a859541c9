"""Word lists the recogniser and role rules read: the English around a place name, not place data itself."""

from __future__ import annotations

MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

# Capitalised function words and news vocabulary that GeoNames also lists as some village somewhere.
NEVER_PLACES = MONTHS | WEEKDAYS | frozenset(
    """a an the and or but if of in on at to by for from with as is are was were be been this that these those
    it its he she they we you i his her their our my me him them who what when where which while why how
    all any some no not yes so than then there here also just only even still yet after before since until
    about above below under over into onto upon out up down off again new old good bad best great big small
    mr mrs ms dr sir lord lady saint st mount mt fort ft lake river port bay cape point north south east west
    central northern southern eastern western upper lower greater little
    police officials official sheriff mayor governor president minister army navy court council office
    state city county town village district region province republic kingdom union nation national federal
    government ministry department university college school hospital church center centre park street road
    news times post press today tomorrow yesterday tonight morning evening night week month year day
    spring summer autumn fall winter christmas easter god man men woman women people children family
    said says told asked will would could should may might must can
    one two three four five six seven eight nine ten hundred thousand million billion
    first second third last next many much more most other others such same own each every both
    independence liberty victory unity freedom peace hope friendship harmony progress
    media internet online video island islands isle valley gulf ocean sea pacific atlantic""".split()
) | frozenset((
    "el nino",  # the weather, not the Mexican town
    "middle east",  # a world region the index lacks, not the hamlet in Maryland
    "white house",  # the presidency, not Casablanca (its name in translation)
    "hamas",  # the movement, not Hamm
    "duma",  # the Russian parliament; the Syrian town is written Douma
    "sens",  # 'Sens. Tim Grendell': senators, not the French town
    "mart",  # 'Wal-Mart', not Mart, Texas
    # Names of the war's armed groups, weapons and press that villages somewhere also bear
    "wagner",  # the Wagner Group, not Wagner, Brazil
    "azov",  # the Azov regiment (and 'the Sea of Azov'), far more often than the Russian town
    "nato",  # not Nato in the Philippines (an acronym of four letters)
    "grad", "iskander", "bayraktar",  # rocket launchers, missiles and drones
    "forbes",  # the magazine, not Forbes, New South Wales
))

CONNECTORS = frozenset(
    "of the on upon de del della di da do dos das du des la le les el al am an and y sur en es im au aux der sous op "
    "aan"
    .split()
)
# Connectors that may also open a name the index holds whole ('El Paso', 'Le Havre', 'Des Moines', 'Al Hudaydah');
# alone they name nothing. 'Do' is not one: 'Do Kyiv and Moscow want peace?'
NAME_OPENERS = frozenset("de del della di da dos das du des la le les el al".split())

# A capitalised word right before a name that makes the name a person's.
PERSON_TITLES = frozenset(
    """mr mrs ms miss dr sir dame lord lady rev reverend father sister brother pastor rabbi imam
    president vice premier minister secretary senator sen rep representative gov governor mayor judge justice
    general gen lt lieutenant col colonel maj major capt captain sgt sergeant officer deputy detective
    chief commander admiral prince princess king queen sheikh pope coach professor prof spokesman spokeswoman
    spokesperson chancellor ambassador councilman councilwoman commissioner trooper agent attorney""".split()
)

# A capitalised word after a single-word name that makes the pair an organisation or a street, not the place.
ORGANISATION_TAILS = frozenset(
    """post times herald tribune journal gazette daily news press street st road rd avenue ave boulevard blvd
    lane drive highway university college school academy institute hospital clinic church cathedral mosque
    bank airlines airways airport stadium arena hall hotel club company corp inc ltd group fc united rangers
    sox jets giants bears bulls lakers cowboys police sheriff fire department square bridge tower mall
    center centre park pike parkway heights""".split()
)

# Words that make a name an institution's, which a state's name opening it places in the state: 'the Texas
# Department of Criminal Justice', 'the Ohio Supreme Court', 'the Florida Highway Patrol'.
INSTITUTION_WORDS = frozenset(
    """department police sheriff patrol guard court senate house assembly legislature board commission council
    committee agency authority bureau division office ministry service services association coalition party
    university college school schools academy institute hospital district olympics games conference regulator
    operator insurance system center centre museum library lottery""".split()
)

# A capitalised word after a place's name that makes the two a natural feature's name, which the index lacks:
# 'Indian Ocean', 'Persian Gulf', 'Plum Island', 'Salinas Valley', 'Islington Bay'.
FEATURE_TAILS = frozenset(
    "ocean sea gulf bay strait lake lakes island islands isle river creek valley canyon peninsula mountain mountains "
    "beach falls farm".split()
)
# A capitalised word before a name that makes the two another place's name: 'Lake Vermont', 'Fort Benning',
# 'Mount Hood', 'National Lakeshore' (where the index holds the whole name, 'Fort Worth', it is read whole first).
FEATURE_HEADS = frozenset("lake mount mt fort ft river port bay cape point national".split())
# '<feature> of X' names a water or a land, not X: 'the Gulf of Mexico', 'the Bay of Biscay'.
FEATURES_OF = frozenset("gulf sea bay lake strait straits".split())

# Words after "X" that make it the first-level region named after X: "Kharkiv Oblast", "the Donetsk region".
REGION_WORDS = frozenset("oblast region province governorate krai prefecture state".split())

# Cue words before a name that say a place follows ("near X", "the city of X").
PLACE_CUES = frozenset("in near at from outside into across around toward towards via throughout inside".split())
SETTLEMENT_WORDS = frozenset("city town village capital port suburb settlement".split())

# Adjectives of direction that may sit before a place without making it part of another name.
DIRECTIONS = frozenset(
    "north south east west northeast northwest southeast southwest northern southern eastern western central "
    "northeastern northwestern southeastern southwestern downtown greater".split()
)

# Verbs of speech or decision: "Moscow said", "Kyiv rejected", "Washington believes".
STATEMENT_VERBS = frozenset(
    """said says say stated states told tells announced announces declared declares claimed claims warned warns
    believes believed thinks thought argued argues insisted insists rejected rejects denied denies accused accuses
    urged urges demanded demands called calls condemned condemns vowed vows threatened threatens refused refuses
    agreed agrees decided decides responded responds welcomed welcomes criticised criticized criticizes
    criticises hopes hoped wants wanted expects expected considers considered confirmed confirms signalled
    signaled signals proposed proposes offered offers approved approves protested protests dismissed dismisses
    retaliated imposed imposes sanctioned recognised recognized recalled expelled summoned blamed blames
    says reiterated reiterates asserted asserts acknowledged acknowledges pledged pledges promised promises""".split()
)
STATEMENT_FILLERS = frozenset("has had have has also also again now then later officially reportedly has already".split())

# Last words of a longer name whose first word alone may stand for it elsewhere in a text: 'DeKalb County', 'DeKalb'.
SHORT_FORM_TAILS = frozenset(("county", "parish", "township", "estates", "borough"))
