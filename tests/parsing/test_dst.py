"""Daylight-saving changes, read from the phrase contract (docs/parsing.md).

- A local time that does not exist on a DST day moves forward to the first valid minute; a time
  that exists twice fires once, at its first instance.
- Recurrences keep their local wall time (``every day at 9am`` stays 09:00).
- Calendar durations (``in 1 day``) keep the local time of day; clock durations (``in 2 hours``,
  ``every 2 hours``) count elapsed time.

Transitions in 2026 (checked with zoneinfo):

    America/New_York   8 Mar 02:00 EST -> 03:00 EDT      1 Nov 02:00 EDT -> 01:00 EST
    Europe/Copenhagen 29 Mar 02:00 CET -> 03:00 CEST    25 Oct 03:00 CEST -> 02:00 CET
    Australia/Sydney   4 Oct 02:00 AEST -> 03:00 AEDT    5 Apr 03:00 AEDT -> 02:00 AEST
    Asia/Kolkata       none (+05:30 all year)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Command, describe, occurrences_after, parse
from bot.parsing.batch import answer

NY = "America/New_York"
CPH = "Europe/Copenhagen"
SYD = "Australia/Sydney"
KOL = "Asia/Kolkata"


def run(text: str, now: str, tz: str) -> dict[str, Any]:
    result = dict(answer({"text": text, "now": now, "tz": tz}))
    assert result["ok"] is True, result
    return result


ONE_OFF = [
    # Spring forward: 02:30 does not exist -> the first valid minute, 03:00.
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-03-07T12:00:00",
        NY,
        "2026-03-08T03:00:00-04:00",
        id="new_york_spring_forward_missing_0230_is_0300",
    ),
    pytest.param(
        "remind me at 2:30am to check the backup",
        "2026-03-08T01:00:00",
        NY,
        "2026-03-08T03:00:00-04:00",
        id="new_york_spring_forward_same_night",
    ),
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-03-28T12:00:00",
        CPH,
        "2026-03-29T03:00:00+02:00",
        id="copenhagen_spring_forward_missing_0230_is_0300",
    ),
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-10-03T12:00:00",
        SYD,
        "2026-10-04T03:00:00+11:00",
        id="sydney_spring_forward_first_sunday_of_october",
    ),
    # Fall back: the repeated time fires once, at its first instance (summer time offset).
    pytest.param(
        "remind me tomorrow at 1:30am to check the backup",
        "2026-10-31T12:00:00",
        NY,
        "2026-11-01T01:30:00-04:00",
        id="new_york_fall_back_repeated_0130_is_first_instance",
    ),
    pytest.param(
        "remind me at 1:30am to check the backup",
        "2026-11-01T00:30:00",
        NY,
        "2026-11-01T01:30:00-04:00",
        id="new_york_fall_back_same_night",
    ),
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-10-24T12:00:00",
        CPH,
        "2026-10-25T02:30:00+02:00",
        id="copenhagen_fall_back_repeated_0230_is_first_instance",
    ),
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-04-04T12:00:00",
        SYD,
        "2026-04-05T02:30:00+11:00",
        id="sydney_fall_back_repeated_0230_is_first_instance",
    ),
    # Clock durations count elapsed time across the change.
    pytest.param(
        "remind me in 2 hours to check the backup",
        "2026-03-08T01:30:00",
        NY,
        "2026-03-08T04:30:00-04:00",
        id="new_york_in_2_hours_across_spring_forward",
    ),
    pytest.param(
        "remind me in 2 hours to check the backup",
        "2026-11-01T00:30:00",
        NY,
        "2026-11-01T01:30:00-05:00",
        id="new_york_in_2_hours_across_fall_back",
    ),
    pytest.param(
        "remind me in 24 hours to check the backup",
        "2026-03-07T10:00:00",
        NY,
        "2026-03-08T11:00:00-04:00",
        id="new_york_in_24_hours_is_elapsed_not_calendar",
    ),
    pytest.param(
        "remind me in 2 hours to check the backup",
        "2026-03-29T01:30:00",
        CPH,
        "2026-03-29T04:30:00+02:00",
        id="copenhagen_in_2_hours_across_spring_forward",
    ),
    pytest.param(
        "remind me in 2 hours to check the backup",
        "2026-10-25T01:30:00",
        CPH,
        "2026-10-25T02:30:00+01:00",
        id="copenhagen_in_2_hours_across_fall_back",
    ),
    pytest.param(
        "remind me in 2 hours to check the backup",
        "2026-10-04T01:30:00",
        SYD,
        "2026-10-04T04:30:00+11:00",
        id="sydney_in_2_hours_across_spring_forward",
    ),
    # Calendar durations keep the local time of day.
    pytest.param(
        "remind me in 1 day to check the backup",
        "2026-03-07T10:00:00",
        NY,
        "2026-03-08T10:00:00-04:00",
        id="new_york_in_1_day_keeps_local_time",
    ),
    pytest.param(
        "remind me in 1 day to check the backup",
        "2026-10-31T10:00:00",
        NY,
        "2026-11-01T10:00:00-05:00",
        id="new_york_in_1_day_keeps_local_time_at_fall_back",
    ),
    pytest.param(
        "remind me in 2 weeks to check the backup",
        "2026-03-01T10:00:00",
        NY,
        "2026-03-15T10:00:00-04:00",
        id="new_york_in_2_weeks_keeps_local_time",
    ),
    pytest.param(
        "remind me in 3 days to check the backup",
        "2026-10-23T10:00:00",
        CPH,
        "2026-10-26T10:00:00+01:00",
        id="copenhagen_in_3_days_keeps_local_time",
    ),
    pytest.param(
        "remind me in a month to check the backup",
        "2026-03-15T10:00:00",
        CPH,
        "2026-04-15T10:00:00+02:00",
        id="copenhagen_in_a_month_keeps_local_time",
    ),
    pytest.param(
        "remind me in 1 day to check the backup",
        "2026-10-03T10:00:00",
        SYD,
        "2026-10-04T10:00:00+11:00",
        id="sydney_in_1_day_keeps_local_time",
    ),
    # No DST in Kolkata: nothing moves.
    pytest.param(
        "remind me tomorrow at 2:30am to check the backup",
        "2026-03-07T12:00:00",
        KOL,
        "2026-03-08T02:30:00+05:30",
        id="kolkata_0230_exists_every_day",
    ),
    pytest.param(
        "remind me in 1 day to check the backup",
        "2026-03-28T10:00:00",
        KOL,
        "2026-03-29T10:00:00+05:30",
        id="kolkata_in_1_day",
    ),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), ONE_OFF)
def test_one_off_across_dst(text: str, now: str, tz: str, expected: str) -> None:
    assert run(text, now, tz)["occurrences"] == [expected]


RECURRING = [
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-03-06T10:00:00",
        NY,
        ["2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="new_york_every_day_at_9am_stays_0900_across_spring_forward",
    ),
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-10-31T10:00:00",
        NY,
        ["2026-11-01T09:00:00-05:00", "2026-11-02T09:00:00-05:00", "2026-11-03T09:00:00-05:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="new_york_every_day_at_9am_stays_0900_across_fall_back",
    ),
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-03-27T10:00:00",
        CPH,
        ["2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00", "2026-03-30T09:00:00+02:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="copenhagen_every_day_at_9am_across_spring_forward",
    ),
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-10-23T10:00:00",
        CPH,
        ["2026-10-24T09:00:00+02:00", "2026-10-25T09:00:00+01:00", "2026-10-26T09:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="copenhagen_every_day_at_9am_across_fall_back",
    ),
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-10-02T10:00:00",
        SYD,
        ["2026-10-03T09:00:00+10:00", "2026-10-04T09:00:00+11:00", "2026-10-05T09:00:00+11:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="sydney_every_day_at_9am_across_spring_forward",
    ),
    pytest.param(
        "remind me every day at 9am to stand up",
        "2026-03-06T10:00:00",
        KOL,
        ["2026-03-07T09:00:00+05:30", "2026-03-08T09:00:00+05:30", "2026-03-09T09:00:00+05:30"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        id="kolkata_every_day_at_9am",
    ),
    pytest.param(
        "remind me every day at 2:30am to check the backup",
        "2026-03-07T12:00:00",
        NY,
        ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00"],
        "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
        id="new_york_daily_missing_0230_fires_at_0300_that_day_only",
    ),
    pytest.param(
        "remind me every day at 1:30am to check the backup",
        "2026-10-31T12:00:00",
        NY,
        ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00", "2026-11-03T01:30:00-05:00"],
        "FREQ=DAILY;BYHOUR=1;BYMINUTE=30",
        id="new_york_daily_repeated_0130_fires_once_at_first_instance",
    ),
    pytest.param(
        "remind me every Sunday at 2:30am to check the backup",
        "2026-03-23T12:00:00",
        CPH,
        ["2026-03-29T03:00:00+02:00", "2026-04-05T02:30:00+02:00", "2026-04-12T02:30:00+02:00"],
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30",
        id="copenhagen_weekly_missing_0230_keeps_the_rule",
    ),
    pytest.param(
        "remind me every day at 2:30am to check the backup",
        "2026-04-03T12:00:00",
        SYD,
        ["2026-04-04T02:30:00+11:00", "2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"],
        "FREQ=DAILY;BYHOUR=2;BYMINUTE=30",
        id="sydney_daily_repeated_0230_fires_once_at_first_instance",
    ),
    # Clock-duration recurrences count elapsed time.
    pytest.param(
        "remind me every 2 hours to check the generator",
        "2026-03-08T00:30:00",
        NY,
        ["2026-03-08T03:30:00-04:00", "2026-03-08T05:30:00-04:00", "2026-03-08T07:30:00-04:00"],
        "FREQ=HOURLY;INTERVAL=2",
        id="new_york_every_2_hours_across_spring_forward",
    ),
    pytest.param(
        "remind me every 2 hours to check the generator",
        "2026-11-01T00:30:00",
        NY,
        ["2026-11-01T01:30:00-05:00", "2026-11-01T03:30:00-05:00", "2026-11-01T05:30:00-05:00"],
        "FREQ=HOURLY;INTERVAL=2",
        id="new_york_every_2_hours_across_fall_back",
    ),
    pytest.param(
        "remind me every 30 minutes to check the generator",
        "2026-11-01T01:15:00-04:00",
        NY,
        ["2026-11-01T01:45:00-04:00", "2026-11-01T01:15:00-05:00", "2026-11-01T01:45:00-05:00"],
        "FREQ=MINUTELY;INTERVAL=30",
        id="new_york_every_30_minutes_through_the_repeated_hour",
    ),
    pytest.param(
        "remind me every hour to check the generator",
        "2026-03-29T00:30:00",
        CPH,
        ["2026-03-29T01:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-29T04:30:00+02:00"],
        "FREQ=HOURLY",
        id="copenhagen_every_hour_across_spring_forward",
    ),
]


@pytest.mark.parametrize(("text", "now", "tz", "occurrences", "rrule"), RECURRING)
def test_recurring_across_dst(
    text: str, now: str, tz: str, occurrences: list[str], rrule: str
) -> None:
    result = run(text, now, tz)
    assert (result["occurrences"], result["rrule"]) == (occurrences, rrule)


def test_now_with_offset_picks_the_second_instance_of_a_repeated_hour() -> None:
    # 01:15 EST is the second 01:15 that night; 30 minutes later is 01:45 EST.
    result = run("remind me in 30 minutes to check the generator", "2026-11-01T01:15:00-05:00", NY)
    assert result["occurrences"] == ["2026-11-01T01:45:00-05:00"]


SEVERAL_TIMES = [
    pytest.param(
        "remind me tomorrow at 2:30am and 2:30pm to check the backup",
        "2026-03-28T10:00:00",
        CPH,
        ["2026-03-29T03:00:00+02:00", "2026-03-29T14:30:00+02:00"],
        "FREQ=DAILY;BYHOUR=2,14;BYMINUTE=30;COUNT=2",
        id="copenhagen_0230_in_the_gap_and_1430",
    ),
    pytest.param(
        "remind me tomorrow at 1:30am and 2:30am to check the backup",
        "2026-03-07T10:00:00",
        NY,
        ["2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"],
        "FREQ=DAILY;BYHOUR=1,2;BYMINUTE=30;COUNT=2",
        id="new_york_0130_and_0230_in_the_gap",
    ),
]


@pytest.mark.parametrize(("text", "now", "tz", "occurrences", "rrule"), SEVERAL_TIMES)
def test_several_times_keep_the_written_clock_when_one_is_in_a_gap(
    text: str, now: str, tz: str, occurrences: list[str], rrule: str
) -> None:
    # The rule holds 02:30 as written; the gap moves that one occurrence to 03:00.
    result = run(text, now, tz)
    assert (result["occurrences"], result["rrule"]) == (occurrences, rrule)


COUNTED = [
    pytest.param(
        "remind me every day at 02:30 and 14:30 3 times to check the backup",
        datetime(2026, 3, 29, 0, 0),
        ["2026-03-29T03:00:00+02:00", "2026-03-29T14:30:00+02:00", "2026-03-30T02:30:00+02:00"],
        id="the_days_first_time_is_in_the_gap",
    ),
    pytest.param(
        "remind me every day at 1:30am and 2:30am 3 times to check the backup",
        datetime(2026, 3, 29, 1, 45),
        ["2026-03-29T03:00:00+02:00", "2026-03-30T01:30:00+02:00", "2026-03-30T02:30:00+02:00"],
        id="a_later_time_is_in_the_gap",
    ),
]


@pytest.mark.parametrize(("text", "now", "series"), COUNTED)
def test_a_counted_repeat_keeps_a_time_moved_out_of_the_gap(
    text: str, now: datetime, series: list[str]
) -> None:
    # As without a count: 02:30 that day fires at 03:00, and it is one of the times.
    when = now.replace(tzinfo=ZoneInfo(CPH))
    result = parse(text, when, CPH)
    assert isinstance(result, Command) and result.recurrence is not None, result
    every = occurrences_after(result.recurrence, when, 10)
    assert [t.isoformat() for t in every] == series
    uncounted = parse(text.replace(" 3 times", ""), when, CPH)
    assert isinstance(uncounted, Command) and uncounted.recurrence is not None
    assert uncounted.occurrences == tuple(every)


FIRST_OF_THE_REPEATED_HOUR = [
    # 02:30 CEST, the first 02:30 of the night the clocks go back; an hour later is 02:30 CET.
    (
        "remind me in 1 hour to stretch",
        "2026-10-25T02:30:00+02:00",
        CPH,
        "2026-10-25T02:30:00+01:00",
    ),
    (
        "remind me in 45 minutes to stretch",
        "2026-10-25T02:30:00+02:00",
        CPH,
        "2026-10-25T02:15:00+01:00",
    ),
    # 01:30 EDT; 40 minutes later is 01:10 EST, earlier on the clock face.
    (
        "remind me in 40 minutes to stretch",
        "2026-11-01T01:30:00-04:00",
        NY,
        "2026-11-01T01:10:00-05:00",
    ),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), FIRST_OF_THE_REPEATED_HOUR)
def test_a_time_later_in_fact_but_earlier_on_the_clock_is_not_past(
    text: str, now: str, tz: str, expected: str
) -> None:
    result = run(text, now, tz)
    assert result["ok"], result
    assert result["occurrences"] == [expected]


@pytest.mark.parametrize(
    ("text", "now", "tz", "said"),
    [
        ("remind me in 1 hour to stretch", "2026-10-25T02:30:00+02:00", CPH, "in 1 hour"),
        ("remind me in 1 minute to stretch", "2026-03-29T01:59:00+01:00", CPH, "in 1 minute"),
        ("remind me in 1 minute to stretch", "2026-11-23T23:59:30+01:00", CPH, "in 1 minute"),
        ("remind me in 2 hours to stretch", "2026-11-23T23:00:00+01:00", CPH, "in 2 hours"),
        ("remind me tomorrow at 9 to stretch", "2026-11-23T10:00:00+01:00", CPH, "tomorrow"),
    ],
)
def test_how_soon_counts_real_time(text: str, now: str, tz: str, said: str) -> None:
    result = parse(text, datetime.fromisoformat(now), tz)
    assert isinstance(result, Command) and result.when is not None, result
    assert describe.relative(result.when, datetime.fromisoformat(now)) == said
