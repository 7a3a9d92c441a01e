"""Dates as people also write them (issue 10, classes 2, 3, 4, 7, 8 and 9).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

import pytest

from tests.parsing.reading import at, check, run


def one_off(text: str, message: str, occurrence: list[str]) -> None:
    check(text, message, occurrence, None)


# Class 2: the nth weekday of a month, one-off.
NTH_WEEKDAY = [
    pytest.param(
        "remind me on the second Thursday of July to plan the party",
        "plan the party",
        at("09:00", "2027-07-08"),
        id="second_thursday_of_july",
    ),
    pytest.param(
        "remind me the last Sunday of June to plan the party",
        "plan the party",
        at("09:00", "2027-06-27"),
        id="last_sunday_of_june",
    ),
    pytest.param(
        "remind me the first Monday of next month to plan the party",
        "plan the party",
        at("09:00", "2026-12-07"),
        id="first_monday_of_next_month",
    ),
    pytest.param(
        "remind me the last Friday of this month to plan the party",
        "plan the party",
        at("09:00", "2026-11-27"),
        id="last_friday_of_this_month",
    ),
    pytest.param(
        "remind me on the third Tuesday of March 2027 at 10 to plan the party",
        "plan the party",
        at("10:00", "2027-03-16"),
        id="third_tuesday_of_march_with_year_and_time",
    ),
    pytest.param(
        "påmind mig den anden torsdag i juli om festen",
        "festen",
        at("09:00", "2027-07-08"),
        id="da_den_anden_torsdag_i_juli",
    ),
    pytest.param(
        "påmind mig den sidste søndag i juni om festen",
        "festen",
        at("09:00", "2027-06-27"),
        id="da_den_sidste_soendag_i_juni",
    ),
    pytest.param(
        "påmind mig den første mandag i næste måned om festen",
        "festen",
        at("09:00", "2026-12-07"),
        id="da_den_foerste_mandag_i_naeste_maaned",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrence"), NTH_WEEKDAY)
def test_nth_weekday_of_a_month(text: str, message: str, occurrence: list[str]) -> None:
    one_off(text, message, occurrence)


def test_a_fifth_weekday_that_never_comes_is_invalid() -> None:
    assert run("remind me on the fifth Monday of February to x") == {
        "ok": False,
        "error": "invalid_date",
    }


# Class 3: a day of month without "the", or as an ordinal word.
DAY_OF_MONTH = [
    pytest.param(
        "remind me on 9th to pay rent", "pay rent", at("09:00", "2026-12-09"), id="on_9th"
    ),
    pytest.param(
        "remind me on the second to pay rent",
        "pay rent",
        at("09:00", "2026-12-02"),
        id="on_the_second",
    ),
    pytest.param(
        "remind me june third to book", "book", at("09:00", "2027-06-03"), id="june_third"
    ),
    pytest.param(
        "remind me April first to prank Bo", "prank Bo", at("09:00", "2027-04-01"), id="april_first"
    ),
    pytest.param(
        "remind me on the twenty-first of December to x",
        "x",
        at("09:00", "2026-12-21"),
        id="twenty_first_of_december",
    ),
    pytest.param(
        "remind me the thirty first to x", "x", at("09:00", "2026-12-31"), id="thirty_first"
    ),
    pytest.param(
        "remind me on the fifteenth at 3pm to x",
        "x",
        at("15:00", "2026-12-15"),
        id="fifteenth_with_time",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrence"), DAY_OF_MONTH)
def test_day_of_month_forms(text: str, message: str, occurrence: list[str]) -> None:
    one_off(text, message, occurrence)


@pytest.mark.parametrize(
    ("text", "message", "occurrences", "rrule"),
    [
        pytest.param(
            "remind me 12th of every month to pay rent",
            "pay rent",
            at("09:00", "2026-12-12", "2027-01-12", "2027-02-12"),
            "FREQ=MONTHLY;BYMONTHDAY=12;BYHOUR=9;BYMINUTE=0",
            id="12th_of_every_month",
        ),
        pytest.param(
            "remind me on the first of every month to pay rent",
            "pay rent",
            at("09:00", "2026-12-01", "2027-01-01", "2027-02-01"),
            "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
            id="first_of_every_month",
        ),
        pytest.param(
            "påmind mig den 12. i hver måned om husleje",
            "husleje",
            at("09:00", "2026-12-12", "2027-01-12", "2027-02-12"),
            "FREQ=MONTHLY;BYMONTHDAY=12;BYHOUR=9;BYMINUTE=0",
            id="da_den_12_i_hver_maaned",
        ),
    ],
)
def test_day_of_every_month(text: str, message: str, occurrences: list[str], rrule: str) -> None:
    check(text, message, occurrences, rrule)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remind me on the second floor tomorrow", "on the second floor"),
        ("remind me to read the fourth chapter tomorrow", "read the fourth chapter"),
        ("remind me to read the 4th chapter tomorrow", "read the 4th chapter"),
        ("remind me on 9th floor at 5pm", "on 9th floor"),
        ("remind me to set up the second monitor on friday", "set up the second monitor"),
    ],
)
def test_a_day_number_before_a_noun_stays_in_the_message(text: str, message: str) -> None:
    assert run(text)["message"] == message


# Class 4: a weekday of next week.
NEXT_WEEK = [
    pytest.param(
        "remind me thursday of next week to call Bo", at("09:00", "2026-12-03"), id="of_next_week"
    ),
    pytest.param(
        "remind me thursday, next week to call Bo", at("09:00", "2026-12-03"), id="comma_next_week"
    ),
    pytest.param(
        "remind me monday the week after next to call Bo",
        at("09:00", "2026-12-07"),
        id="week_after_next",
    ),
    pytest.param(
        "remind me on friday the week after next at 3pm to call Bo",
        at("15:00", "2026-12-11"),
        id="week_after_next_with_time",
    ),
    pytest.param(
        "remind me monday after next to call Bo", at("09:00", "2026-12-07"), id="monday_after_next"
    ),
    pytest.param(
        "påmind mig torsdag i næste uge om at ringe til Bo",
        at("09:00", "2026-12-03"),
        id="da_i_naeste_uge",
    ),
    pytest.param(
        "påmind mig mandag ugen efter næste om at ringe til Bo",
        at("09:00", "2026-12-07"),
        id="da_ugen_efter_naeste",
    ),
]


@pytest.mark.parametrize(("text", "occurrence"), NEXT_WEEK)
def test_weekday_of_next_week(text: str, occurrence: list[str]) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert result["occurrences"] == occurrence
    assert result["message"] in ("call Bo", "ringe til Bo")


# Class 7: abbreviations with a trailing period.
PERIODS = [
    pytest.param("remind me on fri. to call Bo", at("09:00", "2026-11-27"), id="fri_dot"),
    pytest.param("remind me aug. 14 to call Bo", at("09:00", "2027-08-14"), id="aug_dot_14"),
    pytest.param("remind me Tue. at 3 to call Bo", at("15:00", "2026-11-24"), id="tue_dot_at_3"),
    pytest.param("remind me Sept. 1st to call Bo", at("09:00", "2027-09-01"), id="sept_dot_1st"),
    pytest.param(
        "remind me on Wed. at 9 to call Bo", at("09:00", "2026-11-25"), id="guarded_wed_dot"
    ),
    pytest.param(
        "påmind mig på fre. kl. 9 om at ringe til Bo", at("09:00", "2026-11-27"), id="da_fre_dot"
    ),
]


@pytest.mark.parametrize(("text", "occurrence"), PERIODS)
def test_abbreviation_with_a_period(text: str, occurrence: list[str]) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert result["occurrences"] == occurrence
    assert result["message"] in ("call Bo", "ringe til Bo")


def test_a_sentence_end_after_sun_is_not_a_weekday() -> None:
    assert run("remind me at 3pm to sit in the sun.")["message"] == "sit in the sun"


# Class 8: the end of a week, month or day.
END_OF = [
    pytest.param(
        "remind me end of the week to file", at("17:00", "2026-11-27"), id="end_of_the_week"
    ),
    pytest.param(
        "remind me end of next week to file", at("17:00", "2026-12-04"), id="end_of_next_week"
    ),
    pytest.param(
        "remind me by the end of the month to file",
        at("17:00", "2026-11-30"),
        id="by_the_end_of_the_month",
    ),
    pytest.param(
        "remind me end of next month to file", at("17:00", "2026-12-31"), id="end_of_next_month"
    ),
    pytest.param(
        "remind me end of the day tomorrow to file",
        at("17:00", "2026-11-24"),
        id="end_of_the_day_tomorrow",
    ),
    pytest.param(
        "remind me tomorrow by end of day to file",
        at("17:00", "2026-11-24"),
        id="tomorrow_by_end_of_day",
    ),
    pytest.param("remind me by eod friday to file", at("17:00", "2026-11-27"), id="eod_friday"),
    pytest.param(
        "påmind mig fyraften i morgen om at file",
        at("17:00", "2026-11-24"),
        id="da_fyraften_i_morgen",
    ),
]


@pytest.mark.parametrize(("text", "occurrence"), END_OF)
def test_end_of_a_period(text: str, occurrence: list[str]) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert result["occurrences"] == occurrence
    assert result["message"] in ("file", "at file")


def test_every_day_at_end_of_day_is_1700() -> None:
    assert run("remind me every day at end of day to log hours")["rrule"] == (
        "FREQ=DAILY;BYHOUR=17;BYMINUTE=0"
    )


# Class 9: "in two days' time": the apostrophe and "time" belong to the time.
IN_TIME = [
    pytest.param(
        "remind me in two days' time to call Bo", at("10:00", "2026-11-25"), id="days_apostrophe"
    ),
    pytest.param("remind me in a week's time to call Bo", at("10:00", "2026-11-30"), id="weeks_s"),
    pytest.param(
        "remind me in a week\u2019s time to call Bo",
        at("10:00", "2026-11-30"),
        id="curly_apostrophe",
    ),
    pytest.param(
        "remind me in 3 hours' time to call Bo", at("13:00", "2026-11-23"), id="hours_apostrophe"
    ),
    pytest.param(
        "remind me to call Bo in two days time", at("10:00", "2026-11-25"), id="no_apostrophe"
    ),
]


@pytest.mark.parametrize(("text", "occurrence"), IN_TIME)
def test_duration_in_time(text: str, occurrence: list[str]) -> None:
    one_off(text, "call Bo", occurrence)
