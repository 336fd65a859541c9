"""Table-driven tests of the tagger's second-pass rules: tense cues, spoken years, seasons, anchors, quarters, event days."""

from __future__ import annotations

from datetime import date

import pytest

from services.normalize.temporal import choose_event_date, tag_dates

THURSDAY = date(2022, 3, 31)
LATE_OCTOBER = date(2022, 10, 27)
NOVEMBER = date(2022, 11, 1)


def _values(text: str, reference: date) -> dict[str, str | None]:
    return {m.surface: m.value for m in tag_dates(text, reference)}


# (rule, bulletin date, text, surface, value)
CASES = [
    ("a weekday before a full date takes that date, even before a colon",
     THURSDAY, "The paper said in an editorial on Saturday, April 2: the court erred.", "Saturday, April 2", "2022-04-02"),
    ("a participle after 'be' takes the auxiliary's tense",
     THURSDAY, "The dividend would be paid in January.", "January", "2023-01"),
    ("an -ed word after a determiner is an adjective, not a past verb",
     THURSDAY, "Holders are to get the shares on an unspecified date in January.", "January", "2023-01"),
    ("'to be' is an infinitive looking ahead",
     THURSDAY, "Final rules are to be published in February.", "February", "2023-02"),
    ("a fronted weekday takes the tense of the clause it introduces",
     THURSDAY, "On Sunday, police said they had made two arrests.", "Sunday", "2022-03-27"),
    ("a verb of intention looks ahead whatever its own tense",
     THURSDAY, "The company agreed to buy the plant in February.", "February", "2023-02"),
    ("a planned event is still to come",
     THURSDAY, "Protesters planned a march in the capital on Saturday.", "Saturday", "2022-04-02"),
    ("'effective' dates look ahead",
     LATE_OCTOBER, "The board created a new office, effective Feb. 1.", "Feb. 1", "2023-02-01"),
    ("months away, a past clause takes the past day-month",
     NOVEMBER, "Revenue for the year ended March 31 rose 4%.", "March 31", "2022-03-31"),
    ("months away, a future clause takes the coming day-month",
     NOVEMBER, "The plant will reopen on June 1.", "June 1", "2023-06-01"),
    ("close to the bulletin date a day-month stays the nearest",
     THURSDAY, "The envoys met on March 25.", "March 25", "2022-03-25"),
    ("a year in words", THURSDAY, "Keating was convicted in nineteen ninety-one.", "nineteen ninety-one", "1991"),
    ("a month with a year in words",
     THURSDAY, "January nineteen ninety-seven brought a second blast.", "January nineteen ninety-seven", "1997-01"),
    ("a season with a year in words",
     THURSDAY, "Prices last fell that low in the winter of nineteen ninety-four.", "the winter of nineteen ninety-four", "1994-WI"),
    ("'the year two thousand'", THURSDAY, "He promised results by the year two thousand.", "the year two thousand", "2000"),
    ("a bare season in past context is the latest one begun",
     LATE_OCTOBER, "Sales slowed over the summer.", "the summer", "2022-SU"),
    ("a bare season in future context is the coming one",
     LATE_OCTOBER, "The offensive is expected in the spring.", "the spring", "2023-SP"),
    ("year end without a hyphen", LATE_OCTOBER, "The deal should close by year end.", "year end", "2022-12-31"),
    ("the year's end", LATE_OCTOBER, "Rules should be in place by year's end.", "year's end", "2022-12-31"),
    ("the full year is the bulletin's year", LATE_OCTOBER, "Sales for the full year rose 13%.", "the full year", "2022"),
    ("'that day' is the day last mentioned",
     THURSDAY, "Kyiv was shelled on March 20. Later that day, sirens sounded again.", "Later that day", "2022-03-20"),
    ("'the same day' is the day last mentioned",
     THURSDAY, "Troops left Bucha on March 30 and reporters arrived the same day.", "the same day", "2022-03-30"),
    ("'the next morning' is the day after the day last mentioned",
     THURSDAY, "He was arrested on March 20 and appeared in court the next morning.", "the next morning", "2022-03-21"),
    ("'the previous Friday' counts back from the day last mentioned",
     THURSDAY, "Stocks fell on March 25, down 2% from the previous Friday.", "the previous Friday", "2022-03-18"),
    ("the latest quarter is the last one ended", LATE_OCTOBER, "Profit rose 5% in the latest quarter.", "the latest quarter", "2022-Q3"),
    ("the latest period in results is that quarter", LATE_OCTOBER, "Sales in the latest period were $1.7 billion.",
     "the latest period", "2022-Q3"),
    ("'this quarter' in past context is the quarter just reported",
     LATE_OCTOBER, "This quarter's loss included a charge.", "This quarter", "2022-Q3"),
    ("'this quarter' in future context is the current one", LATE_OCTOBER, "Sales will recover this quarter.", "this quarter", "2022-Q4"),
    ("the year-ago quarter", LATE_OCTOBER, "Coast earned $10 million in the year-ago quarter.", "the year-ago quarter", "2021-Q3"),
    ("the year-ago third quarter",
     LATE_OCTOBER, "It earned $22 million in the year-ago third quarter.", "the year-ago third quarter", "2021-Q3"),
    ("bare 'year-earlier' after a named quarter is that quarter a year back",
     LATE_OCTOBER, "It lost $5 million in the third quarter, against year-earlier profit of $2 million.", "year-earlier", "2021-Q3"),
    ("bare 'year-earlier' without a quarter is last year",
     LATE_OCTOBER, "Net income rose from year-earlier levels.", "year-earlier", "2021"),
    ("'a year earlier' after a named quarter is that quarter a year back",
     LATE_OCTOBER, "Sales rose in the third quarter ended Sept. 30 to $7 million from $6 million a year earlier.",
     "a year earlier", "2021-Q3"),
    ("'the week of' a day is that ISO week", THURSDAY, "A hearing is set for the week of March 7.", "the week of March 7", "2022-W10"),
    ("a date right after 'since' is behind us", LATE_OCTOBER, "The index has risen 4% since year-end.", "year-end", "2021-12-31"),
    ("'in a day' in a past clause is the day just ended",
     THURSDAY, "Shelling killed seven civilians in a day.", "a day", "2022-03-30/2022-03-31"),
    ("'in two days' in a future clause is still ahead", THURSDAY, "Talks will resume in two days.", "two days", "2022-04-02"),
    ("'next to' is a place, not a time ahead",
     THURSDAY, "Four people were wounded in the blast next to the market on Tuesday.", "Tuesday", "2022-03-29"),
    ("a participle after a determiner and an adverb is an adjective, not a plan",
     THURSDAY, "On Friday, a hastily planned visit to the front was cut short.", "Friday", "2022-03-25"),
    ("a possessive weekday names what has happened, whatever the clause's tense",
     THURSDAY, "Lawyers will appeal against Tuesday's ruling.", "Tuesday", "2022-03-29"),
    ("months away and with no tense cue, a day-month looks back",
     THURSDAY, "The index is within 2% of its record high set on Sept. 9.", "Sept. 9", "2021-09-09"),
    ("'the 2021 period' in a results story is the reported quarter of that year",
     LATE_OCTOBER, "Profit rose in the third quarter. In the 2021 period, the firm lost $3 million.", "the 2021 period", "2021-Q3"),
    ("'the 2021 quarter' likewise",
     LATE_OCTOBER, "Sales fell in the second quarter, against $9 million in the 2021 quarter.", "the 2021 quarter", "2021-Q2"),
    ("a year period with no quarter in sight stays the year",
     LATE_OCTOBER, "The 2021 period was hit by floods.", "The 2021 period", "2021"),
    ("TIMEX3 writes a second half-year as H2",
     LATE_OCTOBER, "Sales should recover in the second half of 2023.", "the second half of 2023", "2023-H2"),
    ("and a first half-year as H1", LATE_OCTOBER, "Orders slumped in the first half of 2021.", "the first half of 2021", "2021-H1"),
    ("'coming quarters' is the future", LATE_OCTOBER, "Margins will stay thin in coming quarters.", "coming quarters", "FUTURE_REF"),
    ("'the current fiscal year' is the bulletin's year",
     LATE_OCTOBER, "It expects a loss in the current fiscal year.", "the current fiscal year", "2022"),
    ("Election Day is the Tuesday after the first Monday of November",
     LATE_OCTOBER, "Polls close at eight on Election Day.", "Election Day", "2022-11-08"),
    ("a dateline sets the day the item's dates count from",
     THURSDAY, "KYIV, March 30 (Reuters) - Talks resume tomorrow in Istanbul.", "tomorrow", "2022-03-31"),
    ("the dateline's own date is tagged too",
     THURSDAY, "KYIV, March 30 (Reuters) - Talks resume tomorrow in Istanbul.", "March 30", "2022-03-30"),
    ("a passive infinitive looks ahead even in a reported clause",
     LATE_OCTOBER, "He added that final rules to be published in early November will apply.", "early November", "2022-11"),
    ("a passive infinitive after a verb of report dates nothing",
     THURSDAY, "The rebels were believed to be trapped in the port on Friday.", "Friday", "2022-03-25"),
    ("a fronted month takes the tense of a long main clause",
     LATE_OCTOBER, "In January, a week after the anniversary of the ruling that set off the protests outside the old "
     "courthouse in the capital, a bomb exploded.", "January", "2022-01"),
    ("'post-' before a year keeps the year", THURSDAY, "The post-1991 borders were recognised.", "post-1991", "1991"),
    ("a place with no date at the head is no dateline",
     THURSDAY, "ODESA (AP) - Talks resume tomorrow in Istanbul.", "tomorrow", "2022-04-01"),
    # The mention starts 93 characters after "scheduled": a 90-character window begins inside the word.
    ("a clause window that cuts 'scheduled' to 'eduled' reads no past verb",
     date(2022, 3, 28), "The envoy is scheduled to spend only five hours on the ground in Rzeszow, southern Poland, "
     "her first stop Tuesday morning, before flying on.", "Tuesday morning", "2022-03-29"),
    ("'until' bounding a past state is past",
     THURSDAY, "Until Monday, the ministry had not called the strike an attack.", "Monday", "2022-03-28"),
    ("'until' with no past state ahead of it is a limit still to come",
     THURSDAY, "The corridor stays open until Monday, officials said.", "Monday", "2022-04-04"),
    ("a clause opening on 'until' with no past state after it looks ahead",
     THURSDAY, "Until Monday, the corridor stays open.", "Monday", "2022-04-04"),
    # "willing" starts 86 characters after the mention: a 90-character window ends right after its "will".
    ("a clause window that cuts 'willing' to 'will' reads no future",
     THURSDAY, "Shelling near Izium on Monday cut power and water to the town for the third time in a week although "
     "they still are willing to try again.", "Monday", "2022-03-28"),
    ("a limit inside a future clause stays ahead, whatever follows it",
     THURSDAY, "Troops will stay until Monday as the army had requested.", "Monday", "2022-04-04"),
    ("'set' right after its subject is past", THURSDAY, "On Friday, when Kuleba set aside other plans for the trip, "
     "the embassy reopened.", "Friday", "2022-03-25"),
    ("'set' after a modal is no past", THURSDAY, "The central bank will set interest rates on Monday.", "Monday",
     "2022-04-04"),
    ("'a set of' is no verb", THURSDAY, "The EU will announce a fourth set of sanctions on Monday.", "Monday",
     "2022-04-04"),
    ("nor is 'Another set'", date(2022, 4, 2), "Another set of talks opens on Monday in Istanbul.", "Monday",
     "2022-04-04"),
    ("'set for' schedules", THURSDAY, "Talks are set for Monday in Istanbul.", "Monday", "2022-04-04"),
    ("with no verb near, the nearest earlier cue in the sentence counts",
     date(2022, 2, 11), "In a joint statement, it said two new trains would leave Lviv on Monday and Tuesday nights "
     "from March 30, with the third departing each Thursday from August 6.", "August 6", "2022-08-06"),
    ("but not past a verb of report, which dates its own clause",
     date(2022, 8, 18), "Reports from the foreign ministry said Moscow told Italian, German, Austrian and Hungarian "
     "gas companies of a 15-20 percent cutback in their supply in September.", "September", "2022-09"),
    ("'the day before' a named day counts from that day",
     THURSDAY, "The day before last Monday's hearing, the envoy met both sides.", "The day before last Monday",
     "2022-03-27"),
    ("whatever space follows 'the' (scraped text has no-break spaces)",
     THURSDAY, "The\xa0day before last Monday's hearing, the envoy met both sides.", "The\xa0day before last Monday",
     "2022-03-27"),
    ("and 'the previous' likewise", THURSDAY,
     "Shares closed on March 10, down 4.5% from the\xa0previous Friday.", "the\xa0previous Friday", "2022-03-04"),
    ("'two days after' a date counts from it", THURSDAY, "Two days after March 1, the convoy stopped.",
     "Two days after March 1", "2022-03-03"),
    ("'last year's quarter' is the reported quarter a year back",
     LATE_OCTOBER, "Profit rose in the third quarter. Sales for last year's quarter were $3 million.",
     "last year's quarter", "2021-Q3"),
    ("'the corresponding period last year' likewise",
     LATE_OCTOBER, "Profit rose in the second quarter, against $1.8 million for the corresponding period last year.",
     "the corresponding period last year", "2021-Q2"),
    ("a second day after 'and' is a day of the same month",
     THURSDAY, "Heavy fighting took place near Izium on March 11 and 12, with shelling.", "12", "2022-03-12"),
    ("the year after the second day is the first day's too",
     THURSDAY, "Forces claimed gains on May 16 and 18, 2021, officials said.", "May 16", "2021-05-16"),
    ("and the second day's, which takes the year in",
     THURSDAY, "Forces claimed gains on May 16 and 18, 2021, officials said.", "18, 2021", "2021-05-18"),
    ("the second day is read off the day named, not off a shift counted from it",
     THURSDAY, "The convoy moved a week after May 28 and 29, officials said.", "29", "2022-05-29"),
    ("a mention counted from a named day is an anchor in turn",
     THURSDAY, "Two days after March 1, the convoy stopped. Later that day, shelling resumed.", "Later that day",
     "2022-03-03"),
    ("so is a second day after 'and'",
     THURSDAY, "Fighting raged on March 24 and 25. The next morning, troops withdrew.", "The next morning",
     "2022-03-26"),
    ("'the same period last year' with no quarter named is the year before",
     date(2022, 5, 12), "Exports in April rose 5% from the same period last year.", "the same period last year",
     "2021"),
    ("'the same period a year earlier' after a named quarter is that quarter a year back",
     LATE_OCTOBER, "Sales in the fourth quarter of 2021 fell 5% from the same period a year earlier.",
     "the same period a year earlier", "2020-Q4"),
    ("a period's 'a year before' is no shift a named day counts from",
     LATE_OCTOBER, "Sales rose 5% from the same quarter a year before Monday's merger.",
     "the same quarter a year before", "2021-Q3"),
    ("a range after 'and' is read whole", date(2022, 7, 20), "Strikes were held on June 3 and 10 to 12 July.",
     "10 to 12 July", "2022-07-10/2022-07-12"),
    ("a third day after a second 'and'", THURSDAY, "Fighting went on March 3 and 4 and 5, officials said.", "5",
     "2022-03-05"),
    ("'the same quarter of last year' is one mention",
     LATE_OCTOBER, "Sales fell 3% from the same quarter of last year.", "the same quarter of last year", "2021-Q3"),
    ("'the latest fiscal year' is the last one closed",
     LATE_OCTOBER, "Exports made up a quarter of sales in the latest fiscal year.", "the latest fiscal year", "2021"),
]


@pytest.mark.parametrize("rule, reference, text, surface, value", CASES, ids=[c[0] for c in CASES])
def test_second_pass_rules(rule, reference, text, surface, value):
    found = _values(text, reference)
    assert found.get(surface, "missing") == value, found


# (rule, text, surface that must not be tagged)
NOT_DATES = [
    ("'fall' the verb", "Prices are set to fall further.", "fall"),
    ("'the fall of' a city", "After the fall of Kabul, aid stopped.", "the fall"),
    ("'that day' with no day in sight", "Market makers lost on trades made that day.", "that day"),
    ("a quoted programme title", 'Baker said on ABC\'s "This Week" that talks would go on.', "This Week"),
    ("'of today' is an era", "The case speaks to the youth of today.", "today"),
    ("'today's world' is the present age", "Such weapons have no place in today's world.", "today"),
    ("'Now,' opening a sentence turns the story", "Now, the mayor says, the bridge is open.", "Now"),
    ("'Currently,' opening a sentence likewise", "Currently, aid is shared out by a committee.", "Currently"),
    ("a march named 'March for ...'", "Thousands joined the March for Peace in the capital.", "March"),
    ("'before' followed by a gerund opens a clause",
     "The envoy will spend an hour in Lviv later in the day before returning to Kyiv.", "the day before"),
    ("'the future of' something is its fate", "The talks will decide the future of the port.", "the future"),
    ("'for the foreseeable future' is a stretch of time", "Troops will stay for the foreseeable future.",
     "the foreseeable future"),
    ("a number after 'and' that counts something is no day", "Shelling on March 11 and 12 people were hurt.", "12"),
    ("the year after a second day is part of that day", "Forces claimed gains on May 16 and 18, 2021, officials said.",
     "2021"),
    ("a number dated by what follows it is a count", "Daily cases fell to 9 on May 1 and 14 on May 2.", "14"),
    ("'the latest year' without 'fiscal' is no year", "The latest year for which data exist is 2019.",
     "The latest year"),
    ("nor is a clock time after 'and'", "Polls close on May 1 and 2:30 p.m. is the deadline.", "2"),
    ("'last year's period of' is no period under report", "Unlike last year's period of drought, rain fell.",
     "last year's period"),
    ("'last year's quarter final' is a match", "He lost in last year's quarter final to Nadal.", "last year's quarter"),
]


@pytest.mark.parametrize("rule, text, surface", NOT_DATES, ids=[c[0] for c in NOT_DATES])
def test_words_that_are_not_dates_here(rule, text, surface):
    assert surface not in _values(text, THURSDAY)


# (rule, text, event date value, precision): an undated report, and one whose only date is a span.
EVENT_CASES = [
    ("a past-tense report tells of the day before the bulletin",
     "Shelling killed four civilians in Donetsk.", "2022-03-30", "reported"),
    ("a headline in the present tense stays on the bulletin date", "Fighting rages in eastern Ukraine city.", "2022-03-31", "reported"),
    ("a future report stays on the bulletin date", "Rebels will hold talks with envoys.", "2022-03-31", "reported"),
    ("a verb of intention before an infinitive is no past event",
     "Ministers agreed to hold talks in Geneva.", "2022-03-31", "reported"),
    ("an intention that opens the lead outweighs a later past verb",
     "Rebels vowed to retake the town after shelling killed four.", "2022-03-31", "reported"),
    ("a count over the day just ended starts the day before",
     "The enemy killed nine civilians in the Donetsk region in a day.", "2022-03-30/2022-03-31", "range"),
]


@pytest.mark.parametrize("rule, text, value, precision", EVENT_CASES, ids=[c[0] for c in EVENT_CASES])
def test_event_day_of_reports(rule, text, value, precision):
    event = choose_event_date(text, tag_dates(text, THURSDAY), THURSDAY)
    assert (event.value, event.precision) == (value, precision)


def test_a_day_counted_from_a_stated_date_is_as_explicit_as_that_date():
    [counted] = tag_dates("Two days after March 1, 2021, the convoy stopped.", THURSDAY)
    assert (counted.surface, counted.value, counted.explicit) == ("Two days after March 1, 2021", "2021-03-03", True)
    [counted] = tag_dates("Two days after March 1 the convoy stopped.", THURSDAY)
    assert (counted.value, counted.explicit) == ("2022-03-03", False)
