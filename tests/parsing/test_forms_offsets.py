"""Reminders before an event (issue 14, "Offsets before an event"), English and Danish:
durations, then ``before``, then the event's time.

See ``reading.py`` for the reference clock (Monday 23 November 2026, 10:00, Copenhagen).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import schedule
from bot.parsing import Command, Refusal, offset_times, parse
from bot.parsing.describe import offset_words, refusal_text, summary
from tests.parsing.reading import CPH, NOW, at, command, refusal, run

# (phrase, occurrences, event, offsets, message)
EVENTS = [
    pytest.param(
        "remind me 1 day and 1 hour before Friday 3pm about the dentist",
        [*at("15:00", "2026-11-26"), *at("14:00", "2026-11-27")],
        at("15:00", "2026-11-27"),
        [1440, 60],
        "the dentist",
        id="day_and_hour_before_friday",
    ),
    pytest.param(
        "remind me 30 minutes before the meeting at 14:00 tomorrow",
        at("13:30", "2026-11-24"),
        at("14:00", "2026-11-24"),
        [30],
        "the meeting",
        id="words_between_before_and_the_time",
    ),
    pytest.param(
        "remind me an hour before 3pm",
        at("14:00", "2026-11-23"),
        at("15:00", "2026-11-23"),
        [60],
        "",
        id="an_hour_before_3pm",
    ),
    pytest.param(
        "2 days, 1 day and 2 hours before Dec 24 18:00 to buy gifts",
        [*at("18:00", "2026-12-22", "2026-12-23"), *at("16:00", "2026-12-24")],
        at("18:00", "2026-12-24"),
        [2880, 1440, 120],
        "buy gifts",
        id="three_offsets_without_a_trigger_word",
    ),
    pytest.param(
        "remind me tomorrow 1 hour before 3pm to leave",
        at("14:00", "2026-11-24"),
        at("15:00", "2026-11-24"),
        [60],
        "leave",
        id="the_day_before_the_durations",
    ),
    pytest.param(
        "remind me 1 week before December 24 to order the goose",
        at("09:00", "2026-12-17"),
        at("09:00", "2026-12-24"),
        [10080],
        "order the goose",
        id="a_week_before_a_date_at_the_default_time",
    ),
    pytest.param(
        "remind me an hour and a half before 18:00 to cook",
        at("16:30", "2026-11-23"),
        at("18:00", "2026-11-23"),
        [90],
        "cook",
        id="an_hour_and_a_half_is_one_offset",
    ),
    pytest.param(
        "remind me 1 hour and 60 minutes before 3pm to leave",
        at("14:00", "2026-11-23"),
        at("15:00", "2026-11-23"),
        [60],
        "leave",
        id="the_same_offset_twice_is_one",
    ),
    pytest.param(
        "påmind mig 1 dag og 1 time før fredag kl 15 om tandlægen",
        [*at("15:00", "2026-11-26"), *at("14:00", "2026-11-27")],
        at("15:00", "2026-11-27"),
        [1440, 60],
        "tandlægen",
        id="da_dag_og_time_foer_fredag",
    ),
    pytest.param(
        "påmind mig et kvarter før mødet kl. 14 i morgen",
        at("13:45", "2026-11-24"),
        at("14:00", "2026-11-24"),
        [15],
        "mødet",
        id="da_et_kvarter_foer_moedet",
    ),
]


@pytest.mark.parametrize(("text", "occurrences", "event", "offsets", "message"), EVENTS)
def test_durations_before_an_event_are_its_offsets(
    text: str, occurrences: list[str], event: list[str], offsets: list[int], message: str
) -> None:
    assert run(text) == {
        "ok": True,
        "target": "me",
        "message": message,
        "entity": None,
        "occurrences": occurrences,
        "rrule": None,
        "event_at": event[0],
        "offsets": offsets,
    }


def test_the_command_has_the_event_and_its_offsets_largest_first() -> None:
    cmd = command("remind me 1 hour and 1 day before Friday 3pm about the dentist")
    assert (cmd.event_at, cmd.offsets) == (
        datetime.fromisoformat(at("15:00", "2026-11-27")[0]),
        (1440, 60),
    )
    assert cmd.when == cmd.occurrences[0]
    assert cmd.recurrence is None


def test_offsets_already_past_are_left_out_of_the_occurrences_but_kept() -> None:
    cmd = command("remind me 1 day and 1 hour before tomorrow 9am to pack")
    assert cmd.offsets == (1440, 60)
    assert [o.isoformat() for o in cmd.occurrences] == at("08:00", "2026-11-24")
    assert cmd.when == cmd.occurrences[0]


def test_offsets_count_real_minutes_across_a_change_of_summer_time() -> None:
    # Clocks go back at 03:00 on Sunday 25 October 2026 in Copenhagen: 24 hours before
    # 15:00 that Sunday is 16:00 on Saturday, summer time.
    now = datetime.fromisoformat("2026-10-20T10:00:00+02:00")
    result = parse("remind me 1 day before Sunday 25 October 3pm", now, CPH)
    assert isinstance(result, Command), result
    assert [o.isoformat() for o in result.occurrences] == ["2026-10-24T16:00:00+02:00"]


@pytest.mark.parametrize(
    ("text", "when"),
    [
        pytest.param("remind me 1 day before tomorrow 9am to pack", "09:00", id="offset_past"),
        pytest.param(
            "remind me 1 hour before 9am on 1 June 2025 to pack", "", id="event_itself_past"
        ),
    ],
)
def test_every_offset_past_is_refused_as_past_with_the_event(text: str, when: str) -> None:
    result = refusal(text)
    assert (result.code, result.detail) == ("past", "offsets")
    assert result.when is not None
    expected = "Tuesday 24 November 2026 at 09:00" if when else "Sunday 1 June 2025 at 09:00"
    assert refusal_text(result, CPH) == (
        f"Every time before that event has already passed. I read the event as {expected} "
        f"({CPH}). Give me times ahead."
    )


# One offset of minutes or hours before a bare hour, o'clock, noon, midday or midnight
# stays the clock time it always was.
CLOCKS = [
    pytest.param("remind me half an hour before noon to x", at("11:30", "2026-11-23"), id="noon"),
    pytest.param(
        "remind me 2 hours before midnight to x", at("22:00", "2026-11-23"), id="midnight"
    ),
    pytest.param("remind me 10 minutes before 5 to x", at("16:50", "2026-11-23"), id="bare_hour"),
    pytest.param(
        "remind me 20 minutes before 5 o'clock tomorrow to x",
        at("16:40", "2026-11-24"),
        id="oclock_with_a_day",
    ),
    pytest.param("påmind mig en halv time før middag om x", at("11:30", "2026-11-23"), id="da"),
]


@pytest.mark.parametrize(("text", "occurrences"), CLOCKS)
def test_one_duration_before_a_clock_face_hour_is_a_clock_time(
    text: str, occurrences: list[str]
) -> None:
    result = run(text)
    assert (result["occurrences"], result["message"]) == (occurrences, "x")
    assert "event_at" not in result


@pytest.mark.parametrize(
    ("text", "message", "occurrences"),
    [
        pytest.param(
            "remind me tomorrow at 9 to leave 2 hours before the meeting",
            "leave 2 hours before the meeting",
            at("09:00", "2026-11-24"),
            id="no_time_after_before",
        ),
        pytest.param(
            "remind me tomorrow to finish before the deadline",
            "finish before the deadline",
            at("09:00", "2026-11-24"),
            id="before_without_durations",
        ),
        pytest.param(
            "remind me in 2 hours before the shop closes",
            "before the shop closes",
            at("12:00", "2026-11-23"),
            id="in_2_hours_is_a_duration",
        ),
    ],
)
def test_before_without_a_time_after_it_stays_in_the_message(
    text: str, message: str, occurrences: list[str]
) -> None:
    result = run(text)
    assert (result["message"], result["occurrences"]) == (message, occurrences)
    assert "offsets" not in result


HALF_READ = [
    pytest.param(
        "remind me 2 hours before the deadline",
        "2 hours before",
        "2 hours before friday 3pm",
        id="en",
    ),
    pytest.param(
        "remind me 1 day and 1 hour before the dentist",
        "1 day and 1 hour before",
        "1 day and 1 hour before friday 3pm",
        id="en_two_offsets",
    ),
    pytest.param(
        "påmind mig 2 timer før fristen", "2 timer før", "2 timer før fredag kl. 15", id="da"
    ),
]


@pytest.mark.parametrize(("text", "shown", "hint"), HALF_READ)
def test_durations_before_an_event_without_a_time_ask_for_the_time(
    text: str, shown: str, hint: str
) -> None:
    result = refusal(text)
    assert (result.code, result.detail, result.hint) == ("no_time", shown, hint)
    assert refusal_text(result, CPH) == (
        f"I could not find a time in that: \u201c{shown}\u201d looks like one, but I could "
        f"not read it. Try for example \u201c{hint}\u201d."
    )
    head = "påmind mig" if text.startswith("påmind") else "remind me"
    assert command(f"{head} {hint} to call Bo").event_at is not None


UNSUPPORTED = [
    pytest.param(
        "remind me 1 hour before every Monday at 10 to prepare",
        "offsets_repeat",
        "Reminders before an event count back from one event at one time: they cannot "
        "repeat or share several times. Set one reminder for each event. Nothing was saved.",
        id="with_a_repeat",
    ),
    pytest.param(
        "remind me 1 day before tomorrow at 9 and 5pm to prepare",
        "offsets_repeat",
        "Reminders before an event count back from one event at one time: they cannot "
        "repeat or share several times. Set one reminder for each event. Nothing was saved.",
        id="with_several_times",
    ),
    pytest.param(
        "remind me 1 month before June 1 to renew",
        "offsets_unit",
        "Reminders before an event can be minutes, hours, days or weeks before it, like "
        "\u201c1 day and 1 hour before Friday 3pm\u201d; months and years have no fixed "
        "length. Nothing was saved.",
        id="months",
    ),
    pytest.param(
        "påmind mig 1 time før hver mandag kl 10 om mødet",
        "offsets_repeat",
        "Reminders before an event count back from one event at one time: they cannot "
        "repeat or share several times. Set one reminder for each event. Nothing was saved.",
        id="da_with_a_repeat",
    ),
]


@pytest.mark.parametrize(("text", "detail", "sentence"), UNSUPPORTED)
def test_offsets_that_cannot_be_stored_are_refused_with_a_sentence(
    text: str, detail: str, sentence: str
) -> None:
    result = parse(text, NOW, CPH)
    assert isinstance(result, Refusal), result
    assert (result.code, result.detail) == ("unsupported", detail)
    assert refusal_text(result, CPH) == sentence


def test_the_summary_names_the_offsets_and_the_event() -> None:
    cmd = command("remind me 1 day and 90 minutes before Friday 3pm about the dentist")
    assert (
        offset_words(cmd) == "1 day and 1 hour 30 minutes before Friday 27 November 2026 at 15:00"
    )
    assert summary(cmd, NOW) == (
        "1 day and 1 hour 30 minutes before Friday 27 November 2026 at 15:00; first "
        "Thursday 26 November 2026 at 15:00 (Europe/Copenhagen), in 3 days \u2014 the dentist"
    )


def test_the_scheduler_counts_offsets_with_the_parsers_function() -> None:
    # One function gives the instants: the parser shows them in the zone, the scheduler
    # (bot.core.schedule) in UTC; across the spring-forward night both count real minutes.
    spring = datetime(2026, 3, 27, 12, 0, tzinfo=ZoneInfo(CPH))  # Sunday 29 March springs forward
    result = parse("remind me 1 day and 1 hour before sunday 3am to x", spring, CPH)
    assert isinstance(result, Command) and result.event_at is not None
    assert schedule.offset_times is offset_times
    utc = offset_times(result.event_at, result.offsets)
    assert utc == list(result.occurrences) and all(t.tzinfo is UTC for t in utc)
    assert [t.isoformat() for t in result.occurrences] == [
        "2026-03-28T02:00:00+01:00",
        "2026-03-29T01:00:00+01:00",
    ]
