"""Properties the spec promises for every phrase (the phrase rules (docs/parsing.md)):

- the parser returns ``Command`` or ``Refusal`` and never raises (house rule: "it never raises");
- every result is an aware datetime in the user's zone, after now (the first occurrence is "the
  first one after now"), at minute precision except clock durations, which keep now's seconds;
- phrases built from the spec's own vocabulary are understood, land in the future and keep their
  message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.parsing import parse
from bot.parsing.model import Command, Refusal

ZONES = ["UTC", "Europe/Copenhagen", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
NARROW = (datetime(2000, 1, 1), datetime(2037, 12, 1))
WIDE = (datetime(1, 1, 2), datetime(9999, 12, 30))
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def moments(
    draw: st.DrawFn, *, whole_minutes: bool = True, wide: bool = False
) -> tuple[datetime, str]:
    """An aware ``now`` in one of the test zones, and that zone's name.

    ``wide`` reaches the ends of the calendar (years 1 and 9999), where only "never raises"
    can be promised.
    """
    zone = draw(st.sampled_from(ZONES))
    low, high = WIDE if wide else NARROW
    instant = draw(st.datetimes(min_value=low, max_value=high))
    now = instant.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    if whole_minutes:
        now = now.replace(second=0, microsecond=0)
    return now, zone


def zone_of(moment: datetime) -> str | None:
    key = getattr(moment.tzinfo, "key", None)
    return key if isinstance(key, str) else None


def assert_well_formed(result: Command | Refusal, now: datetime, zone: str) -> None:
    assert isinstance(result, Command | Refusal), result
    if isinstance(result, Refusal):
        assert result.ok is False
        return
    assert result.ok is True
    assert result.when > now, (result.when, now)
    assert zone_of(result.when) == zone
    assert result.when.microsecond == 0
    assert result.when.second in {0, now.second}
    assert result.occurrences[0] == result.when
    assert list(result.occurrences) == sorted(set(result.occurrences))
    assert all(zone_of(occurrence) == zone for occurrence in result.occurrences)
    if result.recurrence is None:
        assert len(result.occurrences) == 1
    else:
        assert 1 <= len(result.occurrences) <= 3


# Words the grammar knows, thrown together in any order: a fuzzer for the grammar itself.
VOCABULARY_TEXT = (
    "remind /remind me @alice <@U123> #ops <#C123|ops> ~ops here to about that of every each "
    "other next this last first on at in from until for times and , . ! \" ' : / - am pm a "
    "noon midday midnight morning afternoon evening tonight today tomorrow yesterday eod eow "
    "cob end of day week month year weekend weekday daily weekly monthly yearly annually "
    "hourly minute minutes hour hours day days weeks months half quarter past o'clock h m "
    "monday tue wednesday thu friday sat sunday mondays january feb march 2020 2026 2027 0 1 "
    "2 3 5 9 12 13 15 24 25 29 30 31 59 60 99 100000 99999999999 9:30 09:30 21:30 25:00 "
    "9.30pm 6/1 2/30 2026-06-01 1h30m 10m 15th 1st påmind mig om i morgen kl. hver timer "
    "fredag case 123 PR #45 task TSK-123 ticket 9 @channel <!here> @everyone"
)
VOCABULARY = VOCABULARY_TEXT.split()


@SETTINGS
@given(text=st.text(max_size=10_000), moment=moments(whole_minutes=False))
def test_any_text_gives_a_command_or_refusal(text: str, moment: tuple[datetime, str]) -> None:
    now, zone = moment
    assert_well_formed(parse(text, now, zone), now, zone)


@SETTINGS
@given(
    words=st.lists(st.sampled_from(VOCABULARY), max_size=14),
    moment=moments(),
)
def test_word_salad_never_raises_and_ok_results_are_minute_precise(
    words: list[str], moment: tuple[datetime, str]
) -> None:
    now, zone = moment
    result = parse(" ".join(words), now, zone)
    assert_well_formed(result, now, zone)
    if isinstance(result, Command):
        assert result.when.second == 0


@SETTINGS
@given(text=st.text(max_size=300), moment=moments(whole_minutes=False, wide=True))
def test_any_text_at_the_ends_of_the_calendar(text: str, moment: tuple[datetime, str]) -> None:
    now, zone = moment
    assert_well_formed(parse(text, now, zone), now, zone)


@SETTINGS
@given(
    words=st.lists(st.sampled_from(VOCABULARY), max_size=14),
    moment=moments(whole_minutes=False, wide=True),
)
def test_word_salad_never_raises_at_the_ends_of_the_calendar(
    words: list[str], moment: tuple[datetime, str]
) -> None:
    now, zone = moment
    assert_well_formed(parse(" ".join(words), now, zone), now, zone)


UNITS = ["minutes", "hours", "days", "weeks", "months", "years"]
AMOUNTS = st.one_of(st.integers(0, 100), st.integers(0, 10**13))
DURATION_SHAPES = ["in {} {}", "every {} {}", "{} {} ago", "{} {} from now", "every day for {} {}"]


@SETTINGS
@given(
    shape=st.sampled_from(DURATION_SHAPES),
    amount=AMOUNTS,
    unit=st.sampled_from(UNITS),
    moment=moments(),
)
def test_any_amount_of_any_unit_never_raises(
    shape: str, amount: int, unit: str, moment: tuple[datetime, str]
) -> None:
    now, zone = moment
    result = parse("remind me " + shape.format(amount, unit) + " to stretch", now, zone)
    assert_well_formed(result, now, zone)


@SETTINGS
@given(
    words=st.lists(st.sampled_from(VOCABULARY), max_size=14), moment=moments(whole_minutes=False)
)
def test_word_salad_with_seconds_in_now(words: list[str], moment: tuple[datetime, str]) -> None:
    now, zone = moment
    assert_well_formed(parse(" ".join(words), now, zone), now, zone)


# --- phrases built from the spec's grammar -------------------------------------------------------

MESSAGES = ["call Bo", "water the plants", "send the invoice", "feed the cat", "book the tables"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FIXED_PHRASES = [
    "tomorrow",
    "next week",
    "next month",
    "at noon",
    "at midday",
    "at midnight",
    "eod",
    "eow",
    "end of day",
    "end of week",
    "tomorrow morning",
    "tomorrow afternoon",
    "tomorrow evening",
    "in the morning",
    "on the 15th",
    "in half an hour",
    "in an hour",
    "in 1h30m",
    "in a month",
    "every day",
    "daily",
    "every weekday",
    "every weekend",
    "every week",
    "weekly",
    "every month",
    "monthly",
    "yearly",
    "annually",
    "every hour",
    "hourly",
    "every 2 hours",
    "every 30 minutes",
    "every month on the 15th",
    "every first Monday of the month",
    "every last Friday",
]

HOURS_12 = st.integers(1, 12)
MINUTES = st.integers(0, 59)
AMPM = st.sampled_from(["am", "pm"])
WEEKDAY = st.sampled_from(WEEKDAYS)
DAY_OF_MONTH = st.integers(1, 28)
MONTH = st.sampled_from(MONTHS)

TIME_PHRASES = st.one_of(
    st.sampled_from(FIXED_PHRASES),
    st.builds("at {}{}".format, HOURS_12, AMPM),
    st.builds("at {}:{:02d}{}".format, HOURS_12, MINUTES, AMPM),
    st.builds("at {:02d}:{:02d}".format, st.integers(0, 23), MINUTES),
    st.builds("at {}".format, HOURS_12),
    st.builds("tomorrow at {}".format, HOURS_12),
    st.builds("tomorrow at {}:{:02d}".format, HOURS_12, MINUTES),
    st.builds("in {} minutes".format, st.integers(1, 10_000)),
    st.builds("in {} hours".format, st.integers(1, 500)),
    st.builds("in {} days".format, st.integers(1, 1000)),
    st.builds("in {} weeks".format, st.integers(1, 100)),
    st.builds("in {} days at {}{}".format, st.integers(2, 30), HOURS_12, AMPM),
    st.builds("on {}".format, WEEKDAY),
    st.builds("this {}".format, WEEKDAY),
    st.builds("next {}".format, WEEKDAY),
    st.builds("on {} at {}{}".format, WEEKDAY, HOURS_12, AMPM),
    st.builds("every {}".format, WEEKDAY),
    st.builds("every other {}".format, WEEKDAY),
    st.builds("every {} at {}:{:02d}{}".format, WEEKDAY, HOURS_12, MINUTES, AMPM),
    st.builds("every day at {}{}".format, HOURS_12, AMPM),
    st.builds("on {} {}".format, MONTH, DAY_OF_MONTH),
    st.builds("on {} {} at {}:{:02d}{}".format, MONTH, DAY_OF_MONTH, HOURS_12, MINUTES, AMPM),
    st.builds("every {} {}".format, MONTH, DAY_OF_MONTH),
)


@SETTINGS
@given(
    message=st.sampled_from(MESSAGES),
    when=TIME_PHRASES,
    time_first=st.booleans(),
    moment=moments(),
)
def test_grammar_phrases_are_understood_and_in_the_future(
    message: str, when: str, time_first: bool, moment: tuple[datetime, str]
) -> None:
    now, zone = moment
    text = f"remind me {when} to {message}" if time_first else f"remind me to {message} {when}"
    result = parse(text, now, zone)
    assert isinstance(result, Command), (text, now, zone, result)
    assert_well_formed(result, now, zone)
    assert result.when.second == 0
    assert result.message == message
    assert result.target.display() == "me"


CLOCK_DURATIONS = st.one_of(
    st.builds("in {} minutes".format, st.integers(1, 10_000)),
    st.builds("in {} hours".format, st.integers(1, 500)),
    st.builds("every {} hours".format, st.integers(2, 12)),
    st.builds("every {} minutes".format, st.integers(5, 59)),
)


@SETTINGS
@given(when=CLOCK_DURATIONS, moment=moments(whole_minutes=False))
def test_clock_durations_keep_nows_seconds(when: str, moment: tuple[datetime, str]) -> None:
    now, zone = moment
    result = parse(f"remind me {when} to stretch", now, zone)
    assert isinstance(result, Command), (when, now, zone, result)
    assert_well_formed(result, now, zone)
    assert all(occurrence.second == now.second for occurrence in result.occurrences)
    assert all(occurrence.microsecond == 0 for occurrence in result.occurrences)


WALL_CLOCK_PHRASES = st.one_of(
    st.builds("at {}{}".format, HOURS_12, AMPM),
    st.builds("tomorrow at {}:{:02d}".format, HOURS_12, MINUTES),
    st.builds("in {} days".format, st.integers(1, 1000)),
    st.builds("on {}".format, WEEKDAY),
    st.builds("every {} at {}{}".format, WEEKDAY, HOURS_12, AMPM),
)


@SETTINGS
@given(when=WALL_CLOCK_PHRASES, moment=moments(whole_minutes=False))
def test_wall_clock_phrases_are_minute_precise(when: str, moment: tuple[datetime, str]) -> None:
    now, zone = moment
    result = parse(f"remind me {when} to stretch", now, zone)
    assert isinstance(result, Command), (when, now, zone, result)
    assert_well_formed(result, now, zone)
    assert all(occurrence.second == 0 for occurrence in result.occurrences)


UTC_ZONE = ZoneInfo("UTC")
NOW_2026 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC_ZONE)
LAST_DAY = datetime(9999, 12, 31, 10, 0, tzinfo=UTC_ZONE)
FIRST_DAY = datetime(1, 1, 1, 10, 0, tzinfo=UTC_ZONE)

EDGES = [
    pytest.param("remind me in 100000 years to stretch", NOW_2026, id="in_100000_years"),
    pytest.param("remind me in 99999999999 minutes to stretch", NOW_2026, id="in_1e11_minutes"),
    pytest.param("remind me in 9999999 days to stretch", NOW_2026, id="in_1e7_days"),
    pytest.param("remind me every 9999999999 hours to stretch", NOW_2026, id="every_1e10_hours"),
    pytest.param("remind me tomorrow to stretch", LAST_DAY, id="tomorrow_on_the_last_day"),
    pytest.param("remind me next month to stretch", LAST_DAY, id="next_month_on_the_last_day"),
    pytest.param("remind me at 3am to stretch", LAST_DAY, id="at_3am_on_the_last_day"),
    pytest.param("remind me yesterday to stretch", FIRST_DAY, id="yesterday_on_the_first_day"),
    pytest.param("remind me 2 days ago to stretch", FIRST_DAY, id="2_days_ago_on_the_first_day"),
]


@pytest.mark.parametrize(("text", "now"), EDGES)
def test_out_of_range_times_are_refused_not_raised(text: str, now: datetime) -> None:
    assert_well_formed(parse(text, now, "UTC"), now, "UTC")
