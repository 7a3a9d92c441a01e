"""SIGTERM on a real ``remindbot run`` (bot/shutdown.py), against a Slack stand-in that
answers ``chat.postMessage`` slowly, with a burst of due reminders.

The first SIGTERM lets the deliveries in flight finish and be recorded, gives the rest
of the claimed batch back (no lease, still scheduled), and exits 0; a second process
then delivers the released ones at once (their 120 s leases would otherwise hold them),
and no conversation gets a reminder twice. A second SIGTERM ends a stuck stop at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.shutdown import AT_ONCE
from storage import SqlReminderRepository, make_engine, upgrade_async
from tests.factories import new_reminder
from tests.servers.slack import FakeSlack
from tests.test_dockerfile import free_port

BURST = 30  # more than the 16 deliveries the dispatcher has in flight at once
IN_FLIGHT = 16
SLOW = 2.0  # seconds chat.postMessage takes while the first process stops


async def _due_burst(url: str, count: int) -> list[int]:
    """``count`` one-off reminders, one per person (U1 -> D1), due a minute ago."""
    engine = make_engine(url)
    try:
        await upgrade_async(engine)
        repo = SqlReminderRepository(engine)
        now = datetime.now(UTC)
        ids = []
        for i in range(1, count + 1):
            rem = new_reminder(
                owner=f"slack:T1:U{i}",
                created_by=f"slack:T1:U{i}",
                conversation=f"D{i}",
                target_ref=f"U{i}",
                message=f"task {i}",
                next_due=now - timedelta(minutes=1),
            )
            ids.append((await repo.add(rem, now)).id)
        return ids
    finally:
        await engine.dispose()


async def _rows(url: str) -> dict[int, tuple[str, object, list[str]]]:
    """Reminder id -> (state, lease_until, its occurrences' states)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rems = (await conn.execute(text("SELECT id, state, lease_until FROM reminders"))).all()
            occs = (await conn.execute(text("SELECT reminder_id, state FROM occurrences"))).all()
    finally:
        await engine.dispose()
    found: dict[int, tuple[str, object, list[str]]] = {
        r.id: (r.state, r.lease_until, []) for r in rems
    }
    for occ in occs:
        found[occ.reminder_id][2].append(occ.state)
    return found


def _env(tmp_path: Path, url: str, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "REMINDBOT_DATABASE_URL": url,
        "REMINDBOT_HTTP_PORT": str(free_port()),
        "REMINDBOT_MAX_PER_USER_PER_HOUR": "0",  # one each anyway; no summaries
        "REMINDBOT_LOG_FORMAT": "json",
        "SLACK_BOT_TOKEN": "xoxb-shutdown-test",
        "SLACK_SIGNING_SECRET": "shutdown-signing-secret",
        "SLACK_API_URL": slack.api_url,
        **extra,
    }


async def _start(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def _posted(slack: FakeSlack) -> dict[str, int]:
    return {channel: len(found) for channel, found in slack.web.messages.items() if found}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database both processes share: a file, or a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    url: str = request.getfixturevalue("postgres_db")
    return url


async def test_sigterm_finishes_in_flight_releases_the_rest_and_another_process_takes_them(
    tmp_path: Path, db_url: str
) -> None:
    url = db_url
    ids = await _due_burst(url, BURST)
    async with FakeSlack() as slack:
        slack.delays["chat.postMessage"] = SLOW
        first = await _start(tmp_path, _env(tmp_path, url, slack))
        await slack.wait_for_call("chat.postMessage", IN_FLIGHT, timeout=90)
        asked = time.monotonic()
        first.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(first.communicate(), 30)
        took = time.monotonic() - asked
        assert first.returncode == 0, err.decode()[-3000:]
        assert took < 5 + 5, f"the stop took {took:.1f} s"
        calls = len(slack.calls_to("chat.postMessage"))
        posted = _posted(slack)
        assert IN_FLIGHT <= calls < BURST
        assert sum(posted.values()) == calls  # every post that started was answered

        rows = await _rows(url)
        sent = {i for i, (_, _, occs) in rows.items() if "sent" in occs}
        assert {f"D{i}" for i in sent} == set(posted)  # what was posted is recorded sent
        rest = set(ids) - sent
        assert len(rest) == BURST - calls
        for i in rest:
            state, lease, _ = rows[i]
            assert (state, lease) == ("scheduled", None), f"reminder {i} not released"
        lines = [json.loads(line) for line in err.decode().splitlines()]
        assert any(f"{len(rest)} claimed reminder(s) released" in r["msg"] for r in lines)

        slack.delays.clear()
        second = await _start(tmp_path, _env(tmp_path, url, slack))
        try:
            async with asyncio.timeout(30):  # well inside the 120 s the leases would hold
                while sum(_posted(slack).values()) < BURST:
                    assert second.returncode is None
                    await asyncio.sleep(0.2)
        finally:
            second.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 0, err.decode()[-3000:]
    assert _posted(slack) == {f"D{i}": 1 for i in ids}  # every one once, none twice
    rows = await _rows(url)
    assert all(occs == ["sent"] for _, _, occs in rows.values())


async def test_while_stopping_http_says_503_and_a_second_sigterm_exits_at_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    await _due_burst(url, 2)
    async with FakeSlack() as slack:
        slack.delays["chat.postMessage"] = 60  # a delivery that will not end by itself
        env = _env(tmp_path, url, slack, REMINDBOT_SHUTDOWN_SECONDS="60")
        bot = await _start(tmp_path, env)
        try:
            await slack.wait_for_call("chat.postMessage", 2, timeout=90)
            bot.send_signal(signal.SIGTERM)
            assert bot.stderr is not None
            async with asyncio.timeout(15):
                while b"SIGTERM: finishing" not in await bot.stderr.readline():
                    pass
            base = f"http://127.0.0.1:{env['REMINDBOT_HTTP_PORT']}"
            async with httpx.AsyncClient() as http:
                health = await http.get(f"{base}/healthz")
                event = await http.post(f"{base}/slack/events", content=b"{}")
            assert (health.status_code, event.status_code) == (503, 503)
            assert health.json() == {"error": "shutting down"}
            asked = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bot.wait(), 5)
            assert time.monotonic() - asked < 5
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    assert bot.returncode == AT_ONCE == 143
