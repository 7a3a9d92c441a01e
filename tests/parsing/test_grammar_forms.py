"""Phrasings the grammar once misread (found by ``data/extra.jsonl``), one group per cause.

Reference: Monday 23 November 2026, 10:00 in Europe/Copenhagen (+01:00 until 28 March 2027):

    Mo 23  Tu 24  We 25  Th 26  Fr 27  Sa 28  Su 29  |  Mo 30  Tu 1 Dec ...
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.parsing.batch import answer

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"


def run(text: str, now: str = MON) -> dict[str, Any]:
    return dict(answer({"text": text, "now": now, "tz": CPH}))


def check(text: str, message: str, occurrences: list[str], rrule: str | None) -> None:
    result = run(text)
    assert result["ok"] is True, result
    got = (result["message"], result["occurrences"], result["rrule"])
    assert got == (message, occurrences, rrule)


YEARLY_ON_AND_WEEKLY_ON_PLURALS = [  # group A
    pytest.param(
        "remind me annually on Dec 25 to call the family",
        "call the family",
        ["2026-12-25T09:00:00+01:00", "2027-12-25T09:00:00+01:00", "2028-12-25T09:00:00+01:00"],
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25;BYHOUR=9;BYMINUTE=0",
        id="annually_on_date",
    ),
    pytest.param(
        "remind me yearly on 3 March at 10am to renew the domain",
        "renew the domain",
        ["2027-03-03T10:00:00+01:00", "2028-03-03T10:00:00+01:00", "2029-03-03T10:00:00+01:00"],
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3;BYHOUR=10;BYMINUTE=0",
        id="yearly_on_day_month_with_time",
    ),
    pytest.param(
        "remind me once a year on the 1st of February to renew the licence",
        "renew the licence",
        ["2027-02-01T09:00:00+01:00", "2028-02-01T09:00:00+01:00", "2029-02-01T09:00:00+01:00"],
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
        id="once_a_year_on_the_ordinal_of_month",
    ),
    pytest.param(
        "påmind mig hvert år den 3. marts om forsikringen",
        "forsikringen",
        ["2027-03-03T09:00:00+01:00", "2028-03-03T09:00:00+01:00", "2029-03-03T09:00:00+01:00"],
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3;BYHOUR=9;BYMINUTE=0",
        id="da_hvert_aar_den_3_marts",
    ),
    pytest.param(
        "remind me weekly on Fridays to send the report",
        "send the report",
        ["2026-11-27T09:00:00+01:00", "2026-12-04T09:00:00+01:00", "2026-12-11T09:00:00+01:00"],
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=9;BYMINUTE=0",
        id="weekly_on_plural_weekday",
    ),
    pytest.param(
        "remind me every 2 weeks on Tuesdays to water the plants",
        "water the plants",
        ["2026-11-24T09:00:00+01:00", "2026-12-08T09:00:00+01:00", "2026-12-22T09:00:00+01:00"],
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
        id="every_2_weeks_on_plural_weekday",
    ),
]

YEARLY_ORDINAL_OF_MONTH = [  # group B
    pytest.param(
        "remind me every 4th of July to buy fireworks",
        "buy fireworks",
        ["2027-07-04T09:00:00+02:00", "2028-07-04T09:00:00+02:00", "2029-07-04T09:00:00+02:00"],
        "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4;BYHOUR=9;BYMINUTE=0",
        id="every_4th_of_july",
    ),
    pytest.param(
        "remind me every 1st of January to renew the licence",
        "renew the licence",
        ["2027-01-01T09:00:00+01:00", "2028-01-01T09:00:00+01:00", "2029-01-01T09:00:00+01:00"],
        "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
        id="every_1st_of_january",
    ),
    pytest.param(
        "remind me every 4th to pay the rent",
        "pay the rent",
        ["2026-12-04T09:00:00+01:00", "2027-01-04T09:00:00+01:00", "2027-02-04T09:00:00+01:00"],
        "FREQ=MONTHLY;BYMONTHDAY=4;BYHOUR=9;BYMINUTE=0",
        id="every_4th_alone_stays_monthly",
    ),
]

SECOND_WEEKDAY = [  # group C
    pytest.param(
        "remind me every second Tuesday of the month to run the retro",
        "run the retro",
        ["2026-12-08T09:00:00+01:00", "2027-01-12T09:00:00+01:00", "2027-02-09T09:00:00+01:00"],
        "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=9;BYMINUTE=0",
        id="every_second_tuesday_of_the_month",
    ),
    pytest.param(
        "remind me every second Tuesday to water the plants",
        "water the plants",
        ["2026-11-24T09:00:00+01:00", "2026-12-08T09:00:00+01:00", "2026-12-22T09:00:00+01:00"],
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
        id="every_second_tuesday_is_every_other_week",
    ),
]

WEEKDAY_AND_DAY_OF_MONTH = [  # group D
    pytest.param(
        "remind me on Wednesday the 25th to renew the visa",
        "renew the visa",
        ["2026-11-25T09:00:00+01:00"],
        None,
        id="weekday_the_ordinal",
    ),
    pytest.param(
        "remind me on Friday the 13th to back up the server",
        "back up the server",
        ["2027-08-13T09:00:00+02:00"],
        None,
        id="weekday_the_ordinal_waits_for_the_weekday_to_match",
    ),
    pytest.param(
        "påmind mig onsdag den 25. om visummet",
        "visummet",
        ["2026-11-25T09:00:00+01:00"],
        None,
        id="da_onsdag_den_25",
    ),
    pytest.param(
        "remind me next month on the 5th to call the bank",
        "call the bank",
        ["2026-12-05T09:00:00+01:00"],
        None,
        id="next_month_on_the_ordinal",
    ),
    pytest.param(
        "remind me on the 5th next month to call the bank",
        "call the bank",
        ["2026-12-05T09:00:00+01:00"],
        None,
        id="the_ordinal_next_month",
    ),
    pytest.param(
        "remind me next week on Tuesday to book the room",
        "book the room",
        ["2026-12-01T09:00:00+01:00"],
        None,
        id="next_week_on_weekday",
    ),
]

AT_THE_NAMED_PERIOD = [  # group E
    pytest.param(
        "remind me at the end of the month to send invoices",
        "send invoices",
        ["2026-11-30T17:00:00+01:00"],
        None,
        id="at_the_end_of_the_month",
    ),
    pytest.param(
        "remind me at the end of the day to push the fix",
        "push the fix",
        ["2026-11-23T17:00:00+01:00"],
        None,
        id="at_the_end_of_the_day",
    ),
    pytest.param(
        "remind me at eod to push the fix",
        "push the fix",
        ["2026-11-23T17:00:00+01:00"],
        None,
        id="at_eod",
    ),
    pytest.param(
        "remind me at the weekend to clean the garage",
        "clean the garage",
        ["2026-11-28T09:00:00+01:00"],
        None,
        id="at_the_weekend",
    ),
    pytest.param(
        "remind me by the end of the week to file the report",
        "file the report",
        ["2026-11-27T17:00:00+01:00"],
        None,
        id="by_the_end_of_the_week",
    ),
    pytest.param(
        "remind me every day until the end of the month to stretch",
        "stretch",
        ["2026-11-24T09:00:00+01:00", "2026-11-25T09:00:00+01:00", "2026-11-26T09:00:00+01:00"],
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20261130T235959",
        id="until_the_end_of_the_month",
    ),
]

DANISH_NEXT_AND_DAY_NUMBERS = [  # group F
    pytest.param(
        "påmind mig næste uge om planlægningen",
        "planlægningen",
        ["2026-11-30T09:00:00+01:00"],
        None,
        id="naeste_uge",
    ),
    pytest.param(
        "påmind mig næste måned om budgettet",
        "budgettet",
        ["2026-12-01T09:00:00+01:00"],
        None,
        id="naeste_maaned",
    ),
    pytest.param(
        "påmind mig næste år om regnskabet",
        "regnskabet",
        ["2027-01-01T09:00:00+01:00"],
        None,
        id="naeste_aar",
    ),
    pytest.param(
        "påmind mig næste uge tirsdag om mødet",
        "mødet",
        ["2026-12-01T09:00:00+01:00"],
        None,
        id="naeste_uge_tirsdag",
    ),
    pytest.param(
        "påmind mig hver måned den 15. om huslejen",
        "huslejen",
        ["2026-12-15T09:00:00+01:00", "2027-01-15T09:00:00+01:00", "2027-02-15T09:00:00+01:00"],
        "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0",
        id="hver_maaned_den_15",
    ),
    pytest.param(
        "påmind mig den 15. om huslejen",
        "huslejen",
        ["2026-12-15T09:00:00+01:00"],
        None,
        id="den_15_alone",
    ),
]


@pytest.mark.parametrize(
    ("text", "message", "occurrences", "rrule"), YEARLY_ON_AND_WEEKLY_ON_PLURALS
)
def test_yearly_on_a_date_and_weekly_on_plural_weekdays(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)


@pytest.mark.parametrize(("text", "message", "occurrences", "rrule"), YEARLY_ORDINAL_OF_MONTH)
def test_every_ordinal_of_a_month_is_yearly(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)


@pytest.mark.parametrize(("text", "message", "occurrences", "rrule"), SECOND_WEEKDAY)
def test_every_second_weekday_is_not_every_second(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)


def test_every_second_alone_is_still_too_frequent() -> None:
    assert run("remind me every second to blink") == {"ok": False, "error": "too_frequent"}


@pytest.mark.parametrize(("text", "message", "occurrences", "rrule"), WEEKDAY_AND_DAY_OF_MONTH)
def test_weekday_with_day_of_month_and_next_month_on_a_day(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)


@pytest.mark.parametrize(("text", "message", "occurrences", "rrule"), AT_THE_NAMED_PERIOD)
def test_at_the_named_period_leaves_no_words_behind(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)


@pytest.mark.parametrize(("text", "message", "occurrences", "rrule"), DANISH_NEXT_AND_DAY_NUMBERS)
def test_danish_next_week_month_year_and_den_n(
    text: str, message: str, occurrences: list[str], rrule: str | None
) -> None:
    check(text, message, occurrences, rrule)
