"""Clock times as people also write them (issue 10, classes 1, 6, 10 and 12).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

import pytest

from tests.parsing.reading import MON, at, check, run

# Class 1: three or four digits without a colon, after "at" or with am/pm.
DIGITS = [
    pytest.param("remind me at 845am to call Bo", "call Bo", at("08:45", "2026-11-24"), id="845am"),
    pytest.param("remind me at 1715 to call Bo", "call Bo", at("17:15", "2026-11-23"), id="1715"),
    pytest.param(
        "remind me at 615 in the morning to call Bo",
        "call Bo",
        at("06:15", "2026-11-24"),
        id="615_in_the_morning",
    ),
    pytest.param(
        "remind me at 1230 am to call Bo", "call Bo", at("00:30", "2026-11-24"), id="1230_am"
    ),
    pytest.param(
        "remind me at 1030pm to lock up", "lock up", at("22:30", "2026-11-23"), id="1030pm"
    ),
    pytest.param(
        "remind me tomorrow at 0930 to call Bo", "call Bo", at("09:30", "2026-11-24"), id="0930"
    ),
    # Three digits are a bare hour like 8:45: the nearer of 08:45 and 20:45.
    pytest.param(
        "remind me at 845 to call Bo", "call Bo", at("20:45", "2026-11-23"), id="845_bare"
    ),
    pytest.param(
        "påmind mig kl. 1715 om at ringe til Bo",
        "ringe til Bo",
        at("17:15", "2026-11-23"),
        id="da_kl_1715",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrences"), DIGITS)
def test_clock_digits_without_a_colon(text: str, message: str, occurrences: list[str]) -> None:
    check(text, message, occurrences, None)


def test_clock_digits_in_a_weekly_rule() -> None:
    check(
        "remind me every tuesday at 1600 to water the plants",
        "water the plants",
        at("16:00", "2026-11-24", "2026-12-01", "2026-12-08"),
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=16;BYMINUTE=0",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remind me tomorrow to send the 1500 invoices", "send the 1500 invoices"),
        ("remind me to pay 1200 kroner at 5pm", "pay 1200 kroner"),
        ("remind me tomorrow to book room 1715", "book room 1715"),
    ],
)
def test_numbers_in_the_message_stay_in_the_message(text: str, message: str) -> None:
    assert run(text)["message"] == message


@pytest.mark.parametrize("text", ["remind me at 1575 to x", "remind me at 2460 to x"])
def test_digits_that_are_no_clock_time_are_invalid(text: str) -> None:
    assert run(text) == {"ok": False, "error": "invalid_date"}


# Class 6: quarter and half around named times, and as durations.
QUARTERS = [
    pytest.param(
        "remind me quarter to midnight to x", at("23:45", "2026-11-23"), id="quarter_to_midnight"
    ),
    pytest.param(
        "remind me at half past noon to x", at("12:30", "2026-11-23"), id="half_past_noon"
    ),
    pytest.param(
        "remind me a quarter past midnight to x",
        at("00:15", "2026-11-24"),
        id="quarter_past_midnight",
    ),
    pytest.param(
        "remind me in three quarters of an hour to x",
        at("10:45", "2026-11-23"),
        id="three_quarters_of_an_hour",
    ),
    pytest.param(
        "remind me in a quarter of an hour to x",
        at("10:15", "2026-11-23"),
        id="a_quarter_of_an_hour",
    ),
    pytest.param(
        "remind me in an hour and a half to x", at("11:30", "2026-11-23"), id="an_hour_and_a_half"
    ),
    pytest.param(
        "remind me in 2 hours and a half to x", at("12:30", "2026-11-23"), id="2_hours_and_a_half"
    ),
    pytest.param(
        "remind me half an hour before noon to x",
        at("11:30", "2026-11-23"),
        id="half_an_hour_before_noon",
    ),
    pytest.param(
        "remind me 2 hours before midnight to x",
        at("22:00", "2026-11-23"),
        id="2_hours_before_midnight",
    ),
    pytest.param("remind me ten to five to x", at("16:50", "2026-11-23"), id="ten_to_five_bare"),
    # A bare hour with a date is 1-6 PM: "quarter to 1" tomorrow is 12:45, not 00:45.
    pytest.param(
        "remind me tomorrow at quarter to 1 to x",
        at("12:45", "2026-11-24"),
        id="quarter_to_1_with_a_date",
    ),
    pytest.param(
        "remind me at quarter to 8 in the evening to x",
        at("19:45", "2026-11-23"),
        id="quarter_to_8_in_the_evening",
    ),
]


@pytest.mark.parametrize(("text", "occurrences"), QUARTERS)
def test_quarter_and_half(text: str, occurrences: list[str]) -> None:
    check(text, "x", occurrences, None)


# A shift across midnight moves the day too: the day named is the anchor's.
ACROSS_MIDNIGHT = [
    pytest.param(
        "remind me 2 hours past 11pm tomorrow to x",
        at("01:00", "2026-11-25"),
        id="2_hours_past_11pm_tomorrow",
    ),
    pytest.param(
        "remind me tonight at 2 hours past 11pm to x",
        at("01:00", "2026-11-24"),
        id="2_hours_past_11pm_tonight",
    ),
    pytest.param(
        "remind me 10 minutes to 12am on friday to x",
        at("23:50", "2026-11-26"),
        id="10_minutes_to_12am_on_friday",
    ),
    pytest.param(
        "remind me in 2 days at 2 hours past 11pm to x",
        at("01:00", "2026-11-26"),
        id="after_a_calendar_duration",
    ),
    # Midnight the word is the end of its day, whichever way the offset counts from it.
    pytest.param(
        "remind me 10 minutes to midnight on friday to x",
        at("23:50", "2026-11-27"),
        id="10_minutes_to_midnight_on_friday",
    ),
    pytest.param(
        "remind me quarter past midnight on friday to x",
        at("00:15", "2026-11-27"),
        id="quarter_past_midnight_on_friday",
    ),
    # 12 in the morning is midnight, but a shift back from it stays in the morning.
    pytest.param(
        "remind me tomorrow morning at quarter to 12 to x",
        at("11:45", "2026-11-24"),
        id="quarter_to_12_tomorrow_morning",
    ),
]


@pytest.mark.parametrize(("text", "occurrences"), ACROSS_MIDNIGHT)
def test_a_shift_across_midnight_carries_the_day(text: str, occurrences: list[str]) -> None:
    check(text, "x", occurrences, None)


def test_to_and_before_12am_on_a_day_agree() -> None:
    to = run("remind me 10 minutes to 12am on friday to x")
    before = run("remind me 10 minutes before 12am on friday to x")
    assert to["occurrences"] == before["occurrences"] == at("23:50", "2026-11-26")


# Class 10: a time glued to punctuation.
GLUED = [
    pytest.param(
        "remind me in 20 minutes: call Bob",
        "call Bob",
        at("10:20", "2026-11-23"),
        id="colon_after_duration",
    ),
    pytest.param(
        "remind me tomorrow at 5pm: send the report",
        "send the report",
        at("17:00", "2026-11-24"),
        id="colon_after_clock",
    ),
    pytest.param(
        "remind me at 3pm, standup", "standup", at("15:00", "2026-11-23"), id="comma_after_clock"
    ),
    pytest.param(
        "remind me (tomorrow 9am) to call Bo",
        "call Bo",
        at("09:00", "2026-11-24"),
        id="brackets_first",
    ),
    pytest.param(
        "remind me to call Bo (tomorrow 9am)",
        "call Bo",
        at("09:00", "2026-11-24"),
        id="brackets_last",
    ),
    pytest.param(
        "remind me to call Bo [friday]", "call Bo", at("09:00", "2026-11-27"), id="square_brackets"
    ),
    pytest.param(
        "påmind mig i morgen kl. 9: ring til Bo",
        "ring til Bo",
        at("09:00", "2026-11-24"),
        id="da_colon",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrences"), GLUED)
def test_time_glued_to_punctuation(text: str, message: str, occurrences: list[str]) -> None:
    check(text, message, occurrences, None)


def test_brackets_around_message_words_are_kept() -> None:
    assert run("remind me at 5pm to call (555) 1234")["message"] == "call (555) 1234"


# Class 12: Danish fractions of an hour.
DANISH_ONE_OFF = [
    pytest.param("påmind mig om et kvarter om vand", at("10:15", "2026-11-23"), id="om_et_kvarter"),
    pytest.param(
        "påmind mig om en halv time om vand", at("10:30", "2026-11-23"), id="om_en_halv_time"
    ),
    pytest.param(
        "påmind mig om tre kvarter om vand", at("10:45", "2026-11-23"), id="om_tre_kvarter"
    ),
    pytest.param(
        "påmind mig om halvanden time om vand", at("11:30", "2026-11-23"), id="om_halvanden_time"
    ),
    pytest.param(
        "påmind mig om en halvtime om vand", at("10:30", "2026-11-23"), id="om_en_halvtime"
    ),
    pytest.param("påmind mig kvart over 3 om vand", at("15:15", "2026-11-23"), id="kvart_over_3"),
    pytest.param("påmind mig kvart i 3 om vand", at("14:45", "2026-11-23"), id="kvart_i_3"),
    # Danish names the half hour before the next one: "halv fire" is 3:30.
    pytest.param("påmind mig halv fire om vand", at("15:30", "2026-11-23"), id="halv_fire"),
    pytest.param(
        "påmind mig i morgen kl. halv 8 om vand", at("07:30", "2026-11-24"), id="halv_8_with_a_date"
    ),
    pytest.param(
        "påmind mig kvart i midnat om vand", at("23:45", "2026-11-23"), id="kvart_i_midnat"
    ),
]


@pytest.mark.parametrize(("text", "occurrences"), DANISH_ONE_OFF)
def test_danish_fractions_of_an_hour(text: str, occurrences: list[str]) -> None:
    check(text, "vand", occurrences, None)


@pytest.mark.parametrize(
    ("text", "occurrences", "rrule"),
    [
        pytest.param(
            "påmind mig hver halvtime om vand",
            ["2026-11-23T10:30:00+01:00", "2026-11-23T11:00:00+01:00", "2026-11-23T11:30:00+01:00"],
            "FREQ=MINUTELY;INTERVAL=30",
            id="hver_halvtime",
        ),
        pytest.param(
            "påmind mig hvert kvarter om vand",
            ["2026-11-23T10:15:00+01:00", "2026-11-23T10:30:00+01:00", "2026-11-23T10:45:00+01:00"],
            "FREQ=MINUTELY;INTERVAL=15",
            id="hvert_kvarter",
        ),
        pytest.param(
            "remind me every quarter hour to drink water",
            ["2026-11-23T10:15:00+01:00", "2026-11-23T10:30:00+01:00", "2026-11-23T10:45:00+01:00"],
            "FREQ=MINUTELY;INTERVAL=15",
            id="en_every_quarter_hour",
        ),
    ],
)
def test_fractions_of_an_hour_as_intervals(text: str, occurrences: list[str], rrule: str) -> None:
    result = run(text, MON)
    assert result["ok"] is True, result
    assert (result["occurrences"], result["rrule"]) == (occurrences, rrule)
