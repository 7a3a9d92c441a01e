"""``remindbot parse``: the human summary and the spec's JSON-lines batch, as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main


def _remindbot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_parse_prints_the_confirmation_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "parse",
            "remind me Friday 9am about case 123",
            "--tz",
            "Europe/Copenhagen",
            "--now",
            "2026-11-23T10:00",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == (
        "Friday 27 November 2026 at 09:00 (Europe/Copenhagen), in 4 days \u2014 case 123"
    )


def test_parse_shows_a_recurrence_in_words_with_its_next_three_dates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(
        ["parse", "remind me every weekday at 9 until June 1 to stand up"]
        + ["--tz", "Europe/Copenhagen", "--now", "2026-11-23T10:00"]
    )
    out = capsys.readouterr().out
    assert "every weekday at 09:00, until 1 June 2027" in out
    assert out.count("Nov 2026 09:00 CET") == 3


def test_parse_refusal_prints_the_users_sentence_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["parse", "remind me yesterday", "--tz", "UTC", "--now", "2026-11-23T10:00"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("That time has already passed. I read it as Sunday 22 November 2026")


def test_jsonl_answers_every_line_in_order_and_survives_bad_lines() -> None:
    lines = [
        {
            "text": "remind me in 2 hours to stretch",
            "now": "2026-03-08T01:30:00",
            "tz": "America/New_York",
        },
        "this is not json",
        {"text": "remind me at 3pm", "now": "2026-11-23T10:00:00", "tz": "Not/AZone"},
        {"text": 42, "now": "2026-11-23T10:00:00", "tz": "UTC"},
        {"text": "remind me nope", "now": "2026-11-23T10:00:00+01:00", "tz": "UTC"},
        {
            "text": "remind #ops every Friday at 4pm about PR #45",
            "now": "2026-11-23T10:00:00",
            "tz": "Europe/Copenhagen",
        },
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    done = _remindbot("parse", "--jsonl", stdin=stdin)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0, done.stderr
    assert answers[0]["occurrences"] == ["2026-03-08T04:30:00-04:00"]
    assert answers[1:4] == [{"ok": False, "error": "bad_input"}] * 3
    assert answers[4] == {"ok": False, "error": "no_time"}
    assert answers[5] == {
        "ok": True,
        "target": "#ops",
        "message": "PR #45",
        "entity": {"type": "pr", "id": "45"},
        "occurrences": [
            "2026-11-27T16:00:00+01:00",
            "2026-12-04T16:00:00+01:00",
            "2026-12-11T16:00:00+01:00",
        ],
        "rrule": "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
    }


def test_jsonl_lines_without_now_or_tz_take_the_commands_defaults() -> None:
    lines = [
        {"text": "remind me in 2 hours to stretch"},
        {"text": "remind me tomorrow at 9 to call Bo", "tz": "America/New_York"},
        {"text": "remind me tomorrow at 9 to call Bo", "now": "2026-11-30T10:00:00"},
        {"text": "remind me at 9", "tz": "Not/AZone"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    done = _remindbot(
        "parse", "--jsonl", "--tz", "Europe/Copenhagen", "--now", "2026-11-23T10:00", stdin=stdin
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0, done.stderr
    assert [a.get("occurrences") for a in answers] == [
        ["2026-11-23T12:00:00+01:00"],
        ["2026-11-24T09:00:00-05:00"],
        ["2026-12-01T09:00:00+01:00"],
        None,
    ]
    assert answers[3] == {"ok": False, "error": "bad_input"}


def test_jsonl_without_now_reads_the_lines_now() -> None:
    done = _remindbot("parse", "--jsonl", stdin=json.dumps({"text": "remind me in 1 hour"}))
    (answer,) = [json.loads(line) for line in done.stdout.splitlines()]
    when = datetime.fromisoformat(answer["occurrences"][0])
    assert timedelta(minutes=59) < when - datetime.now(UTC) <= timedelta(hours=1)
