"""The console adapter: numbered choices, prompts, reminders firing into the terminal."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.cli import main
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from storage import SqlReminderRepository


def console(repo: SqlReminderRepository, clock: ManualClock) -> tuple[ConsoleAdapter, Dispatcher]:
    gateways: dict[str, ConsoleAdapter] = {}
    engine = build_engine(repo, clock, gateways)
    adapter = ConsoleAdapter(engine.front, io.StringIO(), io.StringIO(), "ann")
    gateways["console"] = adapter
    return adapter, Dispatcher(repo, gateways, clock)


def screen(adapter: ConsoleAdapter) -> str:
    out = adapter.writer
    assert isinstance(out, io.StringIO)
    return out.getvalue()


async def test_choices_by_number_and_label_then_a_reminder_fires_with_its_own_choices(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    adapter, dispatcher = console(repo, clock)
    await adapter.answer("remind me in 10 minutes to stretch")
    assert "[1] Confirm  [2] Edit  [3] Cancel" in screen(adapter)
    await adapter.answer("confirm")
    assert "Scheduled #1" in screen(adapter)
    clock.advance(timedelta(minutes=10))
    assert await dispatcher.drain() == 1
    assert "\u23f0 Reminder: stretch" in screen(adapter)
    assert "[1] Complete  [2] Snooze 15 minutes" in screen(adapter)
    await adapter.answer("1")
    assert screen(adapter).rstrip().endswith("Reminder: stretch \u2014 Completed")


async def test_edit_asks_for_the_new_phrase_on_the_next_line(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    adapter, _dispatcher = console(repo, clock)
    await adapter.answer("remind me tomorrow to call Bo")
    await adapter.answer("2")
    assert "(was: remind me tomorrow to call Bo)" in screen(adapter)
    await adapter.answer("remind me tomorrow at 3pm to call Bo and Cy")
    assert "Message: call Bo and Cy" in screen(adapter)


def test_remindbot_chat_works_from_a_pipe(tmp_path: Path) -> None:
    env = {"REMINDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "PATH": "/usr/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "ann", "--tz", "Europe/Copenhagen"],
        input="remind me tomorrow at 9 to water the plants\n1\nlist\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # The wall clock decides the day here; the test below pins it.
    assert "Scheduled #1: " in done.stdout and " at 09:00 (Europe/Copenhagen)" in done.stdout
    assert "09:00  to you \u2014 water the plants" in done.stdout
    assert done.stderr == ""


def test_remindbot_chat_reads_tomorrow_from_its_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monday = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    out = io.StringIO()
    code = main(
        ["chat", "--user", "ann", "--tz", "Europe/Copenhagen"],
        clock=monday,
        stdin=io.StringIO("remind me tomorrow at 9 to water the plants\n1\nlist\n"),
        stdout=out,
    )
    assert code == 0
    assert "Scheduled #1: Tuesday 24 November 2026 at 09:00" in out.getvalue()
    assert "#1  Tue 24 Nov 2026 09:00  to you \u2014 water the plants" in out.getvalue()


async def test_a_delete_from_the_list_offers_undo_and_numbers_pick_the_last_choices(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    adapter, _dispatcher = console(repo, clock)
    await adapter.answer("remind me tomorrow at 9 to call Bob")
    await adapter.answer("1")
    await adapter.answer("list")
    assert "[1] Edit #1  [2] Delete #1" in screen(adapter)
    await adapter.answer("2")
    assert "Deleted reminder #1 (call Bob). Undo within a minute" in screen(adapter)
    await adapter.answer("1")
    assert "Restored reminder #1: Tuesday 24 November 2026 at 09:00" in screen(adapter)
    await adapter.answer("settings")
    await adapter.answer("1")  # settings have no choices: nothing is pressed
    assert screen(adapter).rstrip().endswith("Type 'help' for more.")
    assert "There is nothing to choose just now" in screen(adapter)


async def test_a_fired_reminder_shows_its_target_setter_and_number(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    adapter, dispatcher = console(repo, clock)
    await adapter.answer("remind me in 10 minutes to stretch")
    await adapter.answer("confirm")
    await adapter.answer("remind @bo in 20 minutes to send the report")
    await adapter.answer("confirm")
    clock.advance(timedelta(minutes=10))
    await dispatcher.drain()
    clock.advance(timedelta(minutes=10))
    await dispatcher.drain()
    shown = screen(adapter)
    assert "\u23f0 Reminder: stretch\n  To: you\n  This is #1: 'done 1'" in shown
    assert "\u23f0 Reminder: send the report\n  To: @bo\n  Set by ann\n  This is #2" in shown
    await adapter.answer("9")
    assert "9 is not one of the choices of the message right above ([1] to [7])" in screen(adapter)
    await adapter.answer("done 1")
    assert screen(adapter).rstrip().endswith("Reminder: stretch \u2014 Completed")


async def test_the_console_starts_a_new_user_in_the_terminals_zone_and_says_so(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    gateways: dict[str, ConsoleAdapter] = {}
    engine = build_engine(repo, clock, gateways)
    reader = io.StringIO(
        "remind me tomorrow at 9 to stretch\npåmind mig i morgen kl 9 om at løbe\n"
    )
    adapter = ConsoleAdapter(engine.front, reader, io.StringIO(), "ann", zone="Asia/Tokyo")
    gateways["console"] = adapter
    await adapter.run()
    shown = screen(adapter)
    assert shown.startswith(
        "Hello ann. Type a reminder, or 'help'. Ctrl-D to quit.\n"
        "Your time zone is Asia/Tokyo; 'set my timezone to \u2026' changes it.\n"
    )
    assert "09:00 (Asia/Tokyo)" in shown
    assert "Påmind dig: tirsdag 24. november 2026 kl. 09:00 (Asia/Tokyo), i morgen?" in shown
    assert "[1] Bekræft  [2] Ret  [3] Annuller" in shown


def test_remindbot_chat_takes_tz_from_the_environment_and_says_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("TZ", "America/New_York")
    out = io.StringIO()
    monday = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    code = main(
        ["chat", "--user", "ann"],
        clock=monday,
        stdin=io.StringIO("remind me tomorrow at 9 to stretch\nwhat's my timezone?\n"),
        stdout=out,
    )
    assert code == 0
    assert "Your time zone is America/New_York; 'set my timezone to" in out.getvalue()
    assert "Tuesday 24 November 2026 at 09:00 (America/New_York)" in out.getvalue()
    assert "Your time zone is America/New_York (from your profile)" in out.getvalue()


async def test_a_new_users_session_in_the_terminal(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    """Issue 11's rows as typed in the console, each answer checked where it is printed."""
    adapter, dispatcher = console(repo, clock)
    steps = [
        ("remind @bob and @carol Friday 9am about case 123", "Remind @bob and @carol: Friday"),
        ("1", "Scheduled #1, #2: Friday 27 November 2026 at 09:00 (UTC)"),
        ("delete 99", "You have no reminder #99."),
        ("delete", "To delete a reminder, write 'delete' and its number"),
        ("edit 7", "You have no reminder #7."),
        ("undo", "There is nothing to undo"),
        ("what's my timezone?", "Your time zone is UTC (the default)"),
        ("thanks!", "You're welcome!"),
        ("quiet hours 22:00-07:00", "Quiet hours: 22:00-07:00"),
        ("remind me at 11pm to check the backups", "so it will arrive Tuesday 24 November"),
        ("2", "Send the new phrase for #3."),
        ("Friday 10am", "Message: check the backups"),
        ("1", "Scheduled #3: Friday 27 November 2026 at 10:00 (UTC)"),
        ("edit 3 Thursday 10am", "Changed #3: Thursday 26 November 2026 at 10:00 (UTC)"),
        ("move #3 to 4pm", "Changed #3: Monday 23 November 2026 at 16:00 (UTC)"),
        ("list", "  #3  Mon 23 Nov 2026 16:00  to you \u2014 check the backups"),
        ("list done", "You have no past reminders."),
        ("remind me every Monday at 10 to plan", "Repeats: every Monday at 10:00; next:"),
        ("1", "Scheduled #4: "),
        ("list", "  #4  every Monday at 10:00, next Mon 23 Nov 10:00  to you \u2014 plan"),
    ]
    for typed, expected in steps:
        before = len(screen(adapter))
        await adapter.answer(typed)
        assert expected in screen(adapter)[before:], (typed, screen(adapter)[before:])
    clock.advance(timedelta(hours=7))
    assert await dispatcher.drain() == 2  # #4 at 10:00, #3 at 16:00
    await adapter.answer("snooze 3 1h")
    assert screen(adapter).rstrip().endswith("Snoozed until 17:00")
    await adapter.answer("list all")
    assert "  #3  Mon 23 Nov 2026 17:00  to you \u2014 check the backups" in screen(adapter)
