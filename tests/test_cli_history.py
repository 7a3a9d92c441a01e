"""``remindbot history`` on a SQLite file, after real deliveries, a snooze and a
completion made through the app's own dispatcher and chat front."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build
from bot.cli import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.core.inbound import Message
from bot.core.model import Actor, Conversation
from tests.core.conftest import Recorder
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder

ANN = Actor(platform="slack", workspace="T1", user="U1", name="ann")
BO = "slack:T1:U2"


async def _happen(url: str) -> tuple[int, int]:
    """Deliver one reminder twice (snoozed between) and mark it done; deliver another
    on chat and on email (not configured: failed); one of Bo's besides."""
    clock = ManualClock(DUE)
    app = await build(Settings(database_url=url), clock)
    app.add_gateway(FakePlatform(platform="slack"))
    try:
        made = (ANN.key, "create")
        one = await app.repo.add(new_reminder(message="call the vet"), clock.now(), audit=made)
        renew = new_reminder(message="renew", channels=("chat", "email"))
        both = await app.repo.add(renew, clock.now(), audit=made)
        bo = new_reminder(owner=BO, target_ref="U2", created_by=BO, message="bo's")
        await app.repo.add(bo, clock.now(), audit=(BO, "create"))
        assert await app.dispatcher.drain() == 3

        async def say(text: str) -> str:
            out = Recorder()
            where = Conversation(id="D1")
            message = Message(event_id=None, actor=ANN, conversation=where, text=text)
            await app.engine.front.message(message, out)
            return out.last().text

        assert "Snoozed until" in await say("snooze 1 1h")
        clock.advance(timedelta(hours=1))
        assert await app.dispatcher.drain() == 1
        assert "Completed" in await say("done 1")
    finally:
        await app.close()
    return one.id, both.id


def _history(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> list[list[str]]:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", url)
    out = io.StringIO()
    assert main(["history", *args], stdout=out) == 0
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_history_prints_each_delivery_snooze_and_completion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    one, both = asyncio.run(_happen(url))
    later = "2026-11-23T11:00:00Z"
    assert _history(monkeypatch, url, "--reminder", str(one)) == [
        ["2026-11-23T10:00:00Z", "slack:T1:U1", "create", "#1", f"id {one}", "-", "-"],
        ["2026-11-23T10:00:00Z", "dispatcher", "delivered", "#1", f"id {one}", "chat", "-"],
        ["2026-11-23T10:00:00Z", "slack:T1:U1", "snooze", "#1", f"id {one}", "-", "-"],
        [later, "dispatcher", "delivered", "#1", f"id {one}", "chat", "-"],
        [later, "slack:T1:U1", "complete", "#1", f"id {one}", "-", "-"],
    ]
    assert one == 1 and _documented() == _history(monkeypatch, url, "--reminder", "1")
    lines = _history(monkeypatch, url, "--reminder", str(both))
    # One line per channel, and the occurrence's own (no channel: it was sent on one).
    assert sorted(line[2:] for line in lines if line[1] == "dispatcher") == [
        ["delivered", "#2", f"id {both}", "-", "-"],
        ["delivered", "#2", f"id {both}", "chat", "-"],
        ["delivery_failed", "#2", f"id {both}", "email", "email_not_configured"],
    ]
    # --user: what Ann did and what happened to her reminders, not Bo's; --limit: the last.
    mine = _history(monkeypatch, url, "--user", ANN.key)
    assert all(line[3] != "-" for line in mine) and len(mine) == 9
    assert "bo's" not in str(mine) and all(line[1] != BO for line in mine)
    assert len(_history(monkeypatch, url)) == 11
    assert _history(monkeypatch, url, "--limit", "1") == [mine[-1]]


def _documented() -> list[list[str]]:
    """The output docs/calendar.md shows for ``remindbot history --reminder 1``."""
    text = (Path(__file__).parents[1] / "docs" / "calendar.md").read_text(encoding="utf-8")
    after = text.split("$ remindbot history --reminder 1\n", 1)[1]
    shown = after.split("\n$ ", 1)[0]
    return [line.split("\t") for line in shown.splitlines()]


def test_a_limit_out_of_range_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REMINDBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    assert main(["history", "--limit", "0"]) == 2
    assert capsys.readouterr().err == (
        "remindbot history: --limit takes a number from 1 to 10000\n"
    )
