"""One-off times, read from the phrase rules ("One-off times" and the clock forms).

Every expected value was worked out by hand from the spec, not from the parser. The reference
week is 23-29 November 2026 in Europe/Copenhagen (UTC+01:00 all month):

    Mo 23  Tu 24  We 25  Th 26  Fr 27  Sa 28  Su 29  |  Mo 30  Tu 1 Dec ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Prefs, parse
from bot.parsing.batch import answer
from bot.parsing.model import Command

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"  # Monday 10:00
MON_EARLY = "2026-11-23T08:00:00"  # Monday 08:00, before the 09:00 default
MON_LATE = "2026-11-23T18:00:00"  # Monday 18:00
SUN = "2026-11-29T10:00:00"  # Sunday 10:00


def run(text: str, now: str, tz: str = CPH) -> dict[str, Any]:
    return dict(answer({"text": text, "now": now, "tz": tz}))


def one_off(text: str, now: str, tz: str = CPH) -> str:
    """The single occurrence of a one-off reminder, after checking the result's shape."""
    result = run(text, now, tz)
    assert result["ok"] is True, result
    assert result["rrule"] is None, result
    assert len(result["occurrences"]) == 1, result
    occurrence: str = result["occurrences"][0]
    return occurrence


def check(text: str, now: str, expected: str) -> None:
    assert one_off(text, now) == expected


# | time with no date (`at 3pm`, `15:00`) | the next future occurrence: today if still ahead,
# else tomorrow |
TIME_WITHOUT_DATE = [
    pytest.param(
        "remind me at 3pm to call Bo", MON, "2026-11-23T15:00:00+01:00", id="at_3pm_ahead_is_today"
    ),
    pytest.param(
        "remind me at 3pm to call Bo",
        MON_LATE,
        "2026-11-24T15:00:00+01:00",
        id="at_3pm_passed_is_tomorrow",
    ),
    pytest.param(
        "remind me at 3pm to call Bo",
        "2026-11-23T15:00:00",
        "2026-11-24T15:00:00+01:00",
        id="at_3pm_said_at_exactly_3pm_is_tomorrow",
    ),
    pytest.param(
        "remind me at 3pm to call Bo",
        "2026-11-23T14:59:30",
        "2026-11-23T15:00:00+01:00",
        id="at_3pm_thirty_seconds_before_is_today",
    ),
    pytest.param(
        "remind me 15:00 to call Bo", MON, "2026-11-23T15:00:00+01:00", id="24h_ahead_is_today"
    ),
    pytest.param(
        "remind me at 15:00 to call Bo",
        "2026-11-23T16:00:00",
        "2026-11-24T15:00:00+01:00",
        id="24h_passed_is_tomorrow",
    ),
    pytest.param(
        "remind me at 3pm to call Bo",
        "2026-11-30T16:00:00",
        "2026-12-01T15:00:00+01:00",
        id="passed_on_last_day_of_month_rolls_into_next_month",
    ),
    pytest.param(
        "remind me at 3pm to call Bo",
        "2026-12-31T16:00:00",
        "2027-01-01T15:00:00+01:00",
        id="passed_on_new_years_eve_rolls_into_next_year",
    ),
]

# | date with no time (`tomorrow`, `June 1`, `on Friday`) | that date at the default time, 09:00 |
DATE_WITHOUT_TIME = [
    pytest.param(
        "remind me tomorrow to call Bo", MON, "2026-11-24T09:00:00+01:00", id="tomorrow_is_0900"
    ),
    pytest.param(
        "remind me tomorrow to call Bo",
        "2026-11-23T23:30:00",
        "2026-11-24T09:00:00+01:00",
        id="tomorrow_said_late_at_night",
    ),
    pytest.param(
        "remind me tomorrow to call Bo",
        "2026-12-31T10:00:00",
        "2027-01-01T09:00:00+01:00",
        id="tomorrow_across_year_end",
    ),
    pytest.param(
        "remind me on June 1 to call Bo",
        MON,
        "2027-06-01T09:00:00+02:00",
        id="june_1_already_passed_this_year_is_next_year",
    ),
    pytest.param(
        "remind me on December 24 to call Bo",
        MON,
        "2026-12-24T09:00:00+01:00",
        id="december_24_later_this_year",
    ),
    pytest.param(
        "remind me on Friday to call Bo", MON, "2026-11-27T09:00:00+01:00", id="on_friday_is_0900"
    ),
    pytest.param(
        "remind me today to call Bo",
        MON_EARLY,
        "2026-11-23T09:00:00+01:00",
        id="today_before_0900_is_today_0900",
    ),
    pytest.param(
        "remind me today at 3pm to call Bo",
        MON,
        "2026-11-23T15:00:00+01:00",
        id="today_with_a_time_ahead",
    ),
]

# | weekday (`Friday`, `on fri`) | the nearest future date with that weekday (today counts if the
# time is still ahead) |  and  | `this <weekday>` | same as `<weekday>` |
WEEKDAYS = [
    pytest.param("remind me Friday to call Bo", MON, "2026-11-27T09:00:00+01:00", id="friday"),
    pytest.param("remind me on fri to call Bo", MON, "2026-11-27T09:00:00+01:00", id="on_fri"),
    pytest.param(
        "remind me on Sunday to call Bo", MON, "2026-11-29T09:00:00+01:00", id="sunday_same_week"
    ),
    pytest.param(
        "remind me on Monday to call Bo",
        MON_EARLY,
        "2026-11-23T09:00:00+01:00",
        id="today_weekday_counts_when_0900_still_ahead",
    ),
    pytest.param(
        "remind me on Monday to call Bo",
        MON,
        "2026-11-30T09:00:00+01:00",
        id="today_weekday_after_0900_is_next_week",
    ),
    pytest.param(
        "remind me on Monday at 3pm to call Bo",
        MON,
        "2026-11-23T15:00:00+01:00",
        id="today_weekday_counts_when_given_time_still_ahead",
    ),
    pytest.param(
        "remind me on Tuesday to call Bo",
        "2026-11-24T08:59:00",
        "2026-11-24T09:00:00+01:00",
        id="tuesday_said_tuesday_0859_is_today",
    ),
    pytest.param(
        "remind me on Saturday to call Bo",
        SUN,
        "2026-12-05T09:00:00+01:00",
        id="saturday_said_on_sunday_wraps_to_next_saturday",
    ),
    pytest.param(
        "remind me this Friday to call Bo", MON, "2026-11-27T09:00:00+01:00", id="this_friday"
    ),
    pytest.param(
        "remind me this Sunday to call Bo", MON, "2026-11-29T09:00:00+01:00", id="this_sunday"
    ),
    pytest.param(
        "remind me this Monday to call Bo",
        MON_EARLY,
        "2026-11-23T09:00:00+01:00",
        id="this_monday_on_monday_before_0900_is_today",
    ),
    pytest.param(
        "remind me this Monday to call Bo",
        MON,
        "2026-11-30T09:00:00+01:00",
        id="this_monday_on_monday_after_0900_is_next_week",
    ),
    pytest.param(
        "remind me this Saturday to call Bo",
        SUN,
        "2026-12-05T09:00:00+01:00",
        id="this_saturday_said_on_sunday",
    ),
]

# | `next <weekday>` | that weekday in the next calendar week (weeks start on Monday) |
NEXT_WEEKDAY = [
    pytest.param(
        "remind me next Friday to call Bo",
        MON,
        "2026-12-04T09:00:00+01:00",
        id="next_friday_on_monday_skips_this_weeks_friday",
    ),
    pytest.param(
        "remind me next Monday to call Bo", MON, "2026-11-30T09:00:00+01:00", id="next_monday"
    ),
    pytest.param(
        "remind me next Sunday to call Bo",
        MON,
        "2026-12-06T09:00:00+01:00",
        id="next_sunday_on_monday_is_sunday_of_next_week",
    ),
    pytest.param(
        "remind me next Sunday to call Bo",
        SUN,
        "2026-12-06T09:00:00+01:00",
        id="next_sunday_on_sunday_is_a_week_later",
    ),
    pytest.param(
        "remind me next Wednesday to call Bo",
        SUN,
        "2026-12-02T09:00:00+01:00",
        id="next_wednesday_on_sunday_is_three_days_later",
    ),
    pytest.param(
        "remind me next Saturday to call Bo",
        "2026-11-28T10:00:00",
        "2026-12-05T09:00:00+01:00",
        id="next_saturday_on_saturday",
    ),
    pytest.param(
        "remind me next Friday at 3pm to call Bo",
        "2026-11-25T10:00:00",
        "2026-12-04T15:00:00+01:00",
        id="next_friday_with_time",
    ),
    pytest.param(
        "remind me next Tuesday to call Bo",
        "2026-12-30T10:00:00",
        "2027-01-05T09:00:00+01:00",
        id="next_tuesday_across_year_end",
    ),
]

# | `in 10 minutes`, `in 2 hours`, `in 1h30m`, `in half an hour`, `in an hour` | now + duration |
# and: a clock duration keeps now's seconds (microseconds dropped).
CLOCK_DURATIONS = [
    pytest.param("remind me in 10 minutes to call Bo", MON, "2026-11-23T10:10:00+01:00", id="10m"),
    pytest.param("remind me in 2 hours to call Bo", MON, "2026-11-23T12:00:00+01:00", id="2h"),
    pytest.param("remind me in 1h30m to call Bo", MON, "2026-11-23T11:30:00+01:00", id="1h30m"),
    pytest.param(
        "remind me in half an hour to call Bo", MON, "2026-11-23T10:30:00+01:00", id="half_hour"
    ),
    pytest.param("remind me in an hour to call Bo", MON, "2026-11-23T11:00:00+01:00", id="an_hour"),
    pytest.param(
        "remind me in 10 minutes to call Bo",
        "2026-11-23T23:55:00",
        "2026-11-24T00:05:00+01:00",
        id="10m_across_midnight",
    ),
    pytest.param(
        "remind me in 1 minute to call Bo",
        "2026-11-23T10:00:40",
        "2026-11-23T10:01:40+01:00",
        id="1_minute_keeps_nows_seconds",
    ),
    pytest.param(
        "remind me in 2 hours to call Bo",
        "2026-11-23T10:00:40",
        "2026-11-23T12:00:40+01:00",
        id="2_hours_keeps_nows_seconds",
    ),
    pytest.param(
        "remind me in 24 hours to call Bo",
        "2026-11-23T10:00:40",
        "2026-11-24T10:00:40+01:00",
        id="24_hours_is_a_clock_duration_and_keeps_seconds",
    ),
]

# | `in 3 days`, `in 2 weeks`, `in a month` | now + duration, same time of day, unless a time is
# given (`in 3 days at 5pm`) |
CALENDAR_DURATIONS = [
    pytest.param("remind me in 3 days to call Bo", MON, "2026-11-26T10:00:00+01:00", id="3_days"),
    pytest.param("remind me in 2 weeks to call Bo", MON, "2026-12-07T10:00:00+01:00", id="2_weeks"),
    pytest.param("remind me in a month to call Bo", MON, "2026-12-23T10:00:00+01:00", id="a_month"),
    pytest.param(
        "remind me in 3 days at 5pm to call Bo",
        MON,
        "2026-11-26T17:00:00+01:00",
        id="3_days_at_5pm_takes_the_given_time",
    ),
    pytest.param(
        "remind me in 2 weeks to call Bo",
        "2026-12-28T10:00:00",
        "2027-01-11T10:00:00+01:00",
        id="2_weeks_across_year_end",
    ),
    pytest.param(
        "remind me in 3 days to call Bo",
        "2026-11-23T10:00:40",
        "2026-11-26T10:00:00+01:00",
        id="calendar_duration_is_minute_precise",
    ),
]

# | bare hour (`at 5`, `at 9:30`) with no date | the nearer future of h:mm and (h+12):mm |
BARE_HOUR_WITHOUT_DATE = [
    pytest.param(
        "remind me at 5 to call Bo", MON, "2026-11-23T17:00:00+01:00", id="at_5_at_1000_is_1700"
    ),
    pytest.param(
        "remind me at 5 to call Bo",
        "2026-11-23T03:00:00",
        "2026-11-23T05:00:00+01:00",
        id="at_5_at_0300_is_0500",
    ),
    pytest.param(
        "remind me at 5 to call Bo",
        MON_LATE,
        "2026-11-24T05:00:00+01:00",
        id="at_5_at_1800_is_0500_tomorrow",
    ),
    pytest.param(
        "remind me at 9:30 to call Bo",
        MON,
        "2026-11-23T21:30:00+01:00",
        id="at_930_at_1000_is_2130",
    ),
    pytest.param(
        "remind me at 9:30 to call Bo",
        MON_EARLY,
        "2026-11-23T09:30:00+01:00",
        id="at_930_at_0800_is_0930",
    ),
    pytest.param(
        "remind me at 9:30 to call Bo",
        "2026-11-23T22:00:00",
        "2026-11-24T09:30:00+01:00",
        id="at_930_at_2200_is_0930_tomorrow",
    ),
    pytest.param(
        "remind me at 11 to call Bo", MON, "2026-11-23T11:00:00+01:00", id="at_11_at_1000_is_1100"
    ),
    pytest.param(
        "remind me at 11 to call Bo",
        "2026-11-23T11:30:00",
        "2026-11-23T23:00:00+01:00",
        id="at_11_at_1130_is_2300",
    ),
]

# | bare hour with a date (`tomorrow at 5`) | 1-6 -> PM, 7-11 -> AM, 12 -> noon |
BARE_HOUR_WITH_DATE = [
    pytest.param("remind me tomorrow at 1 to call Bo", MON, "2026-11-24T13:00:00+01:00", id="1_pm"),
    pytest.param("remind me tomorrow at 5 to call Bo", MON, "2026-11-24T17:00:00+01:00", id="5_pm"),
    pytest.param("remind me tomorrow at 6 to call Bo", MON, "2026-11-24T18:00:00+01:00", id="6_pm"),
    pytest.param(
        "remind me tomorrow at 6:30 to call Bo", MON, "2026-11-24T18:30:00+01:00", id="6_30_pm"
    ),
    pytest.param("remind me tomorrow at 7 to call Bo", MON, "2026-11-24T07:00:00+01:00", id="7_am"),
    pytest.param(
        "remind me tomorrow at 11 to call Bo", MON, "2026-11-24T11:00:00+01:00", id="11_am"
    ),
    pytest.param(
        "remind me tomorrow at 12 to call Bo", MON, "2026-11-24T12:00:00+01:00", id="12_noon"
    ),
    pytest.param(
        "remind me on Friday at 3 to call Bo", MON, "2026-11-27T15:00:00+01:00", id="weekday_3_pm"
    ),
    pytest.param(
        "remind me on December 24 at 8 to call Bo",
        MON,
        "2026-12-24T08:00:00+01:00",
        id="date_8_am",
    ),
    pytest.param(
        "remind me today at 5 to call Bo", MON, "2026-11-23T17:00:00+01:00", id="today_5_pm"
    ),
]

# | `noon`, `midday` | 12:00 |  | `midnight` | 00:00 of the next day |
NOON_AND_MIDNIGHT = [
    pytest.param("remind me at noon to call Bo", MON, "2026-11-23T12:00:00+01:00", id="noon_ahead"),
    pytest.param(
        "remind me at noon to call Bo",
        "2026-11-23T13:00:00",
        "2026-11-24T12:00:00+01:00",
        id="noon_passed_is_tomorrow",
    ),
    pytest.param("remind me at midday to call Bo", MON, "2026-11-23T12:00:00+01:00", id="midday"),
    pytest.param(
        "remind me tomorrow at noon to call Bo",
        MON,
        "2026-11-24T12:00:00+01:00",
        id="tomorrow_noon",
    ),
    pytest.param(
        "remind me at midnight to call Bo", MON, "2026-11-24T00:00:00+01:00", id="midnight"
    ),
    pytest.param(
        "remind me at midnight to call Bo",
        "2026-11-23T23:30:00",
        "2026-11-24T00:00:00+01:00",
        id="midnight_said_at_2330",
    ),
    pytest.param(
        "remind me at midnight to call Bo",
        "2026-11-30T10:00:00",
        "2026-12-01T00:00:00+01:00",
        id="midnight_at_month_end",
    ),
]

# | `morning` 09:00 | `afternoon` 14:00 | `evening` 18:00 | `tonight` 20:00 today |
# A bare part of day (`morning`) with no day means the next one.
PARTS_OF_DAY = [
    pytest.param(
        "remind me tomorrow morning to call Bo",
        MON,
        "2026-11-24T09:00:00+01:00",
        id="tomorrow_morning",
    ),
    pytest.param(
        "remind me this morning to call Bo",
        MON_EARLY,
        "2026-11-23T09:00:00+01:00",
        id="this_morning_before_0900",
    ),
    pytest.param(
        "remind me in the morning to call Bo",
        MON,
        "2026-11-24T09:00:00+01:00",
        id="bare_morning_after_0900_is_tomorrow",
    ),
    pytest.param(
        "remind me in the morning to call Bo",
        "2026-11-23T06:00:00",
        "2026-11-23T09:00:00+01:00",
        id="bare_morning_before_0900_is_today",
    ),
    pytest.param(
        "remind me this afternoon to call Bo",
        MON,
        "2026-11-23T14:00:00+01:00",
        id="this_afternoon",
    ),
    pytest.param(
        "remind me tomorrow afternoon to call Bo",
        MON,
        "2026-11-24T14:00:00+01:00",
        id="tomorrow_afternoon",
    ),
    pytest.param(
        "remind me in the afternoon to call Bo",
        "2026-11-23T15:00:00",
        "2026-11-24T14:00:00+01:00",
        id="bare_afternoon_after_1400_is_tomorrow",
    ),
    pytest.param(
        "remind me this evening to call Bo", MON, "2026-11-23T18:00:00+01:00", id="this_evening"
    ),
    pytest.param(
        "remind me tomorrow evening to call Bo",
        MON,
        "2026-11-24T18:00:00+01:00",
        id="tomorrow_evening",
    ),
    pytest.param(
        "remind me in the evening to call Bo",
        "2026-11-23T19:00:00",
        "2026-11-24T18:00:00+01:00",
        id="bare_evening_after_1800_is_tomorrow",
    ),
    pytest.param("remind me tonight to call Bo", MON, "2026-11-23T20:00:00+01:00", id="tonight"),
    pytest.param(
        "remind me tonight to call Bo",
        "2026-11-23T19:59:00",
        "2026-11-23T20:00:00+01:00",
        id="tonight_one_minute_before",
    ),
]

# | `end of day`, `eod`, `cob` | 17:00 today (tomorrow if already past) |
# | `end of week`, `eow` | Friday 17:00 of this week (next week if already past) |
# | `end of month` | last day of this month 17:00 |
END_OF = [
    pytest.param(
        "remind me end of day to call Bo", MON, "2026-11-23T17:00:00+01:00", id="eod_long"
    ),
    pytest.param("remind me eod to call Bo", MON, "2026-11-23T17:00:00+01:00", id="eod"),
    pytest.param("remind me cob to call Bo", MON, "2026-11-23T17:00:00+01:00", id="cob"),
    pytest.param(
        "remind me eod to call Bo", MON_LATE, "2026-11-24T17:00:00+01:00", id="eod_passed"
    ),
    pytest.param(
        "remind me end of day to call Bo",
        "2026-11-27T17:30:00",
        "2026-11-28T17:00:00+01:00",
        id="eod_passed_on_friday_is_saturday",
    ),
    pytest.param(
        "remind me end of week to call Bo", MON, "2026-11-27T17:00:00+01:00", id="eow_long"
    ),
    pytest.param("remind me eow to call Bo", MON, "2026-11-27T17:00:00+01:00", id="eow"),
    pytest.param(
        "remind me eow to call Bo",
        "2026-11-27T16:00:00",
        "2026-11-27T17:00:00+01:00",
        id="eow_on_friday_before_1700",
    ),
    pytest.param(
        "remind me eow to call Bo",
        "2026-11-27T18:00:00",
        "2026-12-04T17:00:00+01:00",
        id="eow_on_friday_after_1700_is_next_week",
    ),
    pytest.param(
        "remind me end of week to call Bo",
        "2026-11-28T10:00:00",
        "2026-12-04T17:00:00+01:00",
        id="eow_on_saturday_is_next_week",
    ),
    pytest.param(
        "remind me end of week to call Bo",
        SUN,
        "2026-12-04T17:00:00+01:00",
        id="eow_on_sunday_is_next_week",
    ),
    pytest.param(
        "remind me end of month to call Bo", MON, "2026-11-30T17:00:00+01:00", id="eom_november"
    ),
    pytest.param(
        "remind me end of month to call Bo",
        "2027-02-10T10:00:00",
        "2027-02-28T17:00:00+01:00",
        id="eom_february",
    ),
    pytest.param(
        "remind me end of month to call Bo",
        "2028-02-10T10:00:00",
        "2028-02-29T17:00:00+01:00",
        id="eom_february_leap_year",
    ),
    pytest.param(
        "remind me end of month to call Bo",
        "2026-12-31T10:00:00",
        "2026-12-31T17:00:00+01:00",
        id="eom_said_on_the_last_day",
    ),
]

# | `next week` | Monday of next week 09:00 |  | `next month` | the 1st of next month 09:00 |
# | `this weekend`, `weekend` | the coming Saturday 09:00 |  | `the 15th` | the next 15th at 09:00 |
NAMED_PERIODS = [
    pytest.param(
        "remind me next week to call Bo", MON, "2026-11-30T09:00:00+01:00", id="next_week"
    ),
    pytest.param(
        "remind me next week to call Bo",
        SUN,
        "2026-11-30T09:00:00+01:00",
        id="next_week_on_sunday_is_tomorrow",
    ),
    pytest.param(
        "remind me next week to call Bo",
        "2026-12-30T10:00:00",
        "2027-01-04T09:00:00+01:00",
        id="next_week_across_year_end",
    ),
    pytest.param(
        "remind me next month to call Bo", MON, "2026-12-01T09:00:00+01:00", id="next_month"
    ),
    pytest.param(
        "remind me next month to call Bo",
        "2026-12-15T10:00:00",
        "2027-01-01T09:00:00+01:00",
        id="next_month_across_year_end",
    ),
    pytest.param(
        "remind me this weekend to call Bo", MON, "2026-11-28T09:00:00+01:00", id="this_weekend"
    ),
    pytest.param(
        "remind me this weekend to call Bo",
        "2026-11-27T10:00:00",
        "2026-11-28T09:00:00+01:00",
        id="this_weekend_on_friday",
    ),
    pytest.param(
        "remind me this weekend to call Bo",
        "2026-11-28T08:00:00",
        "2026-11-28T09:00:00+01:00",
        id="this_weekend_on_saturday_before_0900_is_today",
    ),
    pytest.param(
        "remind me this weekend to call Bo",
        "2026-11-28T10:00:00",
        "2026-12-05T09:00:00+01:00",
        id="this_weekend_on_saturday_after_0900_is_the_coming_saturday",
    ),
    pytest.param(
        "remind me on the weekend to call Bo", MON, "2026-11-28T09:00:00+01:00", id="weekend"
    ),
    pytest.param(
        "remind me on the 15th to call Bo", MON, "2026-12-15T09:00:00+01:00", id="the_15th"
    ),
    pytest.param(
        "remind me on the 15th to call Bo",
        "2026-12-10T10:00:00",
        "2026-12-15T09:00:00+01:00",
        id="the_15th_later_this_month",
    ),
    pytest.param(
        "remind me on the 15th to call Bo",
        "2026-12-15T08:00:00",
        "2026-12-15T09:00:00+01:00",
        id="the_15th_on_the_15th_before_0900",
    ),
    pytest.param(
        "remind me on the 15th to call Bo",
        "2026-12-15T10:00:00",
        "2027-01-15T09:00:00+01:00",
        id="the_15th_on_the_15th_after_0900",
    ),
    pytest.param(
        "remind me on the 15th at 3pm to call Bo",
        "2026-12-15T10:00:00",
        "2026-12-15T15:00:00+01:00",
        id="the_15th_with_time_still_ahead",
    ),
]

# | numeric dates | ISO `2026-06-01` always; `6/1` is month/day unless the user's date order is
# day/month |  and  | a date with no year | its next future occurrence |
DATES = [
    pytest.param("remind me on 2027-06-01 to call Bo", MON, "2027-06-01T09:00:00+02:00", id="iso"),
    pytest.param(
        "remind me on 2026-12-01 at 14:30 to call Bo",
        MON,
        "2026-12-01T14:30:00+01:00",
        id="iso_with_time",
    ),
    pytest.param(
        "remind me on 6/1 to call Bo", MON, "2027-06-01T09:00:00+02:00", id="m_d_is_june_1"
    ),
    pytest.param(
        "remind me on 12/5 to call Bo", MON, "2026-12-05T09:00:00+01:00", id="m_d_is_december_5"
    ),
    pytest.param("remind me on 6/1/2027 to call Bo", MON, "2027-06-01T09:00:00+02:00", id="m_d_y"),
    pytest.param(
        "remind me on March 3 to call Bo",
        MON,
        "2027-03-03T09:00:00+01:00",
        id="no_year_passed_is_next_year",
    ),
    pytest.param(
        "remind me on Nov 23 to call Bo",
        MON,
        "2027-11-23T09:00:00+01:00",
        id="no_year_today_after_0900_is_next_year",
    ),
    pytest.param(
        "remind me on Nov 23 at 3pm to call Bo",
        MON,
        "2026-11-23T15:00:00+01:00",
        id="no_year_today_with_time_ahead_is_today",
    ),
    pytest.param(
        "remind me on Dec 24 to call Bo",
        MON,
        "2026-12-24T09:00:00+01:00",
        id="abbreviated_month_dec_first",
    ),
    pytest.param(
        "remind me on 24 Dec to call Bo",
        MON,
        "2026-12-24T09:00:00+01:00",
        id="abbreviated_month_dec_after_day",
    ),
    pytest.param(
        "remind me on Mar 3 to call Bo",
        MON,
        "2027-03-03T09:00:00+01:00",
        id="abbreviated_month_mar_first",
    ),
    pytest.param(
        "remind me on 3 Mar at 3pm to call Bo",
        MON,
        "2027-03-03T15:00:00+01:00",
        id="abbreviated_month_mar_after_day_with_time",
    ),
    pytest.param(
        "remind me on 24 December to call Bo",
        MON,
        "2026-12-24T09:00:00+01:00",
        id="day_before_full_month_name",
    ),
    pytest.param(
        "remind me on Jan 5 to call Bo",
        "2026-12-31T10:00:00",
        "2027-01-05T09:00:00+01:00",
        id="no_year_early_next_year",
    ),
    pytest.param(
        "remind me on 29 February to call Bo",
        MON,
        "2028-02-29T09:00:00+01:00",
        id="feb_29_without_year_is_next_leap_day",
    ),
]

# Clock forms to accept: `9am`, `9 am`, `9a`, `9:30`, `09:30`, `9.30pm`, `21:30`, `9 o'clock`,
# `half past 9`, `quarter to 5`, `quarter past 3`.
# With a date the bare forms follow "1-6 -> PM, 7-11 -> AM".
CLOCK_FORMS_WITH_DATE = [
    pytest.param("9am", "09:00", id="9am"),
    pytest.param("9 am", "09:00", id="9_space_am"),
    pytest.param("9a", "09:00", id="9a"),
    pytest.param("9:30", "09:30", id="9_30_bare_7_to_11_is_am"),
    pytest.param("09:30", "09:30", id="09_30"),
    pytest.param("9.30pm", "21:30", id="9_dot_30pm"),
    pytest.param("21:30", "21:30", id="21_30"),
    pytest.param("9 o'clock", "09:00", id="9_oclock"),
    pytest.param("half past 9", "09:30", id="half_past_9"),
    pytest.param("quarter to 5", "16:45", id="quarter_to_5_bare_1_to_6_is_pm"),
    pytest.param("quarter past 3", "15:15", id="quarter_past_3_bare_1_to_6_is_pm"),
]

# Without a date, said on Monday 08:00: bare forms take the nearer future of h and h+12.
CLOCK_FORMS_AT_0800 = [
    pytest.param("9am", "2026-11-23T09:00:00+01:00", id="9am"),
    pytest.param("9 am", "2026-11-23T09:00:00+01:00", id="9_space_am"),
    pytest.param("9a", "2026-11-23T09:00:00+01:00", id="9a"),
    pytest.param("9:30", "2026-11-23T09:30:00+01:00", id="9_30"),
    pytest.param("09:30", "2026-11-23T09:30:00+01:00", id="09_30"),
    pytest.param("9.30pm", "2026-11-23T21:30:00+01:00", id="9_dot_30pm"),
    pytest.param("21:30", "2026-11-23T21:30:00+01:00", id="21_30"),
    pytest.param("9 o'clock", "2026-11-23T09:00:00+01:00", id="9_oclock"),
    pytest.param("half past 9", "2026-11-23T09:30:00+01:00", id="half_past_9"),
    pytest.param("quarter to 5", "2026-11-23T16:45:00+01:00", id="quarter_to_5_is_1645"),
    pytest.param("quarter past 3", "2026-11-23T15:15:00+01:00", id="quarter_past_3_is_1515"),
]

# Said on Monday 10:00: explicit am has passed (tomorrow); bare 9 / 9:30 become 21:00 / 21:30.
CLOCK_FORMS_AT_1000 = [
    pytest.param("9am", "2026-11-24T09:00:00+01:00", id="9am_passed_is_tomorrow"),
    pytest.param("9a", "2026-11-24T09:00:00+01:00", id="9a_passed_is_tomorrow"),
    pytest.param("9.30pm", "2026-11-23T21:30:00+01:00", id="9_dot_30pm_today"),
    pytest.param("9 o'clock", "2026-11-23T21:00:00+01:00", id="9_oclock_bare_is_2100"),
    pytest.param("half past 9", "2026-11-23T21:30:00+01:00", id="half_past_9_bare_is_2130"),
]


@pytest.mark.parametrize(("text", "now", "expected"), TIME_WITHOUT_DATE)
def test_time_without_date_is_next_future_occurrence(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), DATE_WITHOUT_TIME)
def test_date_without_time_is_0900(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), WEEKDAYS)
def test_weekday_is_nearest_future_date(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), NEXT_WEEKDAY)
def test_next_weekday_is_in_next_calendar_week(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), CLOCK_DURATIONS)
def test_clock_duration_is_now_plus_elapsed_time(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), CALENDAR_DURATIONS)
def test_calendar_duration_keeps_time_of_day(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), BARE_HOUR_WITHOUT_DATE)
def test_bare_hour_without_date_is_nearer_of_am_and_pm(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), BARE_HOUR_WITH_DATE)
def test_bare_hour_with_date_follows_working_hours(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), NOON_AND_MIDNIGHT)
def test_noon_and_midnight(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), PARTS_OF_DAY)
def test_parts_of_day(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), END_OF)
def test_end_of_day_week_and_month(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), NAMED_PERIODS)
def test_named_periods(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("text", "now", "expected"), DATES)
def test_dates_month_first_and_without_year(text: str, now: str, expected: str) -> None:
    check(text, now, expected)


@pytest.mark.parametrize(("form", "clock"), CLOCK_FORMS_WITH_DATE)
def test_clock_form_with_a_date(form: str, clock: str) -> None:
    expected = f"2026-11-24T{clock}:00+01:00"
    assert one_off(f"remind me tomorrow at {form} to call Bo", MON) == expected


@pytest.mark.parametrize(("form", "expected"), CLOCK_FORMS_AT_0800)
def test_clock_form_without_date_early(form: str, expected: str) -> None:
    assert one_off(f"remind me at {form} to call Bo", MON_EARLY) == expected


@pytest.mark.parametrize(("form", "expected"), CLOCK_FORMS_AT_1000)
def test_clock_form_without_date_after_the_morning_hour(form: str, expected: str) -> None:
    assert one_off(f"remind me at {form} to call Bo", MON) == expected


def test_now_with_an_offset_is_read_as_that_instant_and_answered_in_the_users_zone() -> None:
    # 09:00 UTC is 10:00 in Copenhagen.
    assert (
        one_off("remind me in 10 minutes to call Bo", "2026-11-23T09:00:00+00:00")
        == "2026-11-23T10:10:00+01:00"
    )


def test_now_with_an_offset_decides_today_in_the_users_zone() -> None:
    # 23:30 UTC on the 22nd is already 00:30 on Monday the 23rd in Copenhagen.
    assert (
        one_off("remind me tomorrow to call Bo", "2026-11-22T23:30:00+00:00")
        == "2026-11-24T09:00:00+01:00"
    )


# Numeric dates with the day/month preference (only reachable through parse()).
NOW_AWARE = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(CPH))

DMY_DATES = [
    pytest.param("on 6/1", datetime(2027, 1, 6, 9, 0), id="6_1_is_6_january"),
    pytest.param("on 12/5", datetime(2027, 5, 12, 9, 0), id="12_5_is_12_may_next_year"),
    pytest.param("on 25/12", datetime(2026, 12, 25, 9, 0), id="25_12_is_christmas"),
    pytest.param("on 6/1/2027", datetime(2027, 1, 6, 9, 0), id="6_1_2027_is_6_january"),
    pytest.param("on 2027-06-01", datetime(2027, 6, 1, 9, 0), id="iso_is_never_day_first"),
]

MDY_DATES = [
    pytest.param("on 6/1", datetime(2027, 6, 1, 9, 0), id="6_1_is_june_1"),
    pytest.param("on 12/5", datetime(2026, 12, 5, 9, 0), id="12_5_is_december_5"),
    pytest.param("on 2027-06-01", datetime(2027, 6, 1, 9, 0), id="iso"),
]


@pytest.mark.parametrize(("phrase", "local"), DMY_DATES)
def test_numeric_date_with_day_month_preference(phrase: str, local: datetime) -> None:
    result = parse(f"remind me {phrase} to call Bo", NOW_AWARE, CPH, Prefs(date_order="DMY"))
    assert isinstance(result, Command), result
    assert result.when == local.replace(tzinfo=ZoneInfo(CPH))
    assert result.when.isoformat() == local.replace(tzinfo=ZoneInfo(CPH)).isoformat()


@pytest.mark.parametrize(("phrase", "local"), MDY_DATES)
def test_numeric_date_with_default_preference_is_month_first(phrase: str, local: datetime) -> None:
    result = parse(f"remind me {phrase} to call Bo", NOW_AWARE, CPH)
    assert isinstance(result, Command), result
    assert result.when.isoformat() == local.replace(tzinfo=ZoneInfo(CPH)).isoformat()


def test_clock_duration_drops_microseconds_but_keeps_seconds() -> None:
    now = datetime(2026, 11, 23, 10, 0, 40, 123456, tzinfo=ZoneInfo(CPH))
    result = parse("remind me in 2 hours to call Bo", now, CPH)
    assert isinstance(result, Command), result
    assert result.when.isoformat() == "2026-11-23T12:00:40+01:00"
    assert result.occurrences == (result.when,)
    assert result.recurrence is None
