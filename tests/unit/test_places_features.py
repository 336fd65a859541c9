"""Seas, lakes, islands, forts and saints' feasts named after places; compass words before a region; a region
read from a town's name."""

from __future__ import annotations

import pytest

from services.normalize.places import BulletinContext, Gazetteer, find_places

DAR_ES_SALAAM, HOUSTON, KHARKIV_OBLAST, CALIFORNIA, MIDLANDS_ZIMBABWE = 160263, 4699066, 706482, 5332921, 886119
CHARLOTTE, WASHINGTON_DC = 4460243, 4140963


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer.load(tmp_path_factory.getbasetemp() / "wirelog-cache")


def places_in(text: str, gazetteer: Gazetteer) -> list[tuple[str, int]]:
    found = find_places(text, gazetteer, BulletinContext.from_texts([text], gazetteer))
    return [(p.surface, p.geonames_id) for p in found]


def ids_of(surface: str, text: str, gazetteer: Gazetteer) -> list[int]:
    """GeoNames ids of the text's mentions written `surface`, in order."""
    return [geonames_id for written, geonames_id in places_in(text, gazetteer) if written == surface]


@pytest.mark.parametrize(
    "text",
    [
        "A tanker sank in the Gulf of Mexico.",  # not Mexico, nor Gulf province in Papua New Guinea
        "Sailors crossed Lake Ontario in a storm.",  # not the province
        "The ferry reached Plum Island at noon.",  # not Plum, Pennsylvania
        "Walkers trekked across the North Island.",  # 'Island' is an old name of Iceland
        "Growers in the Salinas Valley lost their crop.",
        "Troops moved from Fort Benning.",  # not Benning, in Washington
        "Crowds filled St. Peter's Square.",  # not Saint Peter parish, Antigua
        "Parades marked St. Patrick's Day.",  # not Saint Patrick parish, Dominica
        "Drought hit farms along the Indian Ocean coast.",  # not India
    ],
)
def test_a_feature_named_after_a_place_is_not_the_place(gazetteer, text):
    assert places_in(text, gazetteer) == []


def test_a_lake_or_gulf_word_right_before_a_name_makes_the_name_part_of_it(gazetteer):
    # 'Gulf Coast' is not the Coast region of Tanzania; the state before it stays a place.
    assert places_in("Heavy storms hit the Texas Gulf Coast on Monday night.", gazetteer) == [("Texas", 4736286)]


def test_a_name_with_es_inside_is_read_whole(gazetteer):
    assert places_in("Cholera reached Dar es Salaam.", gazetteer) == [("Dar es Salaam", DAR_ES_SALAAM)]


@pytest.mark.parametrize(
    "text",
    [
        "Deaths rose in the West Midlands.",  # not the Midlands province of Zimbabwe
        "Cases were reported in the Central Plateau.",  # not Plateau State, Nigeria
    ],
)
def test_a_region_named_only_by_a_kind_of_area_after_a_compass_word_needs_its_country_named(gazetteer, text):
    assert places_in(text, gazetteer) == []


def test_a_region_with_a_proper_name_after_a_compass_word_is_that_region(gazetteer):
    assert places_in("Snow fell across Southern California.", gazetteer) == [("California", CALIFORNIA)]


def test_the_country_of_a_compass_region_is_named_by_that_country_not_by_its_neighbour_in_the_text(gazetteer):
    assert places_in("Zimbabwe's West Midlands had rain.", gazetteer)[1:] == [("Midlands", MIDLANDS_ZIMBABWE)]
    # Two readings that each need their country named do not vouch for each other: both are Rwandan only by
    # their names (Kenya's former provinces are not in the index).
    assert places_in("Deaths were reported in Nyanza Province and in North Eastern Province.", gazetteer) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cases rose in the Houston region.", [("Houston region", HOUSTON)]),  # the city's surroundings, not Texas
        # No area of the United States bears the name: not Charlotte parish, Saint Vincent.
        ("Jobs grew in the Charlotte region last year.", [("Charlotte region", CHARLOTTE)]),
        # The biggest Alexandria is Egypt's, whose governorate bears the name: not Alexandria, Virginia.
        ("U.S. officials said the Alexandria region saw floods.", [("U.S.", 6252001), ("Alexandria region", 361059)]),
        ("In Ukraine, shelling hit the Kharkov region.", [("Ukraine", 690791), ("Kharkov region", KHARKIV_OBLAST)]),
    ],
)
def test_x_region_is_the_region_named_after_town_x_or_else_the_town(gazetteer, text, expected):
    assert places_in(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "surface", "geonames_id"),
    [
        # No town named DeKalb lies in DeKalb County, Georgia: the short form is the county itself.
        ("Decatur is the seat of DeKalb County, Georgia. The DeKalb school board met on Monday.", "DeKalb", 4191014),
        ("Avondale Estates plans a new park. Avondale residents can comment until May.", "Avondale", 4180638),
        # Clinton, Iowa lies in Clinton County, Iowa: the town inside the county.
        ("Clinton County deputies arrested a man in Clinton on Friday.", "Clinton", 4852022),
        # A one-word name that is a state stays the state.
        ("Kansas City fans cheered. Kansas voters go to the polls in November.", "Kansas", 4273857),
    ],
)
def test_a_one_word_name_opening_a_longer_name_of_the_same_text_stands_for_it(gazetteer, text, surface, geonames_id):
    assert ids_of(surface, text, gazetteer) == [geonames_id]


@pytest.mark.parametrize(
    "text",
    [
        "The White House said on Monday it would not talk to Hamas.",  # not Casablanca (in translation), not Hamm
        "The State Duma approved the law in a final reading.",  # the parliament, not the Syrian town
        "Sens. Tim Grendell and Ann Wells voted against the bill.",  # senators, not Sens, France
        "A new Wal-Mart opened on Friday.",  # not Mart, Texas
    ],
)
def test_institutions_written_like_a_place_in_another_language_are_not_places(gazetteer, text):
    assert places_in(text, gazetteer) == []


def test_armed_groups_and_weapons_named_like_villages_are_not_places(gazetteer):
    text = ("Wagner fighters left Bakhmut as Grad rockets and an Iskander missile hit Azov positions, NATO and Forbes"
            " reported.")
    assert [surface for surface, _ in places_in(text, gazetteer)] == ["Bakhmut"]


def test_a_region_whose_index_name_is_a_legal_phrase_is_called_by_its_common_name(gazetteer):
    [place] = find_places("Troops are stationed in Transnistria.", gazetteer)
    assert place.name == "Transnistria" and place.country_code == "MD"


@pytest.mark.parametrize(
    ("text", "surface", "geonames_id"),
    [
        ("San Francisco's mayor announced a new budget on Tuesday.", "San Francisco", 5391959),  # a saint's city
        ("St. Petersburg's governor declared an emergency.", "St. Petersburg", 498817),
        ("A typhoon struck Hainan Island in southern China.", "Hainan", 1809054),  # the island is the province
        ("Refineries along the Texas Gulf coast shut down on Monday.", "Texas", 4736286),
        ("Storms hit Jackson County, Mo., and Jackson, Miss., on Tuesday.", "Jackson", 4431410),  # its state named
        # A county and the town it holds back each other ('Madison', Alabama, not the capital of Wisconsin).
        ("Madison County deputies arrested a Madison man.", "Madison", 4074267),
        ("Deputies in Washington County arrested a man. Lawmakers in Washington debated.", "Washington", 4140963),
        ("Shelling hit the Zaporozhye region.", "Zaporozhye region", 687699),  # spelt otherwise in the index
        ("Drones hit the Kaluga region.", "Kaluga region", 553899),
        ("Wildfires spread across Eastern Montana on Tuesday.", "Montana", 5667009),  # a state, not a kind of area
    ],
)
def test_saints_cities_island_provinces_and_named_towns_keep_their_reading(gazetteer, text, surface, geonames_id):
    assert ids_of(surface, text, gazetteer) == [geonames_id]


def test_a_sea_of_flags_is_no_sea(gazetteer):
    assert places_in("A sea of Ukrainian flags filled the square.", gazetteer) == [("Ukrainian", 690791)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A state's institutions are in the state.
        ("A Florida Highway Patrol report said the driver died.", [("Florida", 4155751)]),
        ("The Texas Department of Criminal Justice moved the inmate.", [("Texas", 4736286)]),
        # Named after a capital, a newspaper is not a place; nor is a street named after a town.
        ("The Washington Post reported the vote.", []),
        ("The house on Dublin Road burned.", []),
        ("Developers appealed to the Ontario Municipal Board.", [("Ontario", 6093943)]),
        ("The Ohio Supreme Court ruled.", [("Ohio", 5165418)]),
        ("The Minnesota Bureau of Criminal Apprehension said.", [("Minnesota", 5037779)]),
        ("The Alberta Energy Regulator said.", [("Alberta", 5883102)]),
        ("The Texas Instruments office in Dallas closed.", [("Dallas", 4684888)]),  # lower case ends the name
        # Before one more capitalised word, a state's name is as often a person's or a firm's; a street named
        # after a state runs through any town.
        ("A lawsuit filed by Virginia Giuffre was settled.", []),
        ("Tennessee Williams wrote the play.", []),
        ("Texas Instruments shares rose.", []),
        ("Protesters marched down Pennsylvania Avenue.", []),
        ("Virginia Roberts Giuffre said the case was settled.", []),
        ("The N.Y. Post reported it.", []),
        # After a town, an abbreviation is its state, whatever word opens the next sentence.
        ("The fire started in Albany, N.Y. Fire officials said.", [("Albany", 5106834), ("N.Y.", 5128638)]),
        # Spaced initials before a capitalised word are a person's, even where a sentence may end after them.
        ("The shooting happened in Rocky Mount, N. C. Police are investigating.", [("Rocky Mount", 4488762)]),
        ("The mayor of Boston, D. C. Jones, spoke.", [("Boston", 4930956)]),
        # An abbreviation ends its sentence, not a longer name.
        ("She called her mother in Washington, D.C. The mother called police.",
         [("Washington", 4140963), ("D.C.", 4138106)]),
        # A first name that some small parish also bears stays a first name.
        ("Michael Thomas and Mary Wheeler spoke at the meeting.", []),
        # A compound compass word before a region is not a first name before a surname.
        ("He practises at a clinic in Northeast Texas.", [("Texas", 4736286)]),
        # A state's abbreviation written with a space, even before a new sentence; not a person's initials.
        ("He was held in Wheeling, W. Va., on Friday.", [("Wheeling", 5280854), ("W. Va.", 4826850)]),
        ("He moved to Charleston, W. Va. Then he left.", [("Charleston", 4574324)]),  # no state: the largest
        ("The painter N. C. Wyeth lived there.", []),
        ("Officers arrested S. C. Johnson.", []),
        ("The illustrator, N. C. Wyeth, painted it.", []),
        ("Paintings by Andrew Wyeth, N. C. Wyeth and Jamie Wyeth were shown.", []),
        ("Meanwhile, N.Y. Post reporters waited.", []),
        ("N.J. Transit cancelled trains.", []),
    ],
)
def test_state_institutions_and_compass_words_keep_the_state(gazetteer, text, expected):
    assert places_in(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "surface", "geonames_id"),
    [
        # Listed among states, a name that can be a state is one (not the capital, nor Washington, West Virginia).
        ("The recall covers Virginia, Washington, West Virginia and Wyoming.", "Washington", 5815135),
        ("The recall covers Virginia, Washington, West Virginia and Wyoming.", "Wyoming", 5843591),
        # Listed among countries, a country (not Nigeria's Niger State, nor Belgium's Luxembourg province).
        ("Polio was eradicated in Egypt and Niger, officials said. Nigeria still reports cases.", "Niger", 2440476),
        ("Cases rose in Belgium and Luxembourg.", "Luxembourg", 2960313),
        # A small namesake in the next country listed does not make a country a town (China, Kagoshima), nor a
        # region of it a region (Niger State).
        ("Exports from China, Japan and South Korea fell.", "China", 1814991),
        ("Polio cases fell in Niger, Nigeria and Chad.", "Niger", 2440476),
        # The list has ended before the state written after the town.
        ("Fans came from as far as Texas and Washington, D.C.", "Washington", 4140963),
        # A list with towns in it lists places of any kind.
        ("Birds died in Cairo, Giza, and Al-Minya.", "Giza", 360995),
        ("Strikes hit Kyiv, Kharkiv Oblast and Odesa.", "Odesa", 698740),
        ("Drones hit Toretsk, Donetsk Oblast, and Kharkiv.", "Kharkiv", 706483),
        ("He visited Richmond, Virginia, Washington, D.C., and Baltimore, Maryland.", "Washington", 4140963),
        # A country or state written after a name says where a city of that name lies.
        ("Protests were held in New York, California, Washington, D.C., and Texas.", "Washington", 4140963),
        ("The coffee grower lives in Armenia, Colombia, and ships beans to Miami.", "Armenia", 3689563),
        ("Storms hit Washington, Pennsylvania, and Wheeling, West Virginia, overnight.", "Washington", 5218069),
        ("Governors of Delaware, Ohio and Indiana met in Chicago.", "Delaware", 4142224),  # not Delaware, Ohio
        ("He was born in Paris, Texas.", "Paris", 4717560),
    ],
)
def test_a_name_listed_among_countries_or_states_is_one_of_them(gazetteer, text, surface, geonames_id):
    assert ids_of(surface, text, gazetteer) == [geonames_id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Paris, Tennessee lies in Henry County, Tennessee: not Paris, France, nor another state's Henry County.
        ("Paris and Henry County leaders backed the plan.", [("Paris", 4647963), ("Henry County", 4628829)]),
        ("Henry County and Paris officials met on Monday.", [("Henry County", 4628829), ("Paris", 4647963)]),
        ("Students in Moscow and Latah County returned.", [("Moscow", 5601538), ("Latah County", 5598264)]),
        ("Fans came from London and Middlesex County.", [("London", 6058560), ("Middlesex County", 6073256)]),
        # A city that lies in the county stays the city.
        ("Cases rose in Atlanta and Fulton County.", [("Atlanta", 4180439), ("Fulton County", 4196508)]),
        # No Washington lies in a Montgomery County: the capital and Maryland's county, its neighbour.
        ("Traffic slowed in Washington and Montgomery County.", [("Washington", WASHINGTON_DC),
                                                                 ("Montgomery County", 4362716)]),
        # London, Ontario lies in no Orange County.
        ("Flights link London and Orange County.", [("London", 2643743), ("Orange County", 5379524)]),
        # The town's own first reading (Bethlehem governorate, in the West Bank) is no evidence against the pair.
        ("Bethlehem and Northampton County officials opened the bridge.", [("Bethlehem", 5180225),
                                                                          ("Northampton County", 5203809)]),
        ("Lebanon and Warren County officials approved the new park.", [("Lebanon", 4516412),
                                                                       ("Warren County", 4527624)]),
        # Another country's town in the sentence says nothing about which state is meant.
        ("Georgetown and Scott County officials celebrated the Toyota expansion.",
         [("Georgetown", 4292686), ("Scott County", 4307808), ("Toyota", 1849814)]),
        # Another name of the sentence first read in Ohio: Troy, Ohio lies in Miami County, and Troy, North
        # Carolina in its Montgomery County is no pair here.
        ("Troy and Montgomery County officials met in Dayton.", [("Troy", 5174358), ("Montgomery County", 4518598),
                                                                 ("Dayton", 4509884)]),
        # A state name in the sentence counts though first read as the country: not Auburn, Indiana.
        ("Auburn and DeKalb County officials met with Georgia transportation officials.",
         [("Auburn", 4180512), ("DeKalb County", 4191014), ("Georgia", 4197000)]),
        # Gadsden, South Carolina lies near the centre of its Calhoun County, but a town a tenth the size of
        # Alabama's Gadsden does not take the name.
        ("Gadsden and Calhoun County officials discussed flooding.", [("Gadsden", 4063619),
                                                                     ("Calhoun County", 4053062)]),
        # A state written after the county, or named elsewhere in the text, says where the names lie: not Dallas,
        # Oregon, seat of Polk County, Oregon, nor Denver, North Carolina, in Lincoln County, North Carolina.
        ("Flights between Dallas and Polk County, Fla., were canceled.", [("Dallas", 4684888),
                                                                         ("Polk County", 4168988), ("Fla.", 4155751)]),
        ("Warnings covered Denver and Lincoln County as the storm crossed Colorado's plains.",
         [("Denver", 5419384), ("Lincoln County", 5428518), ("Colorado", 5417618)]),
    ],
)
def test_a_town_listed_with_a_county_it_lies_in_is_that_town(gazetteer, text, expected):
    assert places_in(text, gazetteer) == expected


@pytest.mark.parametrize(
    ("text", "surface", "geonames_id"),
    [
        # 'Washington' is an old name of Piqua, Ohio, and 'Maryville' of Beeville, Texas: smaller than places
        # bearing the name as their own, they are not read under it, however much the story is about their state.
        ("WASHINGTON - Ohio lawmakers met in Columbus, Ohio, and Dayton, Ohio, on Friday.", "WASHINGTON", 4140963),
        ("Pastors from Fort Worth, Texas, visited the church in Maryville.", "Maryville", 4639848),
        # A place that outgrows its namesakes is still read under its other name, and another country's namesake
        # does not count: the Russian spelling of a Ukrainian town, the Hebrew name of Acre.
        ("Fans gathered in Cologne.", "Cologne", 2886242),
        # Under another name, a place smaller than a city abroad bearing the name as its own scores lower, even
        # where its country is named: 'Philadelphia' is not Amman, 'Odesa' is not Odessa, Texas.
        ("Officials arrived in Philadelphia on Monday.", "Philadelphia", 4560349),
        ("U.S. officials said Russian drones hit Odesa overnight.", "Odesa", 698740),
        ("The U.S. embassy in Bagdad was evacuated.", "Bagdad", 98182),
        # The country or region written after a name under another name still places it.
        ("Police in Newcastle, England, arrested a man.", "Newcastle", 2641673),
        ("Hurricane Sandy hit Santiago, Cuba, overnight.", "Santiago", 3536729),
        ("Migrants landed in Syracuse, Sicily, on Sunday.", "Syracuse", 2523083),
        ("Fighting was reported near Seversk in the Donetsk region.", "Seversk", 694403),
        ("A rocket hit a building in Akko in northern Israel.", "Akko", 295721),
    ],
)
def test_a_name_is_read_as_another_place_s_only_when_that_place_outgrows_its_namesakes(
        gazetteer, text, surface, geonames_id):
    assert ids_of(surface, text, gazetteer) == [geonames_id]
