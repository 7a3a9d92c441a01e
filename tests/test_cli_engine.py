"""The engine's CLI verbs as a user runs them, each in a real process on a SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from bot.app import build
from bot.config import Settings
from bot.http import create_http_app


def remindbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"REMINDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**environ, **env},
        timeout=60,
        check=False,
    )


def test_run_without_a_platform_names_the_settings_and_the_chat(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "run")
    assert done.returncode == 2
    assert "SLACK_BOT_TOKEN" in done.stderr and "remindbot chat" in done.stderr


def test_bad_settings_are_all_reported_at_once(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "list", REMINDBOT_DEFAULT_TZ="Mars/Base", REMINDBOT_HTTP_PORT="x")
    assert done.returncode == 2
    assert "REMINDBOT_DEFAULT_TZ" in done.stderr and "REMINDBOT_HTTP_PORT" in done.stderr


def test_db_upgrade_then_add_and_list(tmp_path: Path) -> None:
    assert remindbot(tmp_path, "db", "upgrade").returncode == 0
    added = remindbot(
        tmp_path,
        "add",
        "remind me tomorrow at 9 about case 7",
        "--user",
        "ann",
        "--tz",
        "Europe/Copenhagen",
        "--yes",
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Scheduled #1: ")
    listed = remindbot(tmp_path, "list", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["id"], r["owner"], r["message"], r["state"]) for r in rows] == [
        (1, "console:local:ann", "case 7", "scheduled")
    ]


def test_add_refusal_stores_nothing(tmp_path: Path) -> None:
    done = remindbot(tmp_path, "add", "remind me whenever", "--user", "ann")
    assert done.returncode == 1
    assert done.stdout.startswith("I could not find a time")
    assert remindbot(tmp_path, "list").stdout == ""


async def test_healthz_reports_the_database(tmp_path: Path) -> None:
    app = await build(Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}"))
    try:
        transport = httpx.ASGITransport(app=create_http_app(health=app.health))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            answer = await client.get("/healthz")
    finally:
        await app.close()
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "checks": {"process": {"ok": True}, "database": {"ok": True}},
    }


def test_token_create_prints_the_token_last_and_list_and_revoke_never_show_it(
    tmp_path: Path,
) -> None:
    made = remindbot(tmp_path, "token", "create", "--name", "crm", "--user", "slack:T1:U1")
    assert made.returncode == 0, made.stderr
    *_, token = made.stdout.strip().splitlines()
    assert token.startswith("rb_") and " " not in token
    system = remindbot(tmp_path, "token", "create", "--name", "nightly")
    assert "acts for system::nightly" in system.stdout
    listed = remindbot(tmp_path, "token", "list")
    assert "crm\tslack:T1:U1" in listed.stdout and "nightly\tsystem::nightly" in listed.stdout
    assert token not in listed.stdout
    assert remindbot(tmp_path, "token", "revoke", "crm").returncode == 0
    assert "revoked" in remindbot(tmp_path, "token", "list").stdout
    again = remindbot(tmp_path, "token", "revoke", "crm")
    assert again.returncode == 1 and "no active token 'crm'" in again.stderr


def test_a_token_name_names_one_active_token(tmp_path: Path) -> None:
    assert remindbot(tmp_path, "token", "create", "--name", "crm").returncode == 0
    twice = remindbot(tmp_path, "token", "create", "--name", "crm")
    assert twice.returncode != 0
    assert "already an active token named crm" in twice.stderr, twice.stderr
    digits = remindbot(tmp_path, "token", "create", "--name", "42")
    assert digits.returncode != 0 and "would read as token #42" in digits.stderr
    assert remindbot(tmp_path, "token", "revoke", "crm").returncode == 0
    assert remindbot(tmp_path, "token", "create", "--name", "crm").returncode == 0
    states = [
        line.split("\t")[-1][:7]
        for line in remindbot(tmp_path, "token", "list").stdout.splitlines()
    ]
    assert states == ["revoked", "active"]


def test_workspace_defaults_are_set_shown_and_checked_by_the_cli(tmp_path: Path) -> None:
    """An admin sets a workspace's defaults; a person's own setting still wins."""
    assert remindbot(tmp_path, "db", "upgrade").returncode == 0
    for name, value, said in (
        ("default_time", "8.15", "console:local: default_time is now 08:15."),
        ("tz", "copenhagen", "console:local: tz is now Europe/Copenhagen."),
        ("channels", "email,chat", "console:local: channels is now chat,email."),
        ("quiet_hours", "22:00-07:00", "console:local: quiet_hours is now 22:00-07:00."),
    ):
        done = remindbot(tmp_path, "workspace", "set", "console:local", name, value)
        assert (done.returncode, done.stdout.strip()) == (0, said), done.stderr
    for args, sentence in (
        (("channels", "chat,pigeon"), "I don't know the channel 'pigeon'"),
        (("quiet_hours", "22:00"), "Quiet hours need two different times"),
        (("colour", "blue"), "A workspace default can be set for channels, quiet_hours,"),
        (("tz", "Atlantis"), "I don't know that time zone."),
    ):
        refused = remindbot(tmp_path, "workspace", "set", "console:local", *args)
        assert refused.returncode == 1 and refused.stdout == ""
        assert refused.stderr.startswith(f"remindbot workspace: {sentence}"), refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1  # one sentence, no traceback
    bad_place = remindbot(tmp_path, "workspace", "show", "T1")
    assert bad_place.returncode == 1 and "platform:workspace" in bad_place.stderr
    shown = remindbot(tmp_path, "workspace", "show", "console:local")
    assert shown.stdout.splitlines() == [
        "Defaults of console:local:",
        "  channels: chat,email",
        "  default_time: 08:15",
        "  quiet_hours: 22:00-07:00",
        "  tz: Europe/Copenhagen",
    ]
    # Ann chose nothing: the phrase is read at the workspace's default time, in its zone.
    ann = remindbot(
        tmp_path, "add", "remind me tomorrow to water the plants", "--user", "ann", "--yes"
    )
    assert ann.returncode == 0 and "at 08:15 (Europe/Copenhagen)" in ann.stdout, ann.stdout
    # Bo's own zone wins over the workspace's.
    bo = remindbot(
        tmp_path,
        "add",
        "remind me tomorrow to call",
        "--user",
        "bo",
        "--tz",
        "Europe/London",
        "--yes",
    )
    assert bo.returncode == 0 and "at 08:15 (Europe/London)" in bo.stdout, bo.stdout
    unset = remindbot(tmp_path, "workspace", "set", "console:local", "quiet_hours", "off")
    assert unset.stdout.strip() == "console:local: quiet_hours is back to the built-in default."
    assert "quiet_hours" not in remindbot(tmp_path, "workspace", "show", "console:local").stdout
    other = remindbot(tmp_path, "workspace", "show", "slack:T9")
    assert other.stdout.strip() == "slack:T9 has no defaults: everyone gets the built-in ones."
