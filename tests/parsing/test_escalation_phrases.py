"""Escalation clauses and nags as the parser reads them, and the guide's examples of them
(docs/phrases.md, "If it is not done")."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.parsing import Command, Prefs, Refusal, RefusalCode, parse
from bot.parsing.describe import refusal_text
from bot.parsing.model import Escalation, Target
from tests.parsing.reading import CPH, NOW
from tests.parsing.test_phrase_guide import first, repeats, rows

# The guide's table of them, under its own heading, has the column "If not done".
ESCALATING = [pytest.param(text, cells, id=text) for text, cells in rows("If it is not done")]


def if_not_done(result: Command) -> str:
    """The guide's "If not done" cell: each step, and the nag."""
    parts = [f"tell {e.target.display()} after {e.after_minutes} minutes" for e in result.escalate]
    if result.until_done:
        parts.append("until done")
    return "; ".join(parts)


def read(text: str, now: datetime = NOW) -> Command:
    result = parse(text, now, CPH, Prefs())
    assert isinstance(result, Command), result
    return result


def refused(text: str) -> Refusal:
    result = parse(text, NOW, CPH, Prefs())
    assert isinstance(result, Refusal), result
    return result


def test_the_guide_has_escalation_and_nag_examples() -> None:
    assert len(ESCALATING) >= 6


@pytest.mark.parametrize(("text", "cells"), ESCALATING)
def test_guide_escalation_example_is_read_as_shown(text: str, cells: list[str]) -> None:
    result = read(text)
    assert [first(result), repeats(result), if_not_done(result), result.message] == cells


def test_a_platform_mention_is_the_escalation_target_with_its_id() -> None:
    result = read("remind me at 11 to pay and tell <@U2|lead> if not done within 2 hours")
    assert result.escalate == (
        Escalation(after_minutes=120, target=Target(kind="user", ref="U2", name="lead")),
    )
    assert result.message == "pay"


def test_by_a_clock_counts_in_the_reminders_zone_from_its_time() -> None:
    # 9:00 in Copenhagen; "by 11:30" is 150 minutes later, "by noon" 180.
    half = read("remind me tomorrow at 9 to pay and tell @lead if it's not done by 11:30")
    assert [e.after_minutes for e in half.escalate] == [150]
    noon = read("remind me tomorrow at 9 to pay, escalate to #ops by noon")
    assert [(e.after_minutes, e.target.kind) for e in noon.escalate] == [(180, "channel")]
    # A clock earlier than the reminder's own is the next day's.
    late = read("remind me tomorrow at 17 to pay and tell @lead if not done by 9am")
    assert [e.after_minutes for e in late.escalate] == [16 * 60]


def test_two_steps_are_kept_in_order() -> None:
    result = read(
        "remind me tomorrow at 9 to pay and tell @lead if not done by 10, "
        "and tell #ops if not done by 12"
    )
    assert [(e.target.display(), e.after_minutes) for e in result.escalate] == [
        ("@lead", 60),
        ("#ops", 180),
    ]
    assert result.message == "pay"


def test_a_broadcast_word_is_no_escalation_target() -> None:
    result = read("remind me tomorrow at 9 to tell @here if not done by 11")
    assert result.escalate == ()
    assert "@here" in result.message  # message text, which adapters escape


def test_without_the_clause_nothing_is_escalated_or_nagged() -> None:
    result = read("remind me every 30 minutes to stretch")
    assert result.escalate == () and result.until_done is False


def test_a_status_stop_is_not_read_as_a_nag() -> None:
    result = read("remind me every day at 9 about case 123 until it is closed")
    assert result.until_done is False and result.stop_statuses == ("closed",)


def test_a_nag_more_often_than_the_minimum_interval_is_refused() -> None:
    result = refused("remind me every minute until done to blink")
    assert result.code is RefusalCode.TOO_FREQUENT


def test_a_trigger_escalates_after_minutes_but_not_by_a_clock() -> None:
    ok = read("remind me when case 123 is closed to deploy and tell @lead if not done within 1h")
    assert ok.trigger_status == "closed" and [e.after_minutes for e in ok.escalate] == [60]
    no = refused("remind me when case 123 is closed to deploy and tell @lead if not done by 11")
    assert no.detail == "escalate_time"
    assert refusal_text(no, CPH).endswith("Nothing was saved.")


def test_a_nag_needs_a_repeat() -> None:
    no = refused("remind me tomorrow at 9 until done to stretch")
    assert (no.code, no.detail) == (RefusalCode.UNSUPPORTED, "until_done_repeat")


def test_an_impossible_clock_is_refused_in_one_sentence() -> None:
    no = refused("remind me tomorrow at 9 to pay and tell @lead if not done by 13pm")
    assert no.detail == "escalate_clock"
    assert refusal_text(no, CPH).startswith("I could not read the time after")


def test_across_the_change_of_summer_time_by_counts_real_minutes() -> None:
    # 28 March 2027 the clocks go forward at 02:00: 01:00 to 04:00 is two real hours.
    now = datetime(2027, 3, 27, 12, 0, tzinfo=ZoneInfo(CPH))
    result = read("remind me tomorrow at 1am to check and tell @lead if not done by 4am", now)
    assert [e.after_minutes for e in result.escalate] == [120]


def test_a_written_dagger_is_no_target_and_nothing_breaks() -> None:
    # The clause patterns mark targets with this character; one typed is message text.
    result = read("remind me tomorrow at 9 to x and tell \u2020 if not done by 11")
    assert result.escalate == () and "\u2020" in result.message


def test_a_nag_keeps_to_the_minimum_interval_set() -> None:
    hourly = Prefs(min_interval=timedelta(minutes=60))
    result = parse("remind me every 30 minutes until done to stretch", NOW, CPH, hourly)
    assert isinstance(result, Refusal) and result.code is RefusalCode.TOO_FREQUENT
    ok = parse("remind me every 2 hours until done to stretch", NOW, CPH, hourly)
    assert isinstance(ok, Command) and ok.until_done
