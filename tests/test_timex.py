"""Unit tests for the TIMEX3 tagger (storyline.analyse.time.timex), on small hand-written texts."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from storyline.analyse.time.timex import Timex, tag_timexes

# A Tuesday: "this Thursday" is two days ahead, "last weekend" is 29-30 June (ISO week 26).
ANCHOR = dt.date(2024, 7, 2)


def _found(text: str, anchor: dt.date | None = ANCHOR) -> dict[str, tuple[str, str]]:
    """span text -> (type, value)"""
    return {t.text: (t.type, t.value) for t in tag_timexes(text, anchor)}


def _one(text: str, span: str, anchor: dt.date | None = ANCHOR) -> Timex:
    hits = [t for t in tag_timexes(text, anchor) if t.text == span]
    assert hits, f"{span!r} not tagged in {text!r}: {tag_timexes(text, anchor)}"
    return hits[0]


# --------------------------------------------------------------------------- absolute dates


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("The vote was held on 24 October 2024 in London.", "24 October 2024", "2024-10-24"),
        ("The vote was held on October 24, 2024, in London.", "October 24, 2024", "2024-10-24"),
        ("Records dated 2024-10-24 were released.", "2024-10-24", "2024-10-24"),
        ("The war began in February 2022 and continues.", "February 2022", "2022-02"),
        ("In 2018, he called the former president a neo-Nazi.", "2018", "2018"),
        ("Prices rose through the 1990s.", "the 1990s", "199"),
        ("The deal was signed on Friday, Aug. 7, 1998.", "Friday, Aug. 7, 1998", "1998-08-07"),
    ],
)
def test_timex_absolute_dates(text: str, span: str, value: str) -> None:
    t = _one(text, span)
    assert (t.type, t.value) == ("DATE", value)


def test_timex_absolute_date_offsets_point_into_the_text() -> None:
    text = "Héllo — the summit opened on 24 October 2024 in Kazan."
    (t,) = [t for t in tag_timexes(text, ANCHOR) if t.type == "DATE"]
    assert text[t.start : t.end] == "24 October 2024" == t.text
    assert t.method == "timex.absolute"
    assert 0.0 < t.confidence <= 1.0


def test_timex_date_with_clock_time_is_one_time() -> None:
    text = "David Lynch Thursday 24 October 2024 22:00 BST Donald Trump's campaign said."
    t = _one(text, "Thursday 24 October 2024 22:00 BST", None)
    assert (t.type, t.value) == ("TIME", "2024-10-24T22:00")


def test_timex_clock_time_before_weekday_joins_it() -> None:
    text = "The deadline was extended until 9 a.m. EST Tuesday, officials said."
    t = _one(text, "9 a.m. EST Tuesday", dt.date(2000, 4, 3))
    assert (t.type, t.value) == ("TIME", "2000-04-04T09:00")


def test_timex_abbreviated_month_and_day_without_year_uses_the_anchor_year() -> None:
    assert _found("The dividend is payable Oct. 24 to holders of record.")["Oct. 24"] == (
        "DATE",
        "2024-10-24",
    )


# --------------------------------------------------------------------------- partial dates


def test_timex_month_in_past_tense_is_the_most_recent_one() -> None:
    text = "He met the campaign manager in Washington in May, aides said."
    assert _found(text)["May"] == ("DATE", "2024-05")


def test_timex_month_in_future_tense_is_the_next_one() -> None:
    text = "The president will be sworn in in January."
    assert _found(text)["January"] == ("DATE", "2025-01")
    # Past tense, but a month that has not come round yet this year: last year's.
    assert _found("The company said it was founded in November.")["November"] == (
        "DATE",
        "2023-11",
    )


def test_timex_bare_month_near_the_anchor_follows_a_past_tense() -> None:
    anchor = dt.date(2024, 3, 14)
    assert _found("Sales fell sharply in May.", anchor)["May"] == ("DATE", "2023-05")
    assert _found("The new rules take effect in May.", anchor)["May"] == ("DATE", "2024-05")
    # Deadlines with a day keep the nearest reading whatever the tense around them.
    assert _found("The offer was extended to May 2.", anchor)["May 2"] == ("DATE", "2024-05-02")


def test_timex_passive_participle_does_not_make_the_past() -> None:
    found = _found("The bonds will be redeemed in five years.")
    assert found["five years"] == ("DATE", "2029")
    anchor = dt.date(2024, 3, 14)
    assert _found("The case is heard in May.", anchor)["May"] == ("DATE", "2024-05")


def test_timex_march_procession_is_not_a_month() -> None:
    found = _found("Thousands joined the annual March for Life on Capitol Hill.")
    assert found == {"annual": ("SET", "P1Y")}  # the yearly event is a SET; "March" no month
    assert _found("The march began in March.")["March"] == ("DATE", "2024-03")


def test_timex_day_within_a_month_of_the_anchor_stays_close() -> None:
    anchor = dt.date(2000, 1, 15)
    text = "The court ordered the agency to return the boy by Jan. 14."
    assert _found(text, anchor)["Jan. 14"] == ("DATE", "2000-01-14")
    assert _found("The offer runs through Feb. 3.", anchor)["Feb. 3"] == ("DATE", "2000-02-03")


def test_timex_week_of_a_date_is_that_week() -> None:
    found = _found("A hearing was set for the week of March 6, lawyers said.", dt.date(2000, 2, 24))
    assert found == {"the week of March 6": ("DATE", "2000-W10")}


def test_timex_month_and_day_without_year() -> None:
    text = "Voters go to the polls on November 5 in the US."
    assert _found(text)["November 5"] == ("DATE", "2024-11-05")


def test_timex_month_with_relative_year() -> None:
    text = "But in June last year, the leadership split."
    assert _found(text)["June last year"] == ("DATE", "2023-06")


# --------------------------------------------------------------------------- relative dates


def test_timex_relative_weekdays_follow_tense() -> None:
    text = (
        "Labour could win power this Thursday. Trump's team is our sister party, he told "
        "Bloomberg on Friday. The party is expected to win a majority on Thursday."
    )
    found = tag_timexes(text, ANCHOR)
    values = [(t.text, t.value) for t in found]
    assert ("this Thursday", "2024-07-04") in values
    assert ("Friday", "2024-06-28") in values
    assert ("Thursday", "2024-07-04") in values


def test_timex_set_to_is_a_schedule_and_set_alone_is_past() -> None:
    assert _found("Talks are set to resume Monday in Belfast.")["Monday"] == ("DATE", "2024-07-08")
    found = _found("The court set Friday as the deadline for an appeal.")
    assert found["Friday"] == ("DATE", "2024-06-28")
    assert _found("The singer died on Saturday.")["Saturday"] == ("DATE", "2024-06-29")


def test_timex_plan_in_past_perfect_points_back() -> None:
    text = "The offer had been scheduled to expire Friday, but it was extended."
    assert _found(text)["Friday"] == ("DATE", "2024-06-28")
    assert _found("The offer is scheduled to expire Friday.")["Friday"] == ("DATE", "2024-07-05")


def test_timex_weekday_on_the_anchor_day_is_the_anchor() -> None:
    assert _found("The minister resigned Tuesday.")["Tuesday"] == ("DATE", "2024-07-02")


def test_timex_weekday_with_part_of_day_is_a_time() -> None:
    assert _found("Shots were fired Friday night, police said.")["Friday night"] == (
        "TIME",
        "2024-06-28TNI",
    )


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Last weekend, as Labour finalised its plans, aides met.", "Last weekend", "2024-W26-WE"),
        ("The Nato summit in Washington next week begins soon.", "next week", "2024-W28"),
        ("Sales fell sharply last year.", "last year", "2023"),
        ("Speaking earlier this year, he warned of risks.", "earlier this year", "2024"),
        ("He is odds-on to win this year's US election.", "this year", "2024"),
        ("The treaty will be renewed next month.", "next month", "2024-08"),
        ("Turnover rose this month.", "this month", "2024-07"),
        ("Tensions could rise next year, analysts said.", "next year", "2025"),
    ],
)
def test_timex_relative_units(text: str, span: str, value: str) -> None:
    assert _found(text)[span] == ("DATE", value)


@pytest.mark.parametrize(
    ("text", "span", "type_", "value"),
    [
        ("The result was announced yesterday.", "yesterday", "DATE", "2024-07-01"),
        ("Polls close today at ten.", "today", "DATE", "2024-07-02"),
        ("Counting starts tomorrow.", "tomorrow", "DATE", "2024-07-03"),
        ("The leader faced fresh fury last night.", "last night", "TIME", "2024-07-01TNI"),
        ("Markets fell overnight in Asia.", "overnight", "TIME", "2024-07-02TNI"),
        ("He met Trump three days ago in New York.", "three days ago", "DATE", "2024-06-29"),
        ("I met him just a few weeks ago.", "a few weeks ago", "DATE", "PAST_REF"),
    ],
)
def test_timex_deictic_and_ago(text: str, span: str, type_: str, value: str) -> None:
    assert _found(text)[span] == (type_, value)


def test_timex_present_and_past_references() -> None:
    found = _found(
        "Officials are now preparing. The party has recently shifted; it currently leads "
        "the current polls, as in the past and the foreseeable future."
    )
    assert found["now"] == ("DATE", "PRESENT_REF")
    assert found["the past"] == ("DATE", "PAST_REF")
    assert found["the foreseeable future"] == ("DATE", "FUTURE_REF")
    # Not TIMEX3 in TempEval-3's conventions (issue 14).
    for word in ("currently", "current", "recently"):
        assert word not in found


def test_timex_in_n_units_with_future_tense_is_a_date() -> None:
    assert _found("The plant will reopen in two weeks.")["two weeks"] == ("DATE", "2024-W29")


def test_timex_anaphoric_next_day_counts_from_the_last_date() -> None:
    found = _found("He arrived on 3 March 2023. The next day he left.")
    assert found["The next day"] == ("DATE", "2023-03-04")


def test_timex_that_year_and_following_month_count_from_the_last_mention() -> None:
    found = _found("He fled in June 1998 and returned later that year.")
    assert found["later that year"] == ("DATE", "1998")
    found = _found("The board met on 3 April 2023. The following month, it sold the unit.")
    assert found["The following month"] == ("DATE", "2023-05")


def test_timex_quarters() -> None:
    found = _found("Profit rose in the second quarter. Fourth-quarter results disappointed.")
    assert found["the second quarter"] == ("DATE", "2024-Q2")
    # A quarter after the current one, in the past tense: last year's.
    assert found["Fourth-quarter"] == ("DATE", "2023-Q4")


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Such visits have been happening for decades.", "decades", "PXDE"),
        ("The meeting lasted two hours.", "two hours", "PT2H"),
        ("They were married for 14 years.", "14 years", "P14Y"),
        ("The strike lasted five days.", "five days", "P5D"),
        ("Plans for the first 100 days of government.", "the first 100 days", "P100D"),
        ("He gave them a week to decide.", "a week", "P1W"),
        ("They lived in camps for 2 1/2 years.", "2 1/2 years", "P2Y6M"),
        ("A three-year plan was agreed.", "three-year", "P3Y"),
        ("Prices fell over the past two months.", "the past two months", "P2M"),
        ("It has stood for more than 80 years.", "more than 80 years", "P80Y"),
    ],
)
def test_timex_durations(text: str, span: str, value: str) -> None:
    assert _found(text)[span] == ("DURATION", value)


# --------------------------------------------------------------------------- no false dates


def test_timex_first_time_in_years_is_a_duration_not_a_date() -> None:
    found = tag_timexes("Labour could come into power for the first time in 14 years.", ANCHOR)
    assert [(t.text, t.type, t.value) for t in found] == [("14 years", "DURATION", "P14Y")]


def test_timex_first_time_in_years_in_future_tense_is_still_a_duration() -> None:
    found = _found("It will be the first time in 14 years that the club plays there.")
    assert found == {"14 years": ("DURATION", "P14Y")}
    found = _found("Rates will stay at their highest level in 16 years.")
    assert found == {"16 years": ("DURATION", "P16Y")}


def test_timex_n_units_later_is_a_duration_without_later() -> None:
    found = _found("The bridge was closed. Three days later, it reopened.")
    assert found["Three days"] == ("DURATION", "P3D")
    assert _found("A few weeks later he resigned.")["A few weeks"] == ("DURATION", "PXW")


def test_timex_quarter_durations_count_quarters() -> None:
    assert _found("Losses grew in the past two quarters.")["the past two quarters"] == (
        "DURATION",
        "P2Q",
    )
    assert _found("Interest is paid every quarter.")["every quarter"] == ("SET", "P1Q")


def test_timex_quarter_and_half_codes() -> None:
    found = _found("Revenue fell in Q1 2023 and rose in Q4. Results for H1 2024 beat forecasts.")
    assert found["Q1 2023"] == ("DATE", "2023-Q1")
    # Q4 has not come round yet in July 2024: a past-tense Q4 is last year's.
    assert found["Q4"] == ("DATE", "2023-Q4")
    assert found["H1 2024"] == ("DATE", "2024-H1")
    assert _found("The Q7 and A4 models sold well.") == {}


def test_timex_year_period_takes_the_quarter_under_discussion() -> None:
    found = _found("Profit rose in the third quarter of 2024. In the 2023 period, it earned less.")
    assert found["the 2023 period"] == ("DATE", "2023-Q3")
    assert _found("Turnover fell in the 2023 season.")["the 2023 season"] == ("DATE", "2023")


def test_timex_generic_today_is_not_a_date() -> None:
    assert _found("Gadgets are everywhere in today's world.") == {}
    assert _found("We are choosing the leaders of tomorrow, he said.") == {}
    assert _found("Today's vote is close.")["Today"] == ("DATE", "2024-07-02")


def test_timex_in_one_day_is_a_duration() -> None:
    assert _found("The strike will end in one day.") == {"one day": ("DURATION", "P1D")}


def test_timex_overnight_is_the_night_of_the_document_date() -> None:
    found = _found("Rescue teams worked overnight to reach the village.")
    assert found["overnight"] == ("TIME", "2024-07-02TNI")


def test_timex_days_after_an_event_is_a_duration() -> None:
    found = _found("The summit begins five days after the general election.")
    assert found == {"five days": ("DURATION", "P5D")}


@pytest.mark.parametrize(
    "text",
    [
        "Some 100 party supporters gathered outside.",
        "The tickets cost £2000 each.",
        "The firm employs 2000 people in Leeds.",
        "Turnout rose 2,024 votes to 1,998.",
        "He may well win, and the result may be close.",
        "Theresa May said the vote was lost.",
        "May I ask a question?",
        "The second round of talks was a second chance.",
        "He was 52 years old when he died.",
        "Watch it on 60 Minutes and This Week with the panel.",
    ],
)
def test_timex_no_false_dates(text: str) -> None:
    dates = [t for t in tag_timexes(text, ANCHOR) if t.type in ("DATE", "TIME", "DURATION")]
    assert dates == [], dates


def test_timex_month_may_is_a_date_after_a_preposition() -> None:
    assert _found("The election was held in May.")["May"] == ("DATE", "2024-05")


# --------------------------------------------------------------------------- sets


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("The team met every week in London.", "every week", "P1W"),
        ("Labour talks to them on a daily basis.", "daily", "P1D"),
        ("The festival is held each year in July.", "each year", "P1Y"),
        ("They spoke several times a week.", "several times a week", "P1W"),
        ("Orangemen march each July.", "each July", "XXXX-07"),
    ],
)
def test_timex_sets(text: str, span: str, value: str) -> None:
    assert _found(text)[span] == ("SET", value)


# --------------------------------------------------------------------------- without an anchor


def test_timex_without_anchor_keeps_unknown_parts() -> None:
    found = _found("He arrived on Friday and left in September 2020; talks resume in May.", None)
    assert found["Friday"] == ("DATE", "XXXX-WXX-5")
    assert found["September 2020"] == ("DATE", "2020-09")
    assert found["May"] == ("DATE", "XXXX-05")


def test_timex_results_are_sorted_and_disjoint() -> None:
    text = "Last week, on Monday 1 July, and again yesterday morning, for two days, daily."
    found = tag_timexes(text, ANCHOR)
    assert found == sorted(found, key=lambda t: t.start)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
    for t in found:
        assert text[t.start : t.end] == t.text


def test_timex_empty_text() -> None:
    assert tag_timexes("", ANCHOR) == []


# --------------------------------------------------------------------------- TempEval-3 conventions


def test_timex_the_past_year_is_the_previous_year() -> None:
    found = _found("Hate groups grew over the past year, and in the past three years too.")
    assert found["the past year"] == ("DATE", "2023")
    assert found["the past three years"] == ("DURATION", "P3Y")


def test_timex_possessive_weekday_reads_as_past() -> None:
    # Anchor is Tuesday 2 July 2024: the future tense of the clause does not move the ruling.
    text = "Relatives said they would look for ways to get around Friday's ruling."
    assert _found(text)["Friday"] == ("DATE", "2024-06-28")
    assert _found("Officials will meet ahead of Friday's vote.")["Friday"] == ("DATE", "2024-07-05")


def test_timex_recent_adjective_is_not_tagged() -> None:
    found = _found("Police blamed the recent attacks on rebels, who recently moved north.")
    assert "recent" not in found
    assert "recently" not in found


def test_timex_every_season_is_a_set() -> None:
    assert _found("The festival takes place every summer.")["every summer"] == ("SET", "XXXX-SU")


def test_timex_season_of_year() -> None:
    found = _found("They met in the spring of 2012. The fall 2013 session was cut.")
    assert found["the spring of 2012"] == ("DATE", "2012-SP")
    assert found["The fall 2013"] == ("DATE", "2013-FA")


def test_timex_hundreds_are_centuries() -> None:
    found = _found("In the late 1800s the town grew; in the 1980s it shrank; the 2000s were calm.")
    assert found["the late 1800s"] == ("DATE", "18")
    assert found["the 1980s"] == ("DATE", "198")
    assert found["the 2000s"] == ("DATE", "200")


def test_timex_one_day_after_modal_is_future_ref() -> None:
    found = _found("He hopes solar power could one day replace coal. The strike lasted one day.")
    assert [v for k, v in found.items() if k == "one day"] == [("DURATION", "P1D")]
    spans = [(t.text, t.value) for t in tag_timexes("It could one day replace coal.", ANCHOR)]
    assert spans == [("one day", "FUTURE_REF")]


def test_timex_within_n_years_stays_a_duration() -> None:
    found = _found("The government will cut red tape within five years.")
    assert found["five years"] == ("DURATION", "P5Y")
    assert _found("In five years the plant will close.")["five years"] == ("DATE", "2029")


def test_timex_scheduled_present_points_ahead() -> None:
    # Anchor is Tuesday 2 July 2024: "ends Friday" is this week's Friday, not last week's.
    text = "He was jailed in 2005. The two-day summit ends Friday."
    assert _found(text)["Friday"] == ("DATE", "2024-07-05")


def test_timex_half_a_unit_is_a_half_duration() -> None:
    assert _found("The occupation has lasted over half a century.")["over half a century"] == (
        "DURATION",
        "P50Y",
    )
    assert _found("She waited half an hour for the bus.")["half an hour"] == ("DURATION", "PT30M")


def test_timex_at_present_is_present_ref() -> None:
    assert _found("At present there are no confirmed cases.") == {
        "present": ("DATE", "PRESENT_REF")
    }


def test_timex_as_of_today_is_the_day() -> None:
    assert _found("He said that as of today the club is worth more.")["today"] == (
        "DATE",
        "2024-07-02",
    )
    assert "tomorrow" not in _found("They are the leaders of tomorrow.")


def test_timex_capitalised_daily_in_a_name_is_not_a_set() -> None:
    assert _found("The captain told the Daily Beast the boats sat idle.") == {}
    assert _found("Deckhands can earn up to $200 daily.")["daily"] == ("SET", "P1D")


def test_timex_dotted_clock_with_time_zone() -> None:
    found = _found("Saturday 25 April 2009 22.09 BST A crew member fell ill.")
    assert found == {"Saturday 25 April 2009 22.09 BST": ("TIME", "2009-04-25T22:09")}
    assert _found("Shares fell 22.09 percent.") == {}


def test_timex_holiday_weekend_is_the_weekend() -> None:
    anchor = dt.date(2013, 11, 27)
    found = _found("Millions will travel over the Thanksgiving holiday weekend.", anchor)
    assert found == {"the Thanksgiving holiday weekend": ("DATE", "2013-W48-WE")}
    assert _found("We ate turkey on Thanksgiving.", anchor) == {
        "Thanksgiving": ("DATE", "2013-11-28")
    }


# --------------------------------------------------------------------------- hand-annotated checks
# Realistic news sentences written for these tests, each with the TIMEX3 spans, types and values
# expected against the anchor (the document date). Unit tests of the rules, not a benchmark.

_NEWS_ANCHOR = dt.date(2024, 11, 20)  # a Wednesday


def _expect(text: str, expected: list[tuple[str, str, str]], anchor: dt.date) -> None:
    got = [(t.text, t.type, t.value) for t in tag_timexes(text, anchor)]
    for item in expected:
        assert item in got, f"{item} not in {got} for {text!r}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Revenue grew every year in 2014-2015, the company said.",
            [("2014", "DATE", "2014"), ("2015", "DATE", "2015")],
        ),
        (
            "He coached the team in the 1968-69 season.",
            [("1968", "DATE", "1968"), ("69", "DATE", "1969")],
        ),
        (
            "The 2023–24 budget was cut by a fifth.",
            [("2023", "DATE", "2023"), ("24", "DATE", "2024")],
        ),
        (
            "Rainfall in 1999-2000 was the lowest on record.",
            [("1999", "DATE", "1999"), ("2000", "DATE", "2000")],
        ),
        ("The 1999-00 campaign ended badly.", [("1999", "DATE", "1999"), ("00", "DATE", "2000")]),
        (
            "During the 2008 - 2009 recession, exports fell.",
            [("2008", "DATE", "2008"), ("2009", "DATE", "2009")],
        ),
        (
            "Figures for 2021-22 show a rise in admissions.",
            [("2021", "DATE", "2021"), ("22", "DATE", "2022")],
        ),
        (
            "The survey, conducted in 2015-2019, covered 40 towns.",
            [("2015", "DATE", "2015"), ("2019", "DATE", "2019")],
        ),
        (
            "The 1914-1918 war changed the map of Europe.",
            [("1914", "DATE", "1914"), ("1918", "DATE", "1918")],
        ),
        (
            "The 2019-20 accounts were published on Monday.",
            [("2019", "DATE", "2019"), ("20", "DATE", "2020")],
        ),
    ],
)
def test_timex_year_range(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    "text",
    [
        "Call 1800-555-0199 for details.",
        "Between 1500-2000 people joined the march.",
        "Results were published on 2014-10-24.",
        "The rating fell from 2020-2019 levels.",
    ],
)
def test_timex_year_range_needs_a_range_of_years(text: str) -> None:
    got = [t for t in tag_timexes(text, _NEWS_ANCHOR) if t.method == "timex.year-range"]
    assert got == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The strike began at 1400 GMT and ended at 18:30 UTC.",
            [("1400 GMT", "TIME", "2024-11-20T14:00Z"), ("18:30 UTC", "TIME", "2024-11-20T18:30Z")],
        ),
        (
            "Troops crossed the border at 0600Z, a spokesman said.",
            [("0600Z", "TIME", "2024-11-20T06:00Z")],
        ),
        ("A curfew runs from 2130 hrs.", [("2130 hrs", "TIME", "2024-11-20T21:30")]),
        (
            "The launch is set for 1400 hours GMT.",
            [("1400 hours GMT", "TIME", "2024-11-20T14:00Z")],
        ),
        (
            "The quake struck on Tuesday at 10 a.m. GMT.",
            [("Tuesday at 10 a.m. GMT", "TIME", "2024-11-19T10:00Z")],
        ),
        ("Markets in London closed at 16:30 GMT.", [("16:30 GMT", "TIME", "2024-11-20T16:30Z")]),
        ("The bulletin went out at 2000 EST.", [("2000 EST", "TIME", "2024-11-20T20:00")]),
        ("Polls closed at 9 p.m. EST.", [("9 p.m. EST", "TIME", "2024-11-20T21:00")]),
        ("The deadline passed at midnight UTC.", [("midnight UTC", "TIME", "2024-11-20T24Z")]),
        ("Flights resumed at 0930 UTC on Wednesday.", [("0930 UTC", "TIME", "2024-11-20T09:30Z")]),
    ],
)
def test_timex_utc_and_military_time(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    "text", ["He scored 2000 points.", "The 1400 workers were sent home.", "It cost $1400 GMT."]
)
def test_timex_four_digit_number_without_a_zone_is_no_time(text: str) -> None:
    assert [t for t in tag_timexes(text, _NEWS_ANCHOR) if t.type == "TIME"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Retailers expect record sales on Cyber Monday.",
            [("Cyber Monday", "DATE", "2024-12-02")],
        ),
        (
            "Shoppers will queue overnight for Black Friday.",
            [("Black Friday", "DATE", "2024-11-29")],
        ),
        ("Crowds were thin on Black Friday 2023.", [("Black Friday 2023", "DATE", "2023-11-24")]),
        ("Lent will begin on Ash Wednesday.", [("Ash Wednesday", "DATE", "2025-03-05")]),
        ("Pancakes were served on Shrove Tuesday.", [("Shrove Tuesday", "DATE", "2024-02-13")]),
        ("Crowds gathered on Palm Sunday.", [("Palm Sunday", "DATE", "2024-03-24")]),
        ("The pope washed feet on Maundy Thursday.", [("Maundy Thursday", "DATE", "2024-03-28")]),
        ("Prices rose in Tokyo Monday.", [("Monday", "DATE", "2024-11-18")]),
        ("The Senate Tuesday passed the bill.", [("Tuesday", "DATE", "2024-11-19")]),
        ("Trading resumes on Monday.", [("Monday", "DATE", "2024-11-25")]),
    ],
)
def test_timex_named_day(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    "text",
    [
        "Voters in 15 states go to the polls on Super Tuesday.",
        "The families marched on Bloody Sunday, as they do every year.",
        "Campaigns spent heavily ahead of Super Tuesday.",
        "Nothing has changed since Bloody Sunday.",
    ],
)
def test_timex_named_day_is_not_a_weekday(text: str) -> None:
    weekdays = [t for t in tag_timexes(text, _NEWS_ANCHOR) if t.method == "timex.relative-weekday"]
    assert all(t.text not in ("Tuesday", "Sunday") for t in weekdays), weekdays


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Recovery takes between 6 and 9 months, doctors said.",
            [("6 and 9 months", "DURATION", "P6M")],
        ),
        ("The repairs will take 6-9 months.", [("6-9 months", "DURATION", "P6M")]),
        ("Delivery takes two to three weeks.", [("two to three weeks", "DURATION", "P2W")]),
        (
            "The works could last between two and four years.",
            [("two and four years", "DURATION", "P2Y")],
        ),
        ("He was jailed for 10–12 years.", [("10–12 years", "DURATION", "P10Y")]),
        ("They were held for three or four days.", [("three or four days", "DURATION", "P3D")]),
        ("She served 3 and 5 years in two prisons.", [("5 years", "DURATION", "P5Y")]),
        (
            "Waiting times of between 18 and 24 weeks are common.",
            [("18 and 24 weeks", "DURATION", "P18W")],
        ),
        ("Trials run for 12 to 18 months.", [("12 to 18 months", "DURATION", "P12M")]),
        (
            "The vaccine protects for between five and ten years.",
            [("five and ten years", "DURATION", "P5Y")],
        ),
    ],
)
def test_timex_number_range(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rail workers staged a single-day strike.", [("single-day", "DURATION", "P1D")]),
        ("The channel airs a half-hour bulletin.", [("half-hour", "DURATION", "PT30M")]),
        ("Teachers held a half-day walkout.", [("half-day", "DURATION", "PT12H")]),
        ("The three-day summit ended in Paris.", [("three-day", "DURATION", "P3D")]),
        ("It was the biggest single-day fall since March.", [("single-day", "DURATION", "P1D")]),
        ("A 10-year bond yields 4 percent.", [("10-year", "DURATION", "P10Y")]),
        ("After a two-week trial, the jury retired.", [("two-week", "DURATION", "P2W")]),
        ("A decades-long feud ended.", [("decades-long", "DURATION", "PXDE")]),
        ("A six-month moratorium was lifted.", [("six-month", "DURATION", "P6M")]),
        ("A 24-hour strike shut the port.", [("24-hour", "DURATION", "PT24H")]),
        ("They left their third day-long meeting.", [("day-long", "DURATION", "P1D")]),
        ("A year-long inquiry found no fault.", [("year-long", "DURATION", "P1Y")]),
        ("An hour-long debate followed.", [("hour-long", "DURATION", "PT1H")]),
    ],
)
def test_timex_adjectival_duration(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recovery can take weeks, doctors warn.", [("weeks", "DURATION", "PXW")]),
        ("Repairs could take months.", [("months", "DURATION", "PXM")]),
        ("Talks lasted days, then collapsed.", [("days", "DURATION", "PXD")]),
        ("The drought could last years.", [("years", "DURATION", "PXY")]),
        ("He spent decades in exile.", [("decades", "DURATION", "PXDE")]),
        ("Voters waited hours to cast ballots.", [("hours", "DURATION", "PTXH")]),
        ("A ruling may take weeks or months.", [("weeks or months", "DURATION", "PXW")]),
        ("The inquiry is expected to take years.", [("years", "DURATION", "PXY")]),
        ("The deal is set to last two years.", [("two years", "DURATION", "P2Y")]),
        ("Residents have waited for years.", [("years", "DURATION", "PXY")]),
        ("Families spent days searching the rubble.", [("days", "DURATION", "PXD")]),
    ],
)
def test_timex_bare_plural_duration(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


def test_timex_last_years_as_an_adjective_stays() -> None:
    found = _found("He spent the last years of his life in Paris.")
    assert found["the last years"] == ("DURATION", "PXY")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The trial opens in the first week of May 2025.",
            [("the first week of May 2025", "DATE", "2025-W18")],
        ),
        (
            "Sales slumped in the last week of June 2023.",
            [("the last week of June 2023", "DATE", "2023-W26")],
        ),
        (
            "Talks resume in the second week of Sept. 2024.",
            [("the second week of Sept. 2024", "DATE", "2024-W37")],
        ),
        (
            "Ballots must arrive by the third week of January.",
            [("the third week of January", "DATE", "2025-W03")],
        ),
        (
            "Snow fell in the first week of November.",
            [("the first week of November", "DATE", "2024-W45")],
        ),
        (
            "Shops were busy in the final week of October.",
            [("the final week of October", "DATE", "2024-W44")],
        ),
        (
            "The plant will reopen in the fourth week of February.",
            [("the fourth week of February", "DATE", "2025-W09")],
        ),
        (
            "Prices peaked in the first week of March 2022.",
            [("the first week of March 2022", "DATE", "2022-W09")],
        ),
        (
            "The audit ends the last week of December 2024.",
            [("the last week of December 2024", "DATE", "2024-W52")],
        ),
        (
            "Exams were held in the second week of June 2019.",
            [("the second week of June 2019", "DATE", "2019-W24")],
        ),
    ],
)
def test_timex_week_of_month(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shares in the bank rose 3 percent on the day.", [("the day", "DATE", "2024-11-20")]),
        ("Markets in Europe closed for the day.", [("the day", "DATE", "2024-11-20")]),
        (
            "On Monday, the FTSE 100 fell 2% over the day.",
            [("Monday", "DATE", "2024-11-18"), ("the day", "DATE", "2024-11-18")],
        ),
        (
            "Oil fell on Nov. 12 and ended down 4 percent on the day.",
            [("Nov. 12", "DATE", "2024-11-12"), ("the day", "DATE", "2024-11-12")],
        ),
        ("The striker scored twice on the day.", [("the day", "DATE", "2024-11-20")]),
        ("He flew to Kyiv later in the day.", [("the day", "DATE", "2024-11-20")]),
        (
            "Blasts hit two embassies on Friday; the ministry spoke earlier in the day.",
            [("Friday", "DATE", "2024-11-15"), ("the day", "DATE", "2024-11-15")],
        ),
        (
            "The index was little changed on the day, traders said.",
            [("the day", "DATE", "2024-11-20")],
        ),
    ],
)
def test_timex_anaphoric_the_day(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    "text",
    [
        "On the day of the vote, rain fell.",
        "I remember the day he left.",
        "Crowds gathered on the day before the funeral.",
        "Tickets for the day's matches sold out.",
        "He was happy for the day-long visit.",
        "Back in the day, the town had three cinemas.",
    ],
)
def test_timex_the_day_of_something_is_not_the_day(text: str) -> None:
    assert [t for t in tag_timexes(text, _NEWS_ANCHOR) if t.text == "the day"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sales rose 4 percent from the same month a year ago.",
            [("the same month a year ago", "DATE", "2023-11")],
        ),
        (
            "Footfall was below the same week last year.",
            [("the same week last year", "DATE", "2023-W47")],
        ),
        (
            "Traffic on Nov. 3 beat the same day a year earlier.",
            [
                ("Nov. 3", "DATE", "2024-11-03"),
                ("the same day a year earlier", "DATE", "2023-11-03"),
            ],
        ),
        (
            "Crowds were smaller than on the same weekend two years earlier.",
            [("the same weekend two years earlier", "DATE", "2022-W47-WE")],
        ),
        (
            "Exports fell compared with the same month last year.",
            [("the same month last year", "DATE", "2023-11")],
        ),
        (
            "Profit rose from the same quarter a year earlier.",
            # No quarter named: the one being reported, the last to have ended (Q3 2024).
            [("the same quarter a year earlier", "DATE", "2023-Q3")],
        ),
        ("Prices were up from a year earlier.", [("a year earlier", "DATE", "2023")]),
        ("The plant will close ten years from now.", [("ten years from now", "DATE", "2034")]),
        ("Ballots are due two weeks from today.", [("two weeks from today", "DATE", "2024-W49")]),
        ("A year from now, the bridge will open.", [("A year from now", "DATE", "2025")]),
        (
            "Nobody will remember this decades from now.",
            [("decades from now", "DATE", "FUTURE_REF")],
        ),
    ],
)
def test_timex_compound_expression(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'In an email dated March 3, 2019, she wrote: "I will see you on Friday."',
            [("March 3, 2019", "DATE", "2019-03-03"), ("Friday", "DATE", "2019-03-08")],
        ),
        (
            "In a letter sent on June 2, he wrote: “Yesterday the board met.” He resigned yesterday.",
            [("Yesterday", "DATE", "2024-06-01"), ("yesterday", "DATE", "2024-11-19")],
        ),
        (
            'A memo dated Oct. 14, 2021, said: "The audit starts tomorrow."',
            [("tomorrow", "DATE", "2021-10-15")],
        ),
        (
            'In a text message on Sept. 9, 2023, he told her: "We meet next week."',
            [("next week", "DATE", "2023-W37")],
        ),
        (
            'The diary entry for 4 August 1914 reads: "War was declared today."',
            [("today", "DATE", "1914-08-04")],
        ),
        (
            'His letter of May 1, 2020, warned: "Last month was the worst on record."',
            [("Last month", "DATE", "2020-04")],
        ),
        (
            'On March 3, 2019, she said: "I will see you on Friday."',
            [("Friday", "DATE", "2024-11-22")],
        ),
        (
            'In an email dated March 3, 2019, she wrote: "We met Monday." The deal closed Monday.',
            [("Monday", "DATE", "2019-02-25"), ("Monday", "DATE", "2024-11-18")],
        ),
    ],
)
def test_timex_quoted_correspondence(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 2016 study found the effect was small.", [("2016", "DATE", "2016")]),
        ("Turnout in the 2016 elections was low.", [("2016", "DATE", "2016")]),
        ("His 2005 memoirs sold well.", [("2005", "DATE", "2005")]),
        ("Its 1999 results were restated.", [("1999", "DATE", "1999")]),
        ("The 2020 Olympics were postponed.", [("2020", "DATE", "2020")]),
        ("She cited a 2019 Pew survey.", [("2019", "DATE", "2019")]),
        ("Their 2012 accounts show a loss.", [("2012", "DATE", "2012")]),
        ("In a 2018 interview, he denied it.", [("2018", "DATE", "2018")]),
        ("The 1986 disaster forced an evacuation.", [("1986", "DATE", "1986")]),
        ("The 2011 floods destroyed the town.", [("2011", "DATE", "2011")]),
    ],
)
def test_timex_year_before_noun(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    "text", ["He said 1500 people came.", "The 2000 troops arrived.", "About 1200 homes flooded."]
)
def test_timex_count_before_plural_noun_is_no_year(text: str) -> None:
    assert _found("Both are in their 70's.") == {}
    assert [t for t in tag_timexes(text, _NEWS_ANCHOR) if t.method == "timex.year"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Disco returned from the '70s.", [("the '70s", "DATE", "197")]),
        ("Music of the ’80s is back.", [("the ’80s", "DATE", "198")]),
        ("The mid-'90s boom ended badly.", [("The mid-'90s", "DATE", "199")]),
        ("Prices rose through the 1990s.", [("the 1990s", "DATE", "199")]),
        ("In the 1990's, the firm grew.", [("the 1990's", "DATE", "199")]),
        ("The law was passed in the seventies.", [("the seventies", "DATE", "197")]),
        ("Fashion from the 70's is back.", [("the 70's", "DATE", "197")]),
        ("It peaked in the early 80's.", [("the early 80's", "DATE", "198")]),
        ("The law will take effect June 1st.", [("June 1st", "DATE", "2025-06-01")]),
        ("It was signed on June 1st, 2023.", [("June 1st, 2023", "DATE", "2023-06-01")]),
        ("Polls open on the 1st of December.", [("the 1st of December", "DATE", "2024-12-01")]),
        ("The fossil dates from 3,000 years ago.", [("3,000 years ago", "DATE", "PAST_REF")]),
        ("The site has 10,000 years of history.", [("10,000 years", "DURATION", "P10000Y")]),
    ],
)
def test_timex_decade_and_ordinal_day(text: str, expected: list[tuple[str, str, str]]) -> None:
    _expect(text, expected, _NEWS_ANCHOR)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("In 1999 and 2000 prices rose.", "2000"),
        ("From 1999 to 2004 sales fell.", "2004"),
        ("By 2020 prices will double.", "2020"),
    ],
)
def test_timex_year_after_a_cue_before_a_plural_noun(text: str, year: str) -> None:
    assert _found(text)[year] == ("DATE", year)


def test_timex_years_before_the_common_era() -> None:
    found = _found("Bowls from between 1200 BC and 800 B.C. were found, and one from 9500 BCE.")
    assert found["800 B.C."] == ("DATE", "BC0800")
    assert found["9500 BCE"] == ("DATE", "BC9500")
    assert "1200 BC" in found and found["1200 BC"] == ("DATE", "BC1200")


def test_timex_half_of_a_year_is_its_half() -> None:
    found = _found("A model arrives in the first half of 2025, after the last half of 1989.")
    assert found["the first half of 2025"] == ("DATE", "2025-H1")
    assert found["the last half of 1989"] == ("DATE", "1989-H2")


def test_timex_clock_time_takes_the_day_named_after_it() -> None:
    # The anchor is Tuesday 2 July 2024.
    found = _found(
        "Stores opened at 5am on Friday. The capsule will dock at 03:00 GMT on Saturday."
    )
    assert found["5am"] == ("TIME", "2024-06-28T05:00")
    assert found["03:00 GMT"] == ("TIME", "2024-07-06T03:00Z")
    assert found["Saturday"] == ("DATE", "2024-07-06")
    place = _found("Shares were up 20% at 10:15 a.m. in New York on Monday.")
    assert place["10:15 a.m."] == ("TIME", "2024-07-01T10:15")


def test_timex_tense_comes_from_the_expressions_own_clause() -> None:
    # "will" is as near as "arrived", but across a comma: the relative clause decides.
    found = _found("The previous crew, who arrived in March, will return next week.")
    assert found["March"] == ("DATE", "2024-03")
    assert _found("The new crew will arrive in March.")["March"] == ("DATE", "2025-03")


def test_timex_weak_future_cue_in_a_past_clause_points_back() -> None:
    anchor = dt.date(2019, 11, 20)
    found = _found("Officials knew of the pressure campaign by mid-July.", anchor)
    assert found["mid-July"] == ("DATE", "2019-07")
    ahead = _found("The report is due by mid-July.", anchor)
    assert ahead["mid-July"] == ("DATE", "2020-07")


def test_timex_day_range_second_end_is_its_own_date() -> None:
    found = _found("The council meets on July 17-18, and the summit ran March 3–5.")
    assert found["July 17"] == ("DATE", "2024-07-17")
    assert found["18"] == ("DATE", "2024-07-18")
    assert found["5"] == ("DATE", "2024-03-05")
    assert "3" not in _found("Shares rose 17-3 on July 4.")


def test_timex_compound_duration_is_one_length() -> None:
    found = _found("He won in two hours and 44 minutes after a year and six months away.")
    assert found["two hours and 44 minutes"] == ("DURATION", "PT2H44M")
    assert found["a year and six months"] == ("DURATION", "P1Y6M")
    mixed = _found("The trial took three days and four hours.")
    assert mixed["three days and four hours"] == ("DURATION", "P3DT4H")


def test_timex_month_after_a_is_generic_unless_it_modifies_a_noun() -> None:
    assert _found("The highest for a January since 2021.")["January"] == ("DATE", "XXXX-01")
    assert _found("Under a June agreement, it sold.")["June"] == ("DATE", "2024-06")


def test_timex_annual_adjective_is_a_set() -> None:
    assert _found("The grocer said annual profit would fall.")["annual"] == ("SET", "P1Y")
    assert "quarterly" not in _found("It cut its quarterly dividend.")


def test_timex_day_in_a_past_clause_points_back_beyond_a_month() -> None:
    anchor = dt.date(2011, 3, 4)
    assert _found("The spill began on April 20.", anchor)["April 20"] == ("DATE", "2010-04-20")
    # A past verb moving a deadline: the nearest reading.
    assert _found("It was extended to April 20.", anchor)["April 20"] == ("DATE", "2011-04-20")


def test_timex_super_tuesday_is_the_primaries_day_of_an_election_year() -> None:
    found = _found("Voters head to the polls on Super Tuesday.", dt.date(2024, 2, 28))
    assert found["Super Tuesday"] == ("DATE", "2024-03-05")
    assert _found("On Super Tuesday 2008 he won.")["Super Tuesday 2008"] == ("DATE", "2008-02-05")
    assert "Tuesday" not in _found("Voters head to the polls on Super Tuesday.")


def test_timex_adjectival_length_after_a_count_is_one_length() -> None:
    found = _found("He served two four-year terms and called a twenty-four-hour strike.")
    assert found["four-year"] == ("DURATION", "P4Y")
    assert found["twenty-four-hour"] == ("DURATION", "PT24H")


def test_timex_day_range_with_and() -> None:
    found = _found("The summit on March 3 and 4 ended.")
    assert found["4"] == ("DATE", "2024-03-04")
    assert "4" not in _found("On March 3 and 4 people died.")


def test_timex_over_before_a_count_is_the_preposition() -> None:
    found = _found("She recorded 40 albums over six decades and waited over an hour.")
    assert found["six decades"] == ("DURATION", "P60Y")
    assert found["over an hour"] == ("DURATION", "PT1H")


def test_timex_bare_half_is_a_half_of_the_year() -> None:
    found = _found("Operating profit for the first half was £223m.")
    assert found["the first half"] == ("DATE", "2024-H1")
    assert "the first half" not in _found("He scored in the first half's last minute.")


def test_timex_modal_can_and_could_point_ahead() -> None:
    # The anchor is Tuesday 2 July 2024.
    assert _found("City can clinch the title on Sunday.")["Sunday"] == ("DATE", "2024-07-07")
    assert _found("Winds could reach 80mph on Thursday.")["Thursday"] == ("DATE", "2024-07-04")


def test_timex_day_in_the_present_tense_is_a_schedule() -> None:
    anchor = dt.date(2024, 2, 28)
    assert _found("The election is on November 5.", anchor)["November 5"] == (
        "DATE",
        "2024-11-05",
    )


# --------------------------------------------------------------------------- issue 14, news4


def test_timex_weekday_plural_noun_is_no_future_cue() -> None:
    # "their title hopes": a noun, not "hopes to" (a Sunday paper's Saturday is the day before).
    sunday = dt.date(2025, 2, 23)
    text = "Arsenal beat Tottenham 2-1 on Saturday, keeping their title hopes alive."
    assert _one(text, "Saturday", sunday).value == "2025-02-22"
    # The verb still looks ahead.
    assert _one("She hopes to sign on Saturday.", "Saturday", sunday).value == "2025-03-01"


def test_timex_month_naming_a_record_is_behind_the_anchor() -> None:
    april = dt.date(2025, 4, 9)
    text = "The index is 20% below its July record."
    assert _one(text, "July", april).value == "2024-07"
    assert _one("Gold is near its April high.", "April", april).value == "2025-04"
    # Without such a noun, a present-tense month ahead stays ahead.
    assert _one("The index is expected to recover in July.", "July", april).value == "2025-07"


def test_timex_month_of_that_year_is_one_expression_in_the_year_discussed() -> None:
    text = "The flu emerged in March 2009. By June of that year it was a pandemic."
    assert _found(text)["June of that year"] == ("DATE", "2009-06")
    later = "He won in 2004 and lost in May of the following year, in the summer of that year."
    found = _found(later)
    assert found["May of the following year"] == ("DATE", "2005-05")
    # The following year moved the year under discussion.
    assert found["the summer of that year"] == ("DATE", "2005-SU")


def test_timex_military_hours_after_at_or_with_a_leading_zero_are_clock_times() -> None:
    assert _found("The launch is at 1430 hours.")["1430 hours"] == ("TIME", "2024-07-02T14:30")
    assert _found("Troops moved at 0600 hours.")["0600 hours"] == ("TIME", "2024-07-02T06:00")
    # A count of hours stays a duration.
    assert _found("They logged 1500 hours of flight time.")["1500 hours"][0] == "DURATION"


def test_timex_page_stamp_clock_takes_the_date_after_an_abbreviated_weekday() -> None:
    wednesday = dt.date(2024, 5, 15)
    (stamp,) = tag_timexes("Updated 3:45 PM ET, Tue May 14, 2024", wednesday)
    assert (stamp.type, stamp.value) == ("TIME", "2024-05-14T15:45")


def test_timex_the_week_ended_a_day_is_that_days_week() -> None:
    wednesday = dt.date(2024, 5, 15)  # ISO week 20
    found = _found("Stocks rose in the week ended May 10, data showed.", wednesday)
    assert found["the week"] == ("DATE", "2024-W19")
    # A week with no day after it is still the document's.
    assert _found("Stocks rose this week.", wednesday)["this week"] == ("DATE", "2024-W20")


def test_timex_fixture_in_the_present_tense_is_ahead() -> None:
    # A Friday: the fixtures' present tense ("host", "travel to", "goes on display") is a
    # schedule, so the weekday is the coming one; "since March" on the right is another
    # expression's word, not this one's tense.
    friday = dt.date(2025, 9, 12)
    text = "Celtic host Rangers on Saturday in the first game since March."
    assert _found(text, friday)["Saturday"] == ("DATE", "2025-09-13")
    text = "Celtic then travel to Munich to face Bayern on Wednesday."
    assert _found(text, friday)["Wednesday"] == ("DATE", "2025-09-17")
    text = "A letter he wrote 80 years ago goes on display on Monday."
    assert _found(text, friday)["Monday"] == ("DATE", "2025-09-15")


def test_timex_noun_like_present_verb_is_no_tense() -> None:
    # "head of" is a noun: the weekday keeps the past reading of a news report.
    text = "On Wednesday, Ricardo Alarcon, head of the assembly and the man in charge of talks."
    assert _found(text, dt.date(2000, 2, 10))["Wednesday"] == ("DATE", "2000-02-09")


def test_timex_attribution_after_a_comma_does_not_set_the_tense() -> None:
    # "forecasters said" dates the report, not the storm: the nearer "said" used to win over
    # the clause's "will" and put Thursday behind the anchor.
    text = "Heavy rain will spread north, reaching Scotland on Thursday, forecasters said."
    assert _found(text, dt.date(2023, 10, 10))["Thursday"] == ("DATE", "2023-10-12")


def test_timex_yearless_day_after_a_full_date_of_another_year_takes_its_year() -> None:
    text = "A letter dated June 2, 1944 is on show. Hale landed in Normandy on June 6."
    assert _found(text, dt.date(2024, 6, 7))["June 6"] == ("DATE", "1944-06-06")
    # Far from that date (months away, or long after it in the text) the anchor decides.
    text = "He was born on June 2, 1944. The exhibition opens on December 6."
    assert _found(text, dt.date(2024, 6, 7))["December 6"] == ("DATE", "2024-12-06")


def test_timex_quoted_letter_counts_its_own_days_from_its_last_day() -> None:
    text = 'In the letter, dated June 2, 1944, he wrote: "We sail tomorrow or the day after."'
    found = _found(text, dt.date(2024, 6, 7))
    assert found["tomorrow"] == ("DATE", "1944-06-03")
    assert found["the day after"] == ("DATE", "1944-06-04")


def test_timex_that_season_is_the_season_of_the_time_discussed() -> None:
    text = (
        "The river flooded in March 2022. That spring it rose twice. She reopened the "
        "following winter."
    )
    found = _found(text, dt.date(2025, 5, 18))
    assert found["That spring"] == ("DATE", "2022-SP")
    assert found["the following winter"] == ("DATE", "2022-WI")
    text = "The cold came in January 2022. That winter was long. The previous summer was dry."
    found = _found(text, dt.date(2025, 5, 18))
    assert found["That winter"] == ("DATE", "2021-WI")
    assert found["The previous summer"] == ("DATE", "2021-SU")
    assert _found("It opened in 1998. That summer it flooded.")["That summer"] == (
        "DATE",
        "1998-SU",
    )


def test_timex_far_plan_in_the_sentence_sets_the_tense() -> None:
    # "will" stands beyond the nine-word window; the whole sentence is read for a plan.
    text = (
        "Eileen Collins will be named commander of the Space Shuttle Columbia for a mission "
        "in December."
    )
    assert _found(text, dt.date(1998, 3, 4))["December"] == ("DATE", "1998-12")


def test_timex_far_past_verb_does_not_override_the_nearest_month() -> None:
    # Only a plan counts from beyond the window: the far "had" leaves "November" the nearest.
    text = (
        "Traders had come in early in the morning to start the first trading day for November "
        "transactions."
    )
    assert _found(text, dt.date(1989, 10, 30))["November"] == ("DATE", "1989-11")


def test_timex_next_to_is_a_place_not_a_plan() -> None:
    text = (
        "More than 100 people have been killed and more than 1,000 others wounded in the blasts "
        "next to the U.S. embassies in Kenya and Tanzania on Friday."
    )
    assert _found(text, dt.date(1998, 8, 8))["Friday"] == ("DATE", "1998-08-07")


def test_timex_un_participle_is_an_adjective_and_irregular_pasts_count() -> None:
    # "unspecified" is no past tense: "would be paid" decides, January is ahead.
    text = "The split would be paid on a still unspecified date in January to holders."
    assert _found(text, dt.date(1989, 10, 26))["January"] == ("DATE", "1990-01")
    # "tore" is a past tense the "-ed" test cannot see.
    text = "The bullet could not be stopped; it tore through his window and into him Friday."
    assert _found(text, dt.date(1998, 10, 25))["Friday"] == ("DATE", "1998-10-23")


def test_timex_through_a_month_takes_the_nearest_reading() -> None:
    # "through" ends periods behind and ahead alike: the nearest reading decides.
    loans = "The group of lenders offers revolving loans through January."
    assert _found(loans, dt.date(1989, 10, 30))["January"] == ("DATE", "1990-01")
    sales = "Sales this year through August were weak."
    assert _found(sales, dt.date(1989, 10, 27))["August"] == ("DATE", "1989-08")


def test_timex_holiday_within_a_month_is_the_nearest_one() -> None:
    anchor = dt.date(2013, 11, 27)
    assert _found("We ate turkey on Thanksgiving.", anchor)["Thanksgiving"] == (
        "DATE",
        "2013-11-28",
    )
    # Months away, the tense still decides.
    assert _found("We ate chocolate at Easter.", anchor)["Easter"] == ("DATE", "2013-03-31")


def test_timex_this_weekend_midweek_is_the_coming_one() -> None:
    wednesday = dt.date(2025, 6, 4)  # ISO week 23
    text = "Passengers were told to check before travelling this weekend."
    assert _found(text, wednesday)["this weekend"] == ("DATE", "2025-W23-WE")
    # "ahead of" points forward even from a Monday, when "the weekend" is usually the last one.
    text = "Traders had chosen to square positions ahead of the weekend."
    assert _found(text, dt.date(1989, 10, 30))["the weekend"] == ("DATE", "1989-W44-WE")
    # A past clause early in the week still means the weekend just gone.
    assert _found("Sales rose over the weekend.", dt.date(1989, 10, 30))["the weekend"] == (
        "DATE",
        "1989-W43-WE",
    )


def test_timex_eval_news_set_skips_datelines_on_both_sides(tmp_path: Path) -> None:
    from eval import timex as ev

    gold = tmp_path / "set.txt"
    gold.write_text(
        "=== wire dct=2025-04-04\n"
        "LONDON, [[April 4|SKIP|2025-04-04]] (Reuters) - A jury convicted him on "
        "[[Friday|DATE|2025-04-04]].\n",
        encoding="utf-8",
    )
    (doc,) = ev.load_news2(gold)
    assert [(g.type, g.value) for g in doc.gold] == [("DATE", "2025-04-04")]
    assert doc.skip == ((8, 15),)
    c = ev.score_doc(doc, tag_timexes(doc.text, doc.anchor))
    # The tagger reads the dateline too; it is neither a false alarm nor a hit.
    assert (c.gold, c.system, c.strict) == (1, 1, 1)
