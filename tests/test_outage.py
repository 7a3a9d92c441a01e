"""Database outages, for real: a private PostgreSQL server (tests/pg_private.py) under a
real app (``build`` + ``start_platforms``) with the Mattermost stand-in, stopped with
``pg_ctl stop -m immediate`` during a burst of due reminders and started again.

What must hold: the process stays up; ``/healthz`` (and the container's HEALTHCHECK
command) says 503 with the reason during the outage and 200 after; a chat message
meanwhile is answered "try again in a moment" (in the language it was written in); every
reminder is posted exactly once after (counted per occurrence at the stand-in). Starting
with the database down waits for it; a frozen database makes ``/healthz`` a quick 503.
The outage is real time (seconds); the dispatcher's time is a ``ManualClock``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import healthcheck, verbs
from bot.adapters.mattermost.gateway import OCCURRENCE_PROP
from bot.app import App, StartError, build, shown_url, start_platforms
from bot.clock import ManualClock
from bot.config import Secret, Settings
from bot.core import texts
from bot.core.model import TargetKind
from bot.health import Health
from bot.http import create_http_app
from bot.waiting import Waiting
from storage import make_engine
from tests.factories import DUE, new_reminder
from tests.pg_private import PrivatePostgres, free_port, private_pg, silent_server
from tests.servers.asgi import listening
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack

__all__ = ["private_pg", "silent_server"]  # fixtures, used by name below

BURST = 30
ENGLISH = texts.ENGLISH.try_again().text
DANISH = texts.DANISH.try_again().text


def _settings(url: str, mm: FakeMattermost, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "auto_migrate": True,
        "mattermost_url": mm.url,
        "mattermost_token": Secret(mm.bot_token),
        "mattermost_actions_url": "http://remindbot.test/mattermost/actions",
        "http_port": 0,
        "sweep_seconds": 1,  # the scheduler looks again every second while the db is away
        "max_per_user_per_hour": 0,  # a burst of 30 to one person, not a summary
    }
    return Settings(**(values | extra))  # type: ignore[arg-type]


async def _eventually(what: str, ready: Callable[[], Awaitable[bool]], timeout: float) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        while not await ready():  # noqa: ASYNC110 (the state is another server's)
            await asyncio.sleep(0.1)
    assert await ready(), what


@pytest.fixture
async def mattermost() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as mm:
        yield mm


async def _running(settings: Settings, clock: ManualClock) -> tuple[App, list[Any], int]:
    app = await build(settings, clock, wait=True)
    tasks = await start_platforms(app)
    await app.start()
    return app, tasks, await listening(app.extras["http"])


async def _stop(app: App, tasks: list[Any]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await app.close()


async def test_an_outage_during_a_burst_answers_try_again_and_delivers_each_once_after(
    private_pg: PrivatePostgres, mattermost: FakeMattermost
) -> None:
    mm = mattermost
    alice = mm.add_user("alice")
    clock = ManualClock(DUE - timedelta(minutes=1))
    # One clock for the bot and the server: a post made and not recorded is looked for
    # by the time it was made (posts since its due time), as on a real server.
    mm.world.now_ms = int(DUE.timestamp() * 1000)
    app, tasks, port = await _running(_settings(private_pg.url, mm), clock)
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        await mm.wait_connected()
        dm = mm.dm_with(alice)
        for i in range(BURST):
            rem = new_reminder(
                owner=f"mattermost::{alice}",
                platform="mattermost",
                workspace="",
                conversation=dm,
                target_kind=TargetKind.USER,
                target_ref=alice,
                target_name="alice",
                message=f"water plant {i:02d}",
                created_by=f"mattermost::{alice}",
            )
            await app.repo.add(rem, clock.now())
        clock.set(DUE + timedelta(seconds=1))
        app.scheduler.arm(DUE)
        await mm.wait_for_posts(dm, 1)  # the burst has begun: now the database goes
        await asyncio.to_thread(private_pg.stop)

        async with httpx.AsyncClient(timeout=10) as http:
            started = time.monotonic()
            down = await http.get(healthz)
            assert time.monotonic() - started < 3
            assert down.status_code == 503
            body = down.json()
            assert body["status"] == "unhealthy"
            assert body["checks"]["database"]["ok"] is False
            assert body["checks"]["database"]["reason"]
            assert body["checks"]["process"] == {"ok": True}
            assert body["checks"]["mattermost"] == {"ok": True}
            assert await asyncio.to_thread(healthcheck.check, healthz) == 1

            mm.user_posts_dm(alice, "help")
            mm.user_posts_dm(alice, "mind mig om at ringe til mor i morgen kl 9")

            async def answered() -> bool:
                said = [p["message"] for p in mm.posts_in(dm)]
                return ENGLISH in said and DANISH in said

            await _eventually("both asked to try again", answered, 10)
            await asyncio.sleep(1.5)  # the scheduler's sweeps fail meanwhile…
            assert not any(task.done() for task in tasks)  # …and the process stays up

            await asyncio.to_thread(private_pg.start)
            # What was claimed before the outage is leased; its lease runs out by now.
            clock.advance(app.settings.lease + timedelta(seconds=1))

            async def healthy() -> bool:
                return (await http.get(healthz)).status_code == 200

            await _eventually("/healthz 200 after the outage", healthy, 10)
            assert await asyncio.to_thread(healthcheck.check, healthz) == 0

        def posted() -> Counter[str]:
            tags = ((p.get("props") or {}).get(OCCURRENCE_PROP) for p in mm.posts_in(dm))
            return Counter(tag for tag in tags if tag)

        async def all_posted() -> bool:
            return len(posted()) >= BURST

        await _eventually("every reminder posted", all_posted, 20)
        await asyncio.sleep(2)  # two more sweeps: nothing is posted again
        counts = posted()
        assert len(counts) == BURST and set(counts.values()) == {1}, counts
        messages = Counter(p["message"] for p in mm.posts_in(dm))
        for i in range(BURST):
            assert sum(n for m, n in messages.items() if f"water plant {i:02d}" in m) == 1
        assert not any(task.done() for task in tasks)
    finally:
        await _stop(app, tasks)


async def test_starting_while_the_database_is_down_waits_for_it(
    mattermost: FakeMattermost, caplog: pytest.LogCaptureFixture
) -> None:
    server = PrivatePostgres()  # its port is chosen; nothing listens there yet
    caplog.set_level(logging.INFO, logger="bot.startup")
    try:
        settings = _settings(server.url, mattermost, db_start_timeout_seconds=60)
        starting = asyncio.create_task(build(settings, ManualClock(DUE), wait=True))
        await asyncio.sleep(1)
        assert not starting.done()  # still trying, not given up
        await asyncio.to_thread(server.start)
        app = await asyncio.wait_for(starting, 15)
        try:
            ok, body = await app.health()
            assert ok and body["status"] == "ok"
        finally:
            await app.close()
        attempts = [r.getMessage() for r in caplog.records if "Attempt" in r.getMessage()]
        assert attempts[0].startswith(f"I cannot reach the database at {shown_url(server.url)}")
        assert attempts[0].endswith("Attempt 1; trying again in 0.5 s.")
        assert any("reachable after" in r.getMessage() for r in caplog.records)
    finally:
        server.remove()


async def test_while_run_waits_for_the_database_healthz_answers_503_with_the_reason(
    mattermost: FakeMattermost,
) -> None:
    """``remindbot run``'s start (verbs._ready_app): its port answers 503 with the last
    attempt's sentence while the database is not there, then the real server takes it."""
    server = PrivatePostgres()  # nothing listens at its port yet
    port = free_port()
    health = f"http://127.0.0.1:{port}/healthz"
    settings = _settings(server.url, mattermost, db_start_timeout_seconds=60, http_port=port)
    try:
        starting = asyncio.create_task(verbs._ready_app(settings))
        async with httpx.AsyncClient(timeout=5) as client:

            async def says_why() -> bool:
                try:
                    answer = await client.get(health)
                except httpx.TransportError:
                    return False  # not listening yet
                reason = str(answer.json()["checks"]["database"].get("reason", ""))
                return reason.startswith("I cannot reach the database")

            await _eventually("/healthz says why", says_why, 10)
            answer = await client.get(health)
            assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
            body = answer.json()
            assert body["status"] == "unhealthy" and body["checks"]["process"] == {"ok": True}
            assert shown_url(server.url) in body["checks"]["database"]["reason"]
            event = await client.post(f"http://127.0.0.1:{port}/mattermost/actions", json={})
            assert event.status_code == 503  # a platform's callback is asked to come back
            assert await asyncio.to_thread(healthcheck.check, health) == 1
            assert not starting.done()
            await asyncio.to_thread(server.start)
            app = await asyncio.wait_for(starting, 15)
            tasks: list[Any] = []
            try:
                tasks = await start_platforms(app)  # the real server, on the same port
                await app.start()

                async def healthy() -> bool:
                    try:
                        return (await client.get(health)).status_code == 200
                    except httpx.TransportError:
                        return False

                await _eventually("the real /healthz answers 200", healthy, 10)
                assert (await client.get(health)).json()["status"] == "ok"
            finally:
                await _stop(app, tasks)
    finally:
        server.remove()


async def test_a_port_that_is_taken_while_waiting_is_left_to_the_real_server(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = Waiting("127.0.0.1", 0)
    await first.open()
    port = first.bound_port
    assert port is not None
    second = Waiting("127.0.0.1", port)
    try:
        await second.open()  # logs, does not raise: the real server will say it in words
        assert second.bound_port is None
        assert any("cannot answer /healthz" in r.getMessage() for r in caplog.records)
    finally:
        await first.close()
        await second.close()


async def test_a_request_that_never_ends_its_head_is_closed_without_an_answer() -> None:
    waiting = Waiting("127.0.0.1", 0)
    await waiting.open()
    try:
        port = waiting.bound_port
        assert port is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\n" + b"X-Long: " + b"a" * 20_000)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 10) == b""  # closed, nothing said
        writer.close()
    finally:
        await waiting.close()


async def test_a_database_that_never_comes_gives_up_with_one_sentence(
    mattermost: FakeMattermost,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    settings = _settings(url, mattermost, db_start_timeout_seconds=1.5)
    started = time.monotonic()
    with pytest.raises(StartError) as refused:
        await build(settings, ManualClock(DUE), wait=True)
    assert 1.5 <= time.monotonic() - started < 5
    sentence = str(refused.value)
    assert sentence.startswith("I cannot reach the database at postgresql+asyncpg://postgres@")
    assert "\n" not in sentence and sentence.endswith(" s.") and "I tried" in sentence


async def test_a_one_off_command_does_not_wait_for_the_database(
    mattermost: FakeMattermost,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
    started = time.monotonic()
    with pytest.raises(StartError, match="I cannot reach the database"):
        await build(_settings(url, mattermost), ManualClock(DUE))  # wait=False
    assert time.monotonic() - started < 1.5


async def test_a_silent_database_makes_healthz_answer_503_within_the_timeout(
    silent_server: int,
) -> None:
    db = make_engine(f"postgresql://postgres@127.0.0.1:{silent_server}/postgres")
    try:
        transport = httpx.ASGITransport(app=create_http_app(health=Health(db, {}, timeout=1)))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            started = time.monotonic()
            answer = await client.get("/healthz")
            elapsed = time.monotonic() - started
    finally:
        await db.dispose()
    assert elapsed < 2
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == {
        "ok": False,
        "reason": "no answer to SELECT 1 within 1 s",
    }


async def test_a_frozen_server_under_a_running_app_is_a_quick_503_then_200(
    private_pg: PrivatePostgres, mattermost: FakeMattermost
) -> None:
    app, tasks, port = await _running(_settings(private_pg.url, mattermost), ManualClock(DUE))
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            await mattermost.wait_connected()
            assert (await http.get(healthz)).status_code == 200
            private_pg.freeze()  # holds every connection open and answers nothing
            try:
                started = time.monotonic()
                frozen = await http.get(healthz)
                assert time.monotonic() - started < 3  # the 2 s timeout, not a hang
            finally:
                private_pg.thaw()
            assert frozen.status_code == 503
            assert frozen.json()["checks"]["database"] == {
                "ok": False,
                "reason": "no answer to SELECT 1 within 2 s",
            }

            async def healthy() -> bool:
                return (await http.get(healthz)).status_code == 200

            await _eventually("/healthz 200 once thawed", healthy, 10)
    finally:
        await _stop(app, tasks)


async def test_the_operations_doc_shows_healthz_as_it_answers(
    tmp_path: Path, silent_server: int
) -> None:
    doc = Path(__file__).parent.parent / "docs" / "operations.md"
    section = doc.read_text().split("### The health check")[1].split("\n### ")[0]
    healthy, unhealthy = (
        json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", section, re.S)
    )

    async def connected() -> None:
        return None

    app = await build(Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}"))
    try:
        app.connections["slack"] = connected
        assert await app.health() == (True, healthy)
    finally:
        await app.close()
    db = make_engine(f"postgresql://postgres@127.0.0.1:{silent_server}/postgres")
    try:
        assert await Health(db, {"slack": connected})() == (False, unhealthy)
    finally:
        await db.dispose()


async def test_a_database_not_migrated_is_not_waited_for(
    private_pg: PrivatePostgres, mattermost: FakeMattermost
) -> None:
    settings = _settings(
        private_pg.url, mattermost, auto_migrate=False, db_start_timeout_seconds=60
    )
    started = time.monotonic()
    with pytest.raises(StartError, match="not at the newest schema"):
        await build(settings, ManualClock(DUE), wait=True)
    assert time.monotonic() - started < 5  # nobody migrates it while we wait


async def test_a_lost_mattermost_websocket_is_a_503_until_it_reconnects(
    tmp_path: Path, mattermost: FakeMattermost
) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'bot.db'}", mattermost)
    app, tasks, port = await _running(settings, ManualClock(DUE))
    healthz = f"http://127.0.0.1:{port}/healthz"
    try:
        await mattermost.wait_connected()
        async with httpx.AsyncClient(timeout=10) as http:
            assert (await http.get(healthz)).status_code == 200
            mattermost.refuse_connections()
            await mattermost.drop_connections()

            async def lost() -> bool:
                return (await http.get(healthz)).status_code == 503

            await _eventually("/healthz 503 without the websocket", lost, 5)
            body = (await http.get(healthz)).json()
            assert body["checks"]["mattermost"] == {
                "ok": False,
                "reason": "the websocket is not connected (reconnecting)",
            }
            assert body["checks"]["database"] == {"ok": True}
            mattermost.accept_connections()

            async def back() -> bool:
                return (await http.get(healthz)).status_code == 200

            await _eventually("/healthz 200 once reconnected", back, 15)
    finally:
        await _stop(app, tasks)


async def test_a_lost_slack_socket_is_a_503(tmp_path: Path) -> None:
    slack = FakeSlack()
    await slack.start()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        slack_bot_token=Secret("xoxb-test"),
        slack_app_token=Secret("xapp-test"),
        slack_api_url=slack.api_url,
        http_port=0,
    )
    try:
        app, tasks, port = await _running(settings, ManualClock(DUE))
        healthz = f"http://127.0.0.1:{port}/healthz"
        try:
            await slack.wait_connected()
            async with httpx.AsyncClient(timeout=10) as http:
                assert (await http.get(healthz)).status_code == 200
                await slack.stop()  # Slack is gone: the socket closes, reconnects fail

                async def lost() -> bool:
                    return (await http.get(healthz)).status_code == 503

                await _eventually("/healthz 503 without the socket", lost, 10)
                assert (await http.get(healthz)).json()["checks"]["slack"] == {
                    "ok": False,
                    "reason": "the Socket Mode connection is down (reconnecting)",
                }
        finally:
            await _stop(app, tasks)
    finally:
        await slack.stop()
