"""Recurrences as people also write them: counts (issue 10, class 5), the forms beyond the
spec (``except``, ``every 2nd and 4th``, ``twice a day``, ``every quarter``), the last day
of the month and several times in one phrase (issue 11).

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.parsing import occurrences_after
from tests.parsing.reading import NOW, at, check, command, refusal, run


def series(text: str, n: int = 50) -> list[str]:
    """Every occurrence of the phrase's rule (up to ``n``), to test its end."""
    rec = command(text).recurrence
    assert rec is not None
    return [o.isoformat() for o in occurrences_after(rec, NOW - timedelta(seconds=1), n)]


# Class 5: the count or end is part of the stored rule.
COUNTS = [
    pytest.param(
        "remind me every monday 6x to call Bo",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;COUNT=6",
        6,
        id="every_monday_6x",
    ),
    pytest.param(
        "remind me weekly for 6 times to call Bo",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;COUNT=6",
        6,
        id="weekly_for_6_times",
    ),
    pytest.param(
        "remind me daily, 10 times to call Bo",
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;COUNT=10",
        10,
        id="daily_comma_10_times",
    ),
    # "for the next 5 days": five days from the first reminder's day, that day included.
    pytest.param(
        "remind me every day for the next 5 days to call Bo",
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261128T235959",
        5,
        id="every_day_for_the_next_5_days",
    ),
    pytest.param(
        "remind me every day at 10pm for the next 3 days to call Bo",
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;UNTIL=20261125T235959",
        3,
        id="first_one_today_counts",
    ),
    pytest.param(
        "påmind mig hver mandag 6 gange om at ringe til Bo",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;COUNT=6",
        6,
        id="da_6_gange",
    ),
    pytest.param(
        "påmind mig dagligt i 5 dage om at ringe til Bo",
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261128T235959",
        5,
        id="da_i_5_dage",
    ),
]


@pytest.mark.parametrize(("text", "rrule", "total"), COUNTS)
def test_repeat_count_is_in_the_rule(text: str, rrule: str, total: int) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert result["rrule"] == rrule
    assert result["message"] in ("call Bo", "ringe til Bo")
    assert len(series(text)) == total


def test_every_monday_6x_fires_six_mondays_and_stops() -> None:
    assert series("remind me every monday 6x to call Bo") == at(
        "09:00", "2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28", "2027-01-04"
    )


# Forms people also write.
EXCEPT = [
    pytest.param(
        "remind me every weekday except Friday at 9 to stand up",
        "stand up",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=9;BYMINUTE=0",
        id="weekday_except_friday",
    ),
    pytest.param(
        "remind me every day except weekends to stretch",
        "stretch",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
        id="day_except_weekends",
    ),
    pytest.param(
        "remind me every day except Monday and Friday to stretch",
        "stretch",
        "FREQ=WEEKLY;BYDAY=TU,WE,TH,SA,SU;BYHOUR=9;BYMINUTE=0",
        id="day_except_two_days",
    ),
    pytest.param(
        "remind me every weekday but not on Wednesdays to stretch",
        "stretch",
        "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR;BYHOUR=9;BYMINUTE=0",
        id="but_not_plural",
    ),
    pytest.param(
        "remind me every day at 8 except weekdays to sleep in",
        "sleep in",
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=8;BYMINUTE=0",
        id="day_except_weekdays",
    ),
    pytest.param(
        "påmind mig hver hverdag undtagen fredag kl. 9 om standup",
        "standup",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=9;BYMINUTE=0",
        id="da_undtagen",
    ),
]


@pytest.mark.parametrize(("text", "message", "rrule"), EXCEPT)
def test_except_leaves_days_out_of_the_rule(text: str, message: str, rrule: str) -> None:
    result = run(text)
    assert result["ok"] is True, result
    assert (result["message"], result["rrule"]) == (message, rrule)


def test_weekday_except_friday_skips_friday() -> None:
    assert series("remind me every weekday except Friday at 9 to stand up", 5) == at(
        "09:00", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-30", "2026-12-01"
    )


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("remind me every day except holidays to stretch", "except"),
        ("remind me every month except Friday to pay", "except_rule"),
        ("remind me every Monday except Mondays to pay", "except_all"),
    ],
)
def test_except_that_cannot_be_kept_is_refused(text: str, detail: str) -> None:
    assert (refusal(text).code, refusal(text).detail) == ("unsupported", detail)


def test_except_inside_the_message_of_a_repeat_is_message() -> None:
    result = run("remind me every day to pack everything except the tent")
    assert result["message"] == "pack everything except the tent"


OTHER_FORMS = [
    pytest.param(
        "remind me every 2nd and 4th Tuesday to review",
        at("09:00", "2026-11-24", "2026-12-08", "2026-12-22"),
        "FREQ=MONTHLY;BYDAY=2TU,4TU;BYHOUR=9;BYMINUTE=0",
        id="every_2nd_and_4th_tuesday",
    ),
    pytest.param(
        "remind me every first and third Monday of the month to review",
        at("09:00", "2026-12-07", "2026-12-21", "2027-01-04"),
        "FREQ=MONTHLY;BYDAY=1MO,3MO;BYHOUR=9;BYMINUTE=0",
        id="first_and_third_monday_of_the_month",
    ),
    pytest.param(
        "remind me twice a day at 9 and 5 to review",
        ["2026-11-23T17:00:00+01:00", "2026-11-24T09:00:00+01:00", "2026-11-24T17:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0",
        id="twice_a_day_at_9_and_5",
    ),
    pytest.param(
        "remind me three times a day at 8, 12 and 18 to review",
        ["2026-11-23T12:00:00+01:00", "2026-11-23T18:00:00+01:00", "2026-11-24T08:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=8,12,18;BYMINUTE=0",
        id="three_times_a_day",
    ),
    pytest.param(
        "påmind mig to gange om dagen kl. 9 og 17 om review",
        ["2026-11-23T17:00:00+01:00", "2026-11-24T09:00:00+01:00", "2026-11-24T17:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0",
        id="da_to_gange_om_dagen",
    ),
    pytest.param(
        "remind me on weekdays at 8:45 to review",
        at("08:45", "2026-11-24", "2026-11-25", "2026-11-26"),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=45",
        id="on_weekdays_at_8_45",
    ),
    pytest.param(
        "remind me every quarter to review",
        at("09:00", "2026-12-23", "2027-03-23") + ["2027-06-23T09:00:00+02:00"],
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=23;BYHOUR=9;BYMINUTE=0",
        id="every_quarter",
    ),
    pytest.param(
        "remind me every quarter on the 1st to review",
        at("09:00", "2026-12-01", "2027-03-01") + ["2027-06-01T09:00:00+02:00"],
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
        id="every_quarter_on_the_1st",
    ),
    pytest.param(
        "remind me every other month on the 1st to review",
        at("09:00", "2026-12-01", "2027-02-01") + ["2027-04-01T09:00:00+02:00"],
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
        id="every_other_month_on_the_1st",
    ),
    pytest.param(
        "remind me on the last weekday of every month to review",
        at("09:00", "2026-11-30", "2026-12-31", "2027-01-29"),
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=9;BYMINUTE=0",
        id="last_weekday_of_every_month",
    ),
]


@pytest.mark.parametrize(("text", "occurrences", "rrule"), OTHER_FORMS)
def test_forms_people_also_write(text: str, occurrences: list[str], rrule: str) -> None:
    check(text, "review", occurrences, rrule)


@pytest.mark.parametrize(
    "text", ["remind me twice a day to drink", "remind me twice a day at 9 to drink"]
)
def test_twice_a_day_without_two_times_is_refused(text: str) -> None:
    assert (refusal(text).code, refusal(text).detail, refusal(text).hint) == (
        "unsupported",
        "per_day",
        "2",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remind me to send the weekly report tomorrow at 9am", "send the weekly report"),
        ("remind me tomorrow to send our monthly invoice", "send our monthly invoice"),
        ("remind @alice tomorrow about the quarterly numbers", "the quarterly numbers"),
    ],
)
def test_a_frequency_word_after_a_determiner_is_message(text: str, message: str) -> None:
    result = run(text)
    assert (result["message"], result["rrule"]) == (message, None)


def test_a_date_the_repeat_cannot_hold_is_refused() -> None:
    text = "remind me every monday at 9 and tuesday at 10 to x"
    assert (refusal(text).code, refusal(text).detail) == ("unsupported", "date_in_repeat")


# Issue 11: the last day of every month.
LAST_DAY = [
    "remind me on the last day of every month to send invoices",
    "remind me every month on the last day to send invoices",
    "remind me monthly on the last day to send invoices",
    "påmind mig den sidste dag i hver måned om send invoices",
]


@pytest.mark.parametrize("text", LAST_DAY)
def test_last_day_of_every_month(text: str) -> None:
    check(
        text,
        "send invoices",
        at("09:00", "2026-11-30", "2026-12-31", "2027-01-31"),
        "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=9;BYMINUTE=0",
    )


def test_last_day_of_every_month_reaches_february() -> None:
    assert series("remind me on the last day of every month to send invoices", 4)[-1] == (
        "2027-02-28T09:00:00+01:00"
    )


def test_last_day_of_the_month_alone_is_one_off() -> None:
    check("remind me on the last day of the month to pay", "pay", at("09:00", "2026-11-30"), None)


# Issue 11: several times in a one-off phrase are all kept.
SEVERAL_TIMES = [
    pytest.param(
        "remind me tomorrow at 9 and 5pm to check mail",
        at("09:00", "2026-11-24") + at("17:00", "2026-11-24"),
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0;COUNT=2",
        id="tomorrow_at_9_and_5pm",
    ),
    # No date: each time is its next occurrence, a bare hour read as with a date (9 -> 09:00).
    pytest.param(
        "remind me at 9 and 5pm to check mail",
        at("17:00", "2026-11-23") + at("09:00", "2026-11-24"),
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0;COUNT=2",
        id="at_9_and_5pm_today_and_tomorrow",
    ),
    pytest.param(
        "remind me on friday at 8:30, 12:30 and 16:30 to check mail",
        at("08:30", "2026-11-27") + at("12:30", "2026-11-27") + at("16:30", "2026-11-27"),
        "FREQ=DAILY;BYHOUR=8,12,16;BYMINUTE=30;COUNT=3",
        id="three_times_on_friday",
    ),
    pytest.param(
        "påmind mig i morgen kl. 9 og 17 om check mail",
        at("09:00", "2026-11-24") + at("17:00", "2026-11-24"),
        "FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0;COUNT=2",
        id="da_i_morgen_kl_9_og_17",
    ),
]


@pytest.mark.parametrize(("text", "occurrences", "rrule"), SEVERAL_TIMES)
def test_several_times_are_all_kept(text: str, occurrences: list[str], rrule: str) -> None:
    check(text, "check mail", occurrences, rrule)
    assert series(text) == occurrences
    assert [o.isoformat() for o in command(text).occurrences] == occurrences


def test_several_times_in_a_repeat_with_a_count_count_from_the_first() -> None:
    assert series("remind me every day at 9 and 17 for 3 times to x") == (
        at("17:00", "2026-11-23") + at("09:00", "2026-11-24") + at("17:00", "2026-11-24")
    )


@pytest.mark.parametrize(
    "text",
    [
        "remind me tomorrow at 9:30 and 5pm to check mail",
        "remind me every weekday at 9:30 and 17:00 to stretch",
    ],
)
def test_times_one_rule_cannot_hold_are_refused(text: str) -> None:
    assert (refusal(text).code, refusal(text).detail) == ("unsupported", "times_rule")


def test_times_with_the_same_minutes_share_one_rule() -> None:
    assert run("remind me every weekday at 9:30 and 17:30 to stretch")["rrule"] == (
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,17;BYMINUTE=30"
    )
