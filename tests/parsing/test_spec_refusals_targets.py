"""Refusals, targets, trigger words, message extraction and entities, read from
the phrase rules (docs/parsing.md) ("Shape of a command", "What is refused", "Batch interface")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Prefs, parse
from bot.parsing.batch import answer
from bot.parsing.model import Command, Refusal

CPH = "Europe/Copenhagen"
MON = "2026-11-23T10:00:00"  # Monday 10:00, Copenhagen (+01:00)
NOW_AWARE = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(CPH))
OK_KEYS = {"ok", "target", "message", "entity", "occurrences", "rrule"}
PINGS = ("@channel", "@here", "@everyone", "<!channel>", "<!here>", "<!everyone>", "<!subteam")


def run(text: str, now: str = MON, tz: str = CPH) -> dict[str, Any]:
    return dict(answer({"text": text, "now": now, "tz": tz}))


def ok(text: str, now: str = MON) -> dict[str, Any]:
    result = run(text, now)
    assert result["ok"] is True, result
    assert set(result) == OK_KEYS
    return result


# --- refusals -------------------------------------------------------------------------------

REFUSALS = [
    # | no time found | `no_time` |
    pytest.param("remind me to call Bo", MON, "no_time", id="no_time_plain_message"),
    pytest.param("remind me nope", MON, "no_time", id="no_time_single_word"),
    pytest.param("remind #ops this is the one", MON, "no_time", id="no_time_channel_target"),
    pytest.param(
        'remind me "in 5 minutes"', MON, "no_time", id="no_time_when_the_only_time_is_quoted"
    ),
    # | the time is in the past (`yesterday`, `at 3pm on 1 Jan 2020`) | `past` |
    pytest.param("remind me at 3pm on 1 Jan 2020 to call Bo", MON, "past", id="past_2020"),
    pytest.param("remind me yesterday to call Bo", MON, "past", id="past_yesterday"),
    pytest.param("remind me yesterday at 5pm to call Bo", MON, "past", id="past_yesterday_5pm"),
    pytest.param("remind me on 2026-11-20 to call Bo", MON, "past", id="past_iso_date"),
    pytest.param("remind me on 1 Jan 2026 at 3pm to call Bo", MON, "past", id="past_with_year"),
    pytest.param("remind me today at 9am to call Bo", MON, "past", id="past_today_9am_at_10"),
    pytest.param("remind me today to call Bo", MON, "past", id="past_today_default_0900_at_10"),
    pytest.param(
        "remind me this morning to call Bo",
        "2026-11-23T11:00:00",
        "past",
        id="past_this_morning_at_11",
    ),
    # | an impossible date (`Feb 30`, `25:00`) | `invalid_date` |
    pytest.param("remind me on Feb 30 to call Bo", MON, "invalid_date", id="invalid_feb_30"),
    pytest.param("remind me at 25:00 to call Bo", MON, "invalid_date", id="invalid_25_00"),
    pytest.param(
        "remind me tomorrow at 25:00 to call Bo", MON, "invalid_date", id="invalid_tomorrow_25_00"
    ),
    pytest.param("remind me at 10:61 to call Bo", MON, "invalid_date", id="invalid_minute_61"),
    pytest.param("remind me on 2/30 to call Bo", MON, "invalid_date", id="invalid_2_30"),
    pytest.param("remind me on 8/32 to call Bo", MON, "invalid_date", id="invalid_8_32"),
    pytest.param(
        "remind me on 13/1 to call Bo", MON, "invalid_date", id="invalid_month_13_month_first"
    ),
    pytest.param("remind me on April 31 to call Bo", MON, "invalid_date", id="invalid_april_31"),
    pytest.param(
        "remind me on 2027-02-29 to call Bo", MON, "invalid_date", id="invalid_feb_29_non_leap"
    ),
    # | a recurrence more often than the configured minimum (default every 5 minutes) |
    pytest.param("remind me every minute to drink water", MON, "too_frequent", id="every_minute"),
    pytest.param(
        "remind me every 2 minutes to drink water", MON, "too_frequent", id="every_2_minutes"
    ),
    pytest.param(
        "remind me every 4 minutes to drink water", MON, "too_frequent", id="every_4_minutes"
    ),
    pytest.param(
        "remind me every 30 seconds to drink water", MON, "too_frequent", id="every_30_seconds"
    ),
    # | message longer than 4,000 characters | `too_long` |
    pytest.param(
        "remind me to " + "x" * 4001 + " tomorrow", MON, "too_long", id="too_long_one_word"
    ),
    pytest.param(
        "remind me tomorrow to " + "call Bo " * 600, MON, "too_long", id="too_long_many_words"
    ),
]


@pytest.mark.parametrize(("text", "now", "code"), REFUSALS)
def test_refusal_answer_is_exactly_ok_false_and_the_code(text: str, now: str, code: str) -> None:
    assert run(text, now) == {"ok": False, "error": code}


@pytest.mark.parametrize(("text", "now", "code"), REFUSALS)
def test_parse_returns_refusal_with_the_code(text: str, now: str, code: str) -> None:
    result = parse(text, datetime.fromisoformat(now).replace(tzinfo=ZoneInfo(CPH)), CPH)
    assert isinstance(result, Refusal), result
    assert result.ok is False
    assert result.code == code
    assert result.code.value == code


ZERO_DURATIONS = [
    pytest.param("remind me in 0 minutes to call Bo", id="in_0_minutes"),
    pytest.param("remind me in 0 hours to call Bo", id="in_0_hours"),
    pytest.param("remind me in 0 days to call Bo", id="in_0_days"),
    pytest.param("remind me in 0 weeks to call Bo", id="in_0_weeks"),
]


@pytest.mark.parametrize("text", ZERO_DURATIONS)
def test_zero_duration_is_not_a_future_time_and_is_refused(text: str) -> None:
    # "now + 0" is now itself: not "still ahead", not "the first one after now".
    result = run(text)
    assert result["ok"] is False, result


ZERO_INTERVALS = [
    pytest.param("remind me every 0 minutes to drink water", id="every_0_minutes"),
    pytest.param("remind me every 0 hours to drink water", id="every_0_hours"),
    pytest.param("remind me every 0 days to drink water", id="every_0_days"),
]


@pytest.mark.parametrize("text", ZERO_INTERVALS)
def test_zero_interval_is_more_often_than_the_minimum(text: str) -> None:
    assert run(text) == {"ok": False, "error": "too_frequent"}


def test_every_5_minutes_is_allowed_at_the_default_minimum() -> None:
    assert ok("remind me every 5 minutes to drink water")["rrule"] == "FREQ=MINUTELY;INTERVAL=5"


def test_configured_minimum_interval_refuses_more_frequent_recurrences() -> None:
    prefs = Prefs(min_interval=timedelta(minutes=15))
    refused = parse("remind me every 10 minutes to drink water", NOW_AWARE, CPH, prefs)
    allowed = parse("remind me every 15 minutes to drink water", NOW_AWARE, CPH, prefs)
    assert isinstance(refused, Refusal)
    assert refused.code == "too_frequent"
    assert isinstance(allowed, Command), allowed


def test_configured_minimum_of_one_minute_allows_every_minute() -> None:
    prefs = Prefs(min_interval=timedelta(minutes=1))
    result = parse("remind me every minute to drink water", NOW_AWARE, CPH, prefs)
    assert isinstance(result, Command), result
    assert result.recurrence is not None
    assert result.recurrence.rrule == "FREQ=MINUTELY"
    assert result.when.isoformat() == "2026-11-23T10:01:00+01:00"


def test_message_of_exactly_4000_characters_is_accepted() -> None:
    result = ok("remind me to " + "x" * 4000 + " tomorrow")
    assert result["message"] == "x" * 4000


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("on 30/2", id="30_february"),
        pytest.param("on 1/13", id="month_13"),
        pytest.param("on 31/4", id="31_april"),
    ],
)
def test_impossible_day_month_date_is_invalid(phrase: str) -> None:
    result = parse(f"remind me {phrase} to call Bo", NOW_AWARE, CPH, Prefs(date_order="DMY"))
    assert isinstance(result, Refusal), result
    assert result.code == "invalid_date"


def test_past_refusal_shows_the_time_that_was_read() -> None:
    result = parse("remind me at 3pm on 1 Jan 2020 to call Bo", NOW_AWARE, CPH)
    assert isinstance(result, Refusal), result
    assert result.code == "past"
    assert result.when == datetime(2020, 1, 1, 15, 0, tzinfo=ZoneInfo(CPH))


def test_past_refusal_for_yesterday_reads_yesterday_at_0900() -> None:
    result = parse("remind me yesterday to call Bo", NOW_AWARE, CPH)
    assert isinstance(result, Refusal), result
    assert result.code == "past"
    assert result.when == datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo(CPH))


PING_TEXTS = [
    pytest.param("remind me <!channel> nope", id="slack_channel_ping_no_time"),
    pytest.param("remind me @channel @here @everyone hello", id="mattermost_pings_no_time"),
    pytest.param("remind me yesterday to tell <!here> and @here hi", id="here_ping_past"),
    pytest.param("remind me <!subteam^S123|@devs> @everyone on Feb 30", id="group_ping_invalid"),
    pytest.param("remind me every minute to ping <!everyone>", id="everyone_ping_too_frequent"),
    pytest.param("remind me to " + "@channel " * 500 + "tomorrow", id="channel_ping_too_long"),
]


@pytest.mark.parametrize("text", PING_TEXTS)
def test_refusal_never_contains_pinging_text(text: str) -> None:
    result = parse(text, NOW_AWARE, CPH)
    assert isinstance(result, Refusal), result
    shown = repr(result) + str(result.detail) + json.dumps(run(text))
    assert [ping for ping in PINGS if ping in shown] == []


# --- bad input --------------------------------------------------------------------------------

BAD_INPUT: list[Any] = [
    pytest.param({"now": MON, "tz": CPH}, id="missing_text"),
    pytest.param({"text": "remind me tomorrow to call Bo", "tz": CPH}, id="missing_now"),
    pytest.param({"text": "remind me tomorrow to call Bo", "now": MON}, id="missing_tz"),
    pytest.param({"text": 5, "now": MON, "tz": CPH}, id="text_not_a_string"),
    pytest.param({"text": None, "now": MON, "tz": CPH}, id="text_null"),
    pytest.param(
        {"text": "remind me tomorrow to call Bo", "now": "next tuesday", "tz": CPH},
        id="now_not_iso",
    ),
    pytest.param(
        {"text": "remind me tomorrow to call Bo", "now": MON, "tz": "Mars/Olympus_Mons"},
        id="unknown_zone",
    ),
    pytest.param(["remind me tomorrow to call Bo", MON, CPH], id="not_an_object"),
]


@pytest.mark.parametrize("line", BAD_INPUT)
def test_bad_input_is_answered_not_raised(line: Any) -> None:
    assert answer(cast(Any, line)) == {"ok": False, "error": "bad_input"}


# --- targets and trigger words ------------------------------------------------------------------

TARGETS = [
    pytest.param("remind me", "me", id="me"),
    pytest.param("remind @alice", "@alice", id="person"),
    pytest.param("remind <@U123>", "@U123", id="slack_user_mention"),
    pytest.param("remind #ops", "#ops", id="channel"),
    pytest.param("remind <#C123|ops>", "#ops", id="slack_channel_mention_shown_as_hash_name"),
    pytest.param("remind ~ops", "#ops", id="mattermost_channel_shown_as_hash_name"),
    pytest.param("remind here", "here", id="here"),
    pytest.param("/remind #ops", "#ops", id="slash_command_channel"),
    pytest.param("/remind @alice", "@alice", id="slash_command_person"),
]


@pytest.mark.parametrize(("head", "target"), TARGETS)
def test_target_forms(head: str, target: str) -> None:
    result = ok(f"{head} in 5 minutes to check the oven")
    assert (result["target"], result["message"], result["occurrences"]) == (
        target,
        "check the oven",
        ["2026-11-23T10:05:00+01:00"],
    )


def test_several_people_are_all_targets() -> None:
    result = parse("remind @alice @bob tomorrow to check the oven", NOW_AWARE, CPH)
    assert isinstance(result, Command), result
    assert [target.display() for target in result.targets] == ["@alice", "@bob"]
    assert result.target.display() == "@alice"
    assert result.message == "check the oven"


TRIGGERS = [
    pytest.param("/remind me tomorrow at 3pm to call the bank", id="slash_remind_me"),
    pytest.param("me tomorrow at 3pm to call the bank", id="slash_command_text_without_trigger"),
    pytest.param("remind me tomorrow at 3pm to call the bank", id="remind_me"),
]


@pytest.mark.parametrize("text", TRIGGERS)
def test_trigger_word_is_optional(text: str) -> None:
    result = ok(text)
    assert (result["target"], result["message"], result["occurrences"], result["rrule"]) == (
        "me",
        "call the bank",
        ["2026-11-24T15:00:00+01:00"],
        None,
    )


# --- message extraction -------------------------------------------------------------------------

MESSAGES = [
    pytest.param(
        "remind me Friday 9am about case 123",
        "case 123",
        "2026-11-27T09:00:00+01:00",
        id="about_dropped_time_first",
    ),
    pytest.param(
        "remind me to call Bo at 3pm", "call Bo", "2026-11-23T15:00:00+01:00", id="to_dropped"
    ),
    pytest.param(
        "remind me that the plumber comes tomorrow",
        "the plumber comes",
        "2026-11-24T09:00:00+01:00",
        id="that_dropped",
    ),
    pytest.param(
        "remind me of the dentist tomorrow",
        "the dentist",
        "2026-11-24T09:00:00+01:00",
        id="of_dropped",
    ),
    pytest.param(
        "remind me about the budget tomorrow",
        "the budget",
        "2026-11-24T09:00:00+01:00",
        id="about_dropped_message_first",
    ),
    pytest.param(
        "remind me to go to the bank tomorrow",
        "go to the bank",
        "2026-11-24T09:00:00+01:00",
        id="only_the_leading_connector_is_dropped",
    ),
    pytest.param(
        "remind me tomorrow to talk about the budget",
        "talk about the budget",
        "2026-11-24T09:00:00+01:00",
        id="inner_about_is_kept",
    ),
    pytest.param(
        'remind me "in 5 minutes" tomorrow',
        "in 5 minutes",
        "2026-11-24T09:00:00+01:00",
        id="quoted_time_words_are_message",
    ),
    pytest.param(
        'remind me "tomorrow at 3pm" in 2 hours',
        "tomorrow at 3pm",
        "2026-11-23T12:00:00+01:00",
        id="quoted_date_words_are_message",
    ),
    pytest.param(
        'remind me "call the 5 o\'clock train people" at noon',
        "call the 5 o'clock train people",
        "2026-11-23T12:00:00+01:00",
        id="quoted_clock_words_are_message",
    ),
    pytest.param(
        'remind me tomorrow "water the plants"',
        "water the plants",
        "2026-11-24T09:00:00+01:00",
        id="quotes_dropped",
    ),
    pytest.param(
        "remind me to call Bob at 5pm!",
        "call Bob",
        "2026-11-23T17:00:00+01:00",
        id="trailing_exclamation_dropped",
    ),
    pytest.param(
        "remind me to call Bob at 5pm.",
        "call Bob",
        "2026-11-23T17:00:00+01:00",
        id="trailing_full_stop_dropped",
    ),
    pytest.param(
        "remind me tomorrow to call Bob!",
        "call Bob",
        "2026-11-24T09:00:00+01:00",
        id="trailing_exclamation_after_message",
    ),
    pytest.param(
        "remind me tomorrow to call Bob.",
        "call Bob",
        "2026-11-24T09:00:00+01:00",
        id="trailing_full_stop_after_message",
    ),
]


@pytest.mark.parametrize(("text", "message", "occurrence"), MESSAGES)
def test_message_extraction(text: str, message: str, occurrence: str) -> None:
    result = ok(text)
    assert (result["message"], result["occurrences"]) == (message, [occurrence])


# --- entities ------------------------------------------------------------------------------------

ENTITIES = [
    pytest.param("remind me Friday 9am about case 123", "case 123", "case", "123", id="case"),
    pytest.param(
        "remind me tomorrow to close task TSK-123",
        "close task TSK-123",
        "task",
        "TSK-123",
        id="task",
    ),
    pytest.param("remind #ops about ticket 9 in 2 hours", "ticket 9", "ticket", "9", id="ticket"),
]


@pytest.mark.parametrize(("text", "message", "kind", "ident"), ENTITIES)
def test_entity_is_kept_beside_the_text(text: str, message: str, kind: str, ident: str) -> None:
    result = ok(text)
    assert (result["message"], result["entity"]) == (message, {"type": kind, "id": ident})


def test_pull_request_entity() -> None:
    # The spec names the reference (`PR #45`) but not the spelling of its type; accept pr/PR and
    # an id with or without the hash.
    result = ok("remind me tomorrow to review PR #45")
    assert result["message"] == "review PR #45"
    entity = result["entity"]
    assert isinstance(entity, dict), result
    assert set(entity) == {"type", "id"}
    assert (entity["type"].lower(), entity["id"].lstrip("#")) == ("pr", "45")


def test_message_without_reference_has_no_entity() -> None:
    assert ok("remind me tomorrow to call Bo")["entity"] is None


def test_parse_keeps_entity_as_a_structured_value() -> None:
    result = parse("remind me Friday 9am about case 123", NOW_AWARE, CPH)
    assert isinstance(result, Command), result
    assert result.entity is not None
    assert (result.entity.type, result.entity.id) == ("case", "123")
