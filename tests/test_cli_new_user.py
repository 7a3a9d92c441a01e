"""The command line as a new user meets it (issue 11), each case the real ``remindbot``
script in a subprocess: zones checked before saving, one user key, ``list --json``,
one-line errors, and quiet logs. What depends on the day runs in-process on a clock."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import ManualClock
from tests.conftest import _admin, _postgres_url
from tests.servers.slack import FakeSlack

REMINDBOT = str(Path(sys.executable).with_name("remindbot"))
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "REMINDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "PATH": "/usr/bin",
    } | extra


def remindbot(
    tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [REMINDBOT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(tmp_path, **env),
        timeout=60,
        check=False,
    )


class Terminal(io.StringIO):
    """Typed answers, as from a person at a terminal."""

    def isatty(self) -> bool:
        return True


def _one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- zones ------------------------------------------------------------------------------------


def test_add_with_an_unknown_zone_says_so_and_stores_nothing(tmp_path: Path) -> None:
    done = remindbot(
        tmp_path, "add", "remind me at 9 to x", "--user", "ann", "--tz", "Nowhere/Land"
    )
    assert done.returncode == 2
    assert _one_line(done) == (
        "remindbot add: unknown time zone 'Nowhere/Land': use a name like Europe/Copenhagen"
    )
    assert remindbot(tmp_path, "list").stdout == ""
    chat = remindbot(tmp_path, "chat", "--user", "ann", "--tz", "Nowhere/Land")
    assert chat.returncode == 2 and "unknown time zone" in _one_line(chat)


def test_a_bad_stored_zone_falls_back_to_the_default_with_a_warning(tmp_path: Path) -> None:
    made = remindbot(
        tmp_path, "add", "remind me in 1 hour to x", "--user", "ann", "--tz", "UTC", "--yes"
    )
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(tmp_path / "bot.db") as db:
        db.execute("UPDATE users SET tz = 'Nowhere/Land'")
    again = remindbot(tmp_path, "add", "remind me tomorrow at 9 to y", "--user", "ann", "--yes")
    assert again.returncode == 0, again.stderr
    assert "(UTC)" in again.stdout
    assert "unknown zone stored; using UTC" in _one_line(again)
    chat = remindbot(tmp_path, "chat", "--user", "ann", stdin="list\n")
    assert chat.returncode == 0 and "Traceback" not in chat.stderr
    assert "#2" in chat.stdout


def test_chat_starts_a_new_user_in_tz_and_says_which(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "chat", "--user", "ann", stdin="settings\n", TZ="Europe/Copenhagen")
    assert done.returncode == 0, done.stderr
    assert (
        "Your time zone is Europe/Copenhagen; 'set my timezone to \u2026' changes it."
        in done.stdout
    )
    assert "Time zone: Europe/Copenhagen" in done.stdout
    assert done.stderr == ""


# -- add, list and the user key ---------------------------------------------------------------


def test_add_from_a_pipe_without_yes_refuses_and_stores_nothing(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "add", "remind me tomorrow at 9 to x", "--user", "ann")
    assert done.returncode == 2
    assert _one_line(done) == (
        "remindbot add: not a terminal, so I cannot ask: add --yes to schedule it (nothing stored)"
    )
    assert remindbot(tmp_path, "list").stdout == ""


def test_add_on_a_terminal_asks_and_schedules_only_on_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    clock = ManualClock(MONDAY)
    no, yes = io.StringIO(), io.StringIO()
    args = ["add", "remind me tomorrow at 9 to call Bo", "--user", "ann"]
    assert main(args, clock=clock, stdin=Terminal("n\n"), stdout=no) == 1
    assert "Schedule it? [y/N] Cancelled. Nothing was scheduled." in no.getvalue()
    assert main(args, clock=clock, stdin=Terminal("y\n"), stdout=yes) == 0
    assert yes.getvalue().startswith("Remind you: Tuesday 24 November 2026 at 09:00 (UTC)")
    assert "Scheduled #1: Tuesday 24 November 2026 at 09:00 (UTC), tomorrow" in yes.getvalue()


def test_one_user_key_everywhere(tmp_path: Path) -> None:
    added = remindbot(tmp_path, "add", "remind me in 2 hours to stretch", "--user", "ann", "--yes")
    assert added.returncode == 0, added.stderr
    for who in ("ann", "console:local:ann"):
        listed = remindbot(tmp_path, "list", "--user", who)
        assert listed.stdout.count("\n") == 1 and "console:local:ann\tstretch" in listed.stdout
    assert remindbot(tmp_path, "list", "--user", "bo").stdout == ""
    chat = remindbot(tmp_path, "chat", "--user", "ann", stdin="list\n")
    assert "#1  " in chat.stdout and "stretch" in chat.stdout


def test_list_json_has_numbers_nulls_offsets_rule_target_state_entity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    clock = ManualClock(MONDAY)
    for phrase in ("remind #ops every Friday at 4pm about PR #45", "remind me tomorrow at 9 to x"):
        args = ["add", phrase, "--user", "ann", "--tz", "Europe/Copenhagen", "--yes"]
        assert main(args, clock=clock, stdout=io.StringIO()) == 0
    listed = remindbot(tmp_path, "list", "--json")
    one_off, series = (json.loads(line) for line in listed.stdout.splitlines())
    assert series == {
        "id": 1,
        "number": 1,
        "owner": "console:local:ann",
        "state": "scheduled",
        "target": {"kind": "channel", "ref": "ops", "name": "ops"},
        "message": "PR #45",
        "entity": {"type": "pr", "id": "45"},
        "next_due": "2026-11-27T16:00:00+01:00",
        "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
        "dtstart": "2026-11-27T00:00:00+01:00",
        "tz": "Europe/Copenhagen",
        "created_at": "2026-11-23T10:00:00+01:00",
    }
    assert (one_off["id"], one_off["number"], one_off["entity"], one_off["rrule"]) == (
        2,
        2,
        None,
        None,
    )
    assert one_off["next_due"] == "2026-11-24T09:00:00+01:00"


# -- one-line errors --------------------------------------------------------------------------


def test_parse_with_a_now_that_is_no_time_says_so(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "parse", "remind me at 9", "--now", "yesterday")
    assert done.returncode == 2
    assert _one_line(done) == (
        "remindbot parse: --now takes an ISO time like 2026-11-23T10:00, not 'yesterday'"
    )


def test_an_unsupported_database_url_names_the_supported_ones(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "list", REMINDBOT_DATABASE_URL="mysql://me@db/remindbot")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "REMINDBOT_DATABASE_URL: unsupported database 'mysql': use sqlite or postgresql" in (
        done.stderr
    )


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://me:s3cret@127.0.0.1:1/remindbot"
    done = remindbot(tmp_path, "list", REMINDBOT_DATABASE_URL=url)
    assert done.returncode == 2
    line = _one_line(done)
    assert line.startswith(
        "remindbot list: I cannot reach the database at postgresql+asyncpg://me:***@127.0.0.1:1"
    )
    assert "s3cret" not in done.stderr


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    """A PostgreSQL database of its own, with no tables (the CLI takes a URL, no schema)."""
    url = await _postgres_url()
    name = f"t_{uuid.uuid4().hex[:12]}"
    await _admin(url, f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _admin(url, f'DROP DATABASE "{name}" WITH (FORCE)')


async def test_postgresql_without_db_upgrade_says_to_run_it(
    tmp_path: Path, empty_postgres: str
) -> None:
    env = {"REMINDBOT_DATABASE_URL": empty_postgres}
    before = await asyncio.to_thread(remindbot, tmp_path, "list", **env)
    assert before.returncode == 2
    assert _one_line(before).endswith(
        "is not at the newest schema: run `remindbot db upgrade` first."
    )
    upgraded = await asyncio.to_thread(remindbot, tmp_path, "db", "upgrade", **env)
    assert upgraded.returncode == 0 and upgraded.stderr == ""
    after = await asyncio.to_thread(remindbot, tmp_path, "list", **env)
    assert after.returncode == 0 and after.stderr == ""


# -- quiet by default, and run ------------------------------------------------------------------


def test_commands_are_quiet_by_default(tmp_path: Path) -> None:
    for args in (("list",), ("db", "upgrade"), ("list", "--json")):
        done = remindbot(tmp_path, *args)
        assert done.returncode == 0 and done.stderr == "", done.stderr


def test_run_help_lists_the_settings_that_choose_the_platforms(tmp_path: Path) -> None:
    shown = remindbot(tmp_path, "run", "--help").stdout
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "MATTERMOST_URL",
        "MATTERMOST_TOKEN",
        "MATTERMOST_ACTIONS_URL",
    ):
        assert name in shown


async def _run(tmp_path: Path, slack: FakeSlack, token: str) -> asyncio.subprocess.Process:
    env = _env(
        tmp_path,
        SLACK_BOT_TOKEN=token,
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=slack.api_url,
        REMINDBOT_HTTP_PORT="0",
    )
    return await asyncio.create_subprocess_exec(
        REMINDBOT, "run", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


async def test_run_stops_with_one_sentence_when_slack_refuses_the_token(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.web.answers["auth.test"] = lambda _args: {"ok": False, "error": "invalid_auth"}
        process = await _run(tmp_path, slack, "xoxb-wrong")
        _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert err.decode() == "remindbot run: Slack did not accept SLACK_BOT_TOKEN (invalid_auth).\n"


async def test_run_starts_without_bolts_token_warning(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        process = await _run(tmp_path, slack, "xoxb-test")
        try:
            await slack.wait_connected(timeout=30)
        finally:
            process.terminate()
            _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert "will be unused" not in err.decode()
    assert "Traceback" not in err.decode()
