"""Recurring times, read from the phrase contract (docs/parsing.md, "Recurring times" and
the further rules).

The first occurrence is the first one after now; the batch answer lists the first three. The
reference week is 23-29 November 2026 in Europe/Copenhagen (UTC+01:00 until 28 March 2027):

    Mo 23  Tu 24  We 25  Th 26  Fr 27  Sa 28  Su 29  |  Mo 30  Tu 1 Dec ...
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.parsing.batch import answer
from bot.parsing.context import Context
from bot.parsing.forms.clocks import TIME
from bot.parsing.parts import Hit
from tests.parsing.reading import command

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"  # Monday 10:00, after the 09:00 default
MON_EARLY = "2026-11-23T08:00:00"  # Monday 08:00, before the 09:00 default
WED = "2026-11-25T10:00:00"  # Wednesday 10:00


def run(text: str, now: str, tz: str = CPH) -> dict[str, Any]:
    return dict(answer({"text": text, "now": now, "tz": tz}))


def check(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    result = run(text, now)
    assert result["ok"] is True, result
    assert (result["occurrences"], result["rrule"]) == (occurrences, rrule)


def at(clock: str, *days: str) -> list[str]:
    """ISO strings for ``clock`` on each ``YYYY-MM-DD`` day, all in CET (+01:00)."""
    return [f"{day}T{clock}:00+01:00" for day in days]


DAILY = [
    pytest.param(
        "remind me every day at 10pm to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0",
        id="every_day_at_10pm_starts_today",
    ),
    pytest.param(
        "remind me daily to log hours",
        MON,
        at("09:00", "2026-11-24", "2026-11-25", "2026-11-26"),
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="daily_defaults_to_0900_and_starts_tomorrow_after_0900",
    ),
    pytest.param(
        "remind me every day to log hours",
        MON_EARLY,
        at("09:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="every_day_before_0900_starts_today",
    ),
    pytest.param(
        "remind me each day at 7am to log hours",
        MON,
        at("07:00", "2026-11-24", "2026-11-25", "2026-11-26"),
        "FREQ=DAILY;BYHOUR=7;BYMINUTE=0",
        id="each_day",
    ),
    pytest.param(
        "remind me every day at 9:45pm to log hours",
        MON,
        at("21:45", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=21;BYMINUTE=45",
        id="every_day_with_minutes",
    ),
    pytest.param(
        "remind me every day at 8 to log hours",
        MON,
        at("08:00", "2026-11-24", "2026-11-25", "2026-11-26"),
        "FREQ=DAILY;BYHOUR=8;BYMINUTE=0",
        id="bare_8_in_recurrence_is_am",
    ),
    pytest.param(
        "remind me every day at 5 to log hours",
        MON,
        at("17:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=17;BYMINUTE=0",
        id="bare_5_in_recurrence_is_pm",
    ),
    pytest.param(
        "remind me every day at 12 to log hours",
        MON,
        at("12:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=12;BYMINUTE=0",
        id="bare_12_in_recurrence_is_noon",
    ),
]

WEEKLY = [
    pytest.param(
        "remind me every weekday to stand up",
        "2026-11-27T10:00:00",
        at("09:00", "2026-11-30", "2026-12-01", "2026-12-02"),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
        id="every_weekday_from_friday_skips_the_weekend",
    ),
    pytest.param(
        "remind me every weekday to stand up",
        MON_EARLY,
        at("09:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
        id="every_weekday_starts_today_before_0900",
    ),
    pytest.param(
        "remind me every weekend to water the plants",
        MON,
        at("09:00", "2026-11-28", "2026-11-29", "2026-12-05"),
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9;BYMINUTE=0",
        id="every_weekend",
    ),
    pytest.param(
        "remind me every weekend at 10am to water the plants",
        "2026-11-28T11:00:00",
        at("10:00", "2026-11-29", "2026-12-05", "2026-12-06"),
        "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=10;BYMINUTE=0",
        id="every_weekend_said_on_saturday_after_the_time",
    ),
    pytest.param(
        "remind me every Monday to plan the week",
        MON,
        at("09:00", "2026-11-30", "2026-12-07", "2026-12-14"),
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
        id="every_monday_defaults_to_0900_next_week_after_0900",
    ),
    pytest.param(
        "remind me every Monday to plan the week",
        MON_EARLY,
        at("09:00", "2026-11-23", "2026-11-30", "2026-12-07"),
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
        id="every_monday_on_monday_before_0900_starts_today",
    ),
    pytest.param(
        "remind me on Mondays to plan the week",
        MON,
        at("09:00", "2026-11-30", "2026-12-07", "2026-12-14"),
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
        id="on_mondays",
    ),
    pytest.param(
        "remind me every Mon and Wed to plan the week",
        MON,
        at("09:00", "2026-11-25", "2026-11-30", "2026-12-02"),
        "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0",
        id="every_mon_and_wed",
    ),
    pytest.param(
        "remind me every Monday, Wednesday and Friday at 8am to plan the week",
        "2026-11-24T10:00:00",
        at("08:00", "2026-11-25", "2026-11-27", "2026-11-30"),
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=8;BYMINUTE=0",
        id="every_monday_wednesday_and_friday",
    ),
    pytest.param(
        "remind me every Friday and Monday to plan the week",
        MON,
        at("09:00", "2026-11-27", "2026-11-30", "2026-12-04"),
        "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=0",
        id="byday_is_listed_monday_first",
    ),
    pytest.param(
        "remind me every Tuesday at 3:15 to plan the week",
        MON,
        at("15:15", "2026-11-24", "2026-12-01", "2026-12-08"),
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=15;BYMINUTE=15",
        id="bare_hour_in_recurrence_3_15_is_pm",
    ),
    pytest.param(
        "remind me every week to plan the week",
        WED,
        at("09:00", "2026-12-02", "2026-12-09", "2026-12-16"),
        "FREQ=WEEKLY;BYDAY=WE;BYHOUR=9;BYMINUTE=0",
        id="every_week_takes_todays_weekday",
    ),
    pytest.param(
        "remind me weekly to plan the week",
        "2026-11-25T08:00:00",
        at("09:00", "2026-11-25", "2026-12-02", "2026-12-09"),
        "FREQ=WEEKLY;BYDAY=WE;BYHOUR=9;BYMINUTE=0",
        id="weekly_before_0900_starts_today",
    ),
    pytest.param(
        "remind me weekly at 3pm to plan the week",
        WED,
        at("15:00", "2026-11-25", "2026-12-02", "2026-12-09"),
        "FREQ=WEEKLY;BYDAY=WE;BYHOUR=15;BYMINUTE=0",
        id="weekly_with_time_still_ahead_starts_today",
    ),
]

EVERY_OTHER_WEEK = [
    pytest.param(
        "remind me every other Tuesday to run payroll",
        MON,
        at("09:00", "2026-11-24", "2026-12-08", "2026-12-22"),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
        id="every_other_tuesday_starts_with_tomorrow",
    ),
    pytest.param(
        "remind me every other Tuesday to run payroll",
        "2026-11-24T10:00:00",
        at("09:00", "2026-12-01", "2026-12-15", "2026-12-29"),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
        id="every_other_tuesday_on_tuesday_after_0900_starts_next_week",
    ),
    pytest.param(
        "remind me every 2 weeks on Tuesday to run payroll",
        WED,
        at("09:00", "2026-12-01", "2026-12-15", "2026-12-29"),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
        id="every_2_weeks_on_tuesday_starts_with_nearest_tuesday",
    ),
]

MONTHLY = [
    pytest.param(
        "remind me every month to pay rent",
        MON,
        at("09:00", "2026-12-23", "2027-01-23", "2027-02-23"),
        "FREQ=MONTHLY;BYMONTHDAY=23;BYHOUR=9;BYMINUTE=0",
        id="every_month_takes_todays_day_of_month",
    ),
    pytest.param(
        "remind me monthly to pay rent",
        MON_EARLY,
        at("09:00", "2026-11-23", "2026-12-23", "2027-01-23"),
        "FREQ=MONTHLY;BYMONTHDAY=23;BYHOUR=9;BYMINUTE=0",
        id="monthly_before_0900_starts_today",
    ),
    pytest.param(
        "remind me monthly at 3pm to pay rent",
        MON,
        at("15:00", "2026-11-23", "2026-12-23", "2027-01-23"),
        "FREQ=MONTHLY;BYMONTHDAY=23;BYHOUR=15;BYMINUTE=0",
        id="monthly_with_time_still_ahead_starts_today",
    ),
    pytest.param(
        "remind me every month on the 15th to pay rent",
        MON,
        at("09:00", "2026-12-15", "2027-01-15", "2027-02-15"),
        "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0",
        id="every_month_on_the_15th",
    ),
    pytest.param(
        "remind me on the 15th of every month to pay rent",
        MON,
        at("09:00", "2026-12-15", "2027-01-15", "2027-02-15"),
        "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0",
        id="on_the_15th_of_every_month",
    ),
    pytest.param(
        "remind me every month on the 15th at 3pm to pay rent",
        "2026-12-15T10:00:00",
        at("15:00", "2026-12-15", "2027-01-15", "2027-02-15"),
        "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=15;BYMINUTE=0",
        id="on_the_15th_said_on_the_15th_with_time_ahead",
    ),
    pytest.param(
        "remind me every first Monday of the month to send the report",
        MON,
        at("09:00", "2026-12-07", "2027-01-04", "2027-02-01"),
        "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0",
        id="every_first_monday_of_the_month",
    ),
    pytest.param(
        "remind me every last Friday to send the report",
        MON,
        at("09:00", "2026-11-27", "2026-12-25", "2027-01-29"),
        "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=9;BYMINUTE=0",
        id="every_last_friday",
    ),
    pytest.param(
        "remind me every last Friday to send the report",
        "2026-11-27T10:00:00",
        at("09:00", "2026-12-25", "2027-01-29", "2027-02-26"),
        "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=9;BYMINUTE=0",
        id="every_last_friday_said_on_it_after_0900",
    ),
]

YEARLY = [
    pytest.param(
        "remind me every year on March 3 to renew the domain",
        MON,
        at("09:00", "2027-03-03", "2028-03-03", "2029-03-03"),
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3;BYHOUR=9;BYMINUTE=0",
        id="every_year_on_march_3",
    ),
    pytest.param(
        "remind me every March 3 at 8pm to renew the domain",
        MON,
        at("20:00", "2027-03-03", "2028-03-03", "2029-03-03"),
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3;BYHOUR=20;BYMINUTE=0",
        id="every_march_3_with_time",
    ),
    pytest.param(
        "remind me every December 24 to buy a tree",
        MON,
        at("09:00", "2026-12-24", "2027-12-24", "2028-12-24"),
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;BYHOUR=9;BYMINUTE=0",
        id="every_december_24_starts_this_year",
    ),
    pytest.param(
        "remind me yearly to renew the domain",
        MON,
        at("09:00", "2027-11-23", "2028-11-23", "2029-11-23"),
        "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=23;BYHOUR=9;BYMINUTE=0",
        id="yearly_takes_todays_date_next_year_after_0900",
    ),
    pytest.param(
        "remind me annually to renew the domain",
        MON_EARLY,
        at("09:00", "2026-11-23", "2027-11-23", "2028-11-23"),
        "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=23;BYHOUR=9;BYMINUTE=0",
        id="annually_before_0900_starts_today",
    ),
    pytest.param(
        "remind me yearly at 3pm to renew the domain",
        MON,
        at("15:00", "2026-11-23", "2027-11-23", "2028-11-23"),
        "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=23;BYHOUR=15;BYMINUTE=0",
        id="yearly_with_time_still_ahead_starts_today",
    ),
]

# | `every hour`, `hourly`, `every 2 hours`, `every 30 minutes` | now + interval, then every
# interval |  (clock durations keep now's seconds)
SUB_DAILY = [
    pytest.param(
        "remind me every hour to stretch",
        MON,
        at("11:00", "2026-11-23") + at("12:00", "2026-11-23") + at("13:00", "2026-11-23"),
        "FREQ=HOURLY",
        id="every_hour_interval_1_is_omitted",
    ),
    pytest.param(
        "remind me hourly to stretch",
        MON,
        at("11:00", "2026-11-23") + at("12:00", "2026-11-23") + at("13:00", "2026-11-23"),
        "FREQ=HOURLY",
        id="hourly",
    ),
    pytest.param(
        "remind me every 2 hours to stretch",
        MON,
        at("12:00", "2026-11-23") + at("14:00", "2026-11-23") + at("16:00", "2026-11-23"),
        "FREQ=HOURLY;INTERVAL=2",
        id="every_2_hours",
    ),
    pytest.param(
        "remind me every 2 hours to stretch",
        "2026-11-23T23:00:00",
        at("01:00", "2026-11-24") + at("03:00", "2026-11-24") + at("05:00", "2026-11-24"),
        "FREQ=HOURLY;INTERVAL=2",
        id="every_2_hours_across_midnight",
    ),
    pytest.param(
        "remind me every 30 minutes to stretch",
        MON,
        at("10:30", "2026-11-23") + at("11:00", "2026-11-23") + at("11:30", "2026-11-23"),
        "FREQ=MINUTELY;INTERVAL=30",
        id="every_30_minutes",
    ),
    pytest.param(
        "remind me every 5 minutes to stretch",
        MON,
        at("10:05", "2026-11-23") + at("10:10", "2026-11-23") + at("10:15", "2026-11-23"),
        "FREQ=MINUTELY;INTERVAL=5",
        id="every_5_minutes_is_exactly_the_minimum_and_allowed",
    ),
    pytest.param(
        "remind me every 30 minutes to stretch",
        "2026-11-23T10:00:40",
        [
            "2026-11-23T10:30:40+01:00",
            "2026-11-23T11:00:40+01:00",
            "2026-11-23T11:30:40+01:00",
        ],
        "FREQ=MINUTELY;INTERVAL=30",
        id="every_30_minutes_keeps_nows_seconds",
    ),
]

# | `until June 1`, `for 3 weeks`, `5 times` | bound of the series (inclusive end date) |
BOUNDS = [
    pytest.param(
        "remind me every day at 10pm until Nov 25 to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;UNTIL=20261125T235959",
        id="until_is_inclusive_of_its_date",
    ),
    pytest.param(
        "remind me every day at 10pm until Nov 24 to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;UNTIL=20261124T235959",
        id="until_cuts_the_series_to_two",
    ),
    pytest.param(
        "remind me every Monday until December 7 to plan the week",
        MON,
        at("09:00", "2026-11-30", "2026-12-07"),
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;UNTIL=20261207T235959",
        id="weekly_until_includes_the_last_monday",
    ),
    pytest.param(
        "remind me every day at 10pm 2 times to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;COUNT=2",
        id="n_times_is_count",
    ),
    pytest.param(
        "remind me every Friday 5 times to send the report",
        MON,
        at("09:00", "2026-11-27", "2026-12-04", "2026-12-11"),
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=9;BYMINUTE=0;COUNT=5",
        id="five_times_is_count_5",
    ),
    # `for N weeks` ends N weeks after today, that date included (today 23 Nov + 7 days = 30 Nov).
    pytest.param(
        "remind me every day at 10pm for 1 week to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;UNTIL=20261130T235959",
        id="for_1_week_is_until_a_week_from_today",
    ),
    pytest.param(
        "remind me every day at 10pm for 3 weeks to log hours",
        MON,
        at("22:00", "2026-11-23", "2026-11-24", "2026-11-25"),
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;UNTIL=20261214T235959",
        id="for_3_weeks_is_until_three_weeks_from_today",
    ),
]


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), DAILY)
def test_daily(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), WEEKLY)
def test_weekly_on_days(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), EVERY_OTHER_WEEK)
def test_every_other_week(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), MONTHLY)
def test_monthly(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), YEARLY)
def test_yearly(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), SUB_DAILY)
def test_sub_daily_counts_from_now(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


@pytest.mark.parametrize(("text", "now", "occurrences", "rrule"), BOUNDS)
def test_bounded_series(text: str, now: str, occurrences: list[str], rrule: str) -> None:
    check(text, now, occurrences, rrule)


def test_recurring_message_excludes_the_recurrence_words() -> None:
    result = run("remind me every Monday, Wednesday and Friday at 8am to plan the week", MON)
    assert result["ok"] is True, result
    assert result["message"] == "plan the week"


def test_bounded_series_message_excludes_the_bound() -> None:
    result = run("remind me every day at 10pm until Nov 25 to log hours", MON)
    assert result["ok"] is True, result
    assert result["message"] == "log hours"


@pytest.mark.parametrize(
    "text",
    [
        "remind me every day at 9 and 17 to stretch",
        "remind me every monday at 10:30 to plan",
        "remind me tomorrow at 9 and 5pm to stretch",
        "remind me 1 hour before friday 3pm to pack",
    ],
)
def test_the_times_of_day_are_built_once(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Hit[Any]] = []  # the hits themselves, so that no two share an id
    build = Hit.build

    def counted(hit: Hit[Any], ctx: Context) -> Any:
        if hit.part in TIME.parts:
            built.append(hit)
        return build(hit, ctx)

    monkeypatch.setattr(Hit, "build", counted)
    assert command(text).when is not None
    assert built and len({id(hit) for hit in built}) == len(built), [h.part.name for h in built]
