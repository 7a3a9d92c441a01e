"""``remindbot run``'s wiring: Slack and Mattermost in one process on one database, and a
token a platform refuses stops the start with one sentence."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

import httpx
import pytest

from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.slack.gateway import SlackGateway
from bot.app import App, StartError, build, start_platforms
from bot.config import Secret, Settings
from bot.environment import ConfigProblems, load
from bot.pacing import SLACK_LIMITS, mattermost_limits, slack_limits
from tests.servers import slack_payloads as p
from tests.servers.asgi import listening
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack


async def _stop(app: App, tasks: list[Awaitable[object]]) -> None:
    for task in tasks:
        assert isinstance(task, asyncio.Task)
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await app.close()


def _settings(tmp_path: Path, slack: FakeSlack, mm: FakeMattermost, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'bot.db'}",
        "slack_bot_token": Secret("xoxb-test"),
        "slack_app_token": Secret("xapp-test"),
        "slack_api_url": slack.api_url,
        "mattermost_url": mm.url,
        "mattermost_token": Secret(mm.bot_token),
        "mattermost_actions_url": "http://remindbot.test/mattermost/actions",
        "http_port": 0,
    }
    return Settings(**(values | extra))  # type: ignore[arg-type]


async def test_one_process_runs_slack_and_mattermost_on_one_database(tmp_path: Path) -> None:
    async with FakeSlack() as slack, FakeMattermost() as mm:
        alice = mm.add_user("alice")
        app = await build(_settings(tmp_path, slack, mm))
        tasks = await start_platforms(app)
        try:
            assert sorted(app.gateways) == ["mattermost", "slack"]
            await app.start()
            await slack.wait_connected()
            await mm.wait_connected()
            await slack.send_envelope("events_api", p.message_im_event("help"))
            mm.user_posts_dm(alice, "help")
            answer = (await slack.wait_for_call("chat.postMessage"))[0]
            assert answer.args["text"].startswith("Tell me what to remind you of")
            replies = await mm.wait_for_posts(mm.dm_with(alice), 2)
            assert replies[1]["message"].startswith("Tell me what to remind you of")
            ok, health = await app.health()
            assert ok and sorted(health["checks"]) == ["database", "mattermost", "process", "slack"]
            # No MATTERMOST_ACTIONS_SECRET: one was made and kept for every replica.
            again = await app.repo.shared_secret("mattermost_actions", lambda: "other")
            assert len(again) == 64
        finally:
            await _stop(app, tasks)


@pytest.mark.parametrize(
    ("which", "sentence"),
    [
        ("slack", "Slack did not accept SLACK_BOT_TOKEN (invalid_auth)."),
        ("mattermost", "did not accept MATTERMOST_TOKEN (unauthorized)."),
    ],
)
async def test_a_refused_token_stops_the_start_with_a_sentence(
    tmp_path: Path, which: str, sentence: str
) -> None:
    async with FakeSlack() as slack, FakeMattermost() as mm:
        wrong = (
            {"slack_bot_token": Secret("xoxb-wrong")}
            if which == "slack"
            else {"mattermost_token": Secret("not-the-token")}
        )
        slack.web.answers["auth.test"] = lambda args: (
            {"ok": False, "error": "invalid_auth"} if which == "slack" else p.auth_test()
        )
        app = await build(_settings(tmp_path, slack, mm, **wrong))
        try:
            with pytest.raises(StartError) as refused:
                await start_platforms(app)
            assert str(refused.value).endswith(sentence)
        finally:
            await app.close()


async def test_healthz_over_http_names_the_platforms(tmp_path: Path) -> None:
    async with FakeSlack() as slack, FakeMattermost() as mm:
        app = await build(_settings(tmp_path, slack, mm))
        tasks = await start_platforms(app)
        try:
            port = await listening(app.extras["http"])
            async with httpx.AsyncClient() as http:
                answer = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert answer.status_code == 200
            assert answer.json() == {
                "status": "ok",
                "checks": {
                    "process": {"ok": True},
                    "database": {"ok": True},
                    "mattermost": {"ok": True},
                    "slack": {"ok": True},
                },
            }
        finally:
            await _stop(app, tasks)


async def test_the_platforms_pace_to_the_budgets_set(tmp_path: Path) -> None:
    """REMINDBOT_SLACK_APP_RATE/_BURST and REMINDBOT_MATTERMOST_RATE/_BURST reach the
    pacers the gateways post through (per-conversation pacing stays Slack's 1 a second)."""
    loaded = load(
        {
            "REMINDBOT_SLACK_APP_RATE": "50",
            "REMINDBOT_SLACK_APP_BURST": "7",
            "REMINDBOT_MATTERMOST_RATE": "2.5",
            "REMINDBOT_MATTERMOST_BURST": "4",
        },
        tmp_path,
    )
    async with FakeSlack() as slack, FakeMattermost() as mm:
        given = {name: getattr(loaded.settings, name) for name in loaded.settings.given}
        app = await build(_settings(tmp_path, slack, mm, **given))
        tasks = await start_platforms(app)
        try:
            slack_gateway = app.gateways["slack"]
            assert isinstance(slack_gateway, SlackGateway)
            assert slack_gateway.pacer.limits == slack_limits(50.0, 7)
            assert (slack_gateway.pacer.limits.app, slack_gateway.pacer.limits.app_burst) == (50, 7)
            assert slack_gateway.pacer.limits.per_conversation == SLACK_LIMITS.per_conversation
            mm_gateway = app.gateways["mattermost"]
            assert isinstance(mm_gateway, MattermostGateway)
            assert mm_gateway.client.pacer.limits == mattermost_limits(2.5, 4)
            assert mm_gateway.client.pacer.limits.rate_limited == "app"
        finally:
            await _stop(app, tasks)


def test_budgets_out_of_range_are_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ConfigProblems) as refused:
        load({"REMINDBOT_SLACK_APP_RATE": "0", "REMINDBOT_MATTERMOST_BURST": "-1"}, tmp_path)
    problems = refused.value.problems
    assert any(p.startswith("REMINDBOT_SLACK_APP_RATE") for p in problems), problems
    assert any(p.startswith("REMINDBOT_MATTERMOST_BURST") for p in problems), problems


async def test_healthz_says_so_when_the_scheduler_has_stopped(tmp_path: Path) -> None:
    """The process check is the scheduler: a runner task that ended (not by a graceful
    stop) or a timer that went away makes /healthz 503 with the reason."""
    async with FakeSlack() as slack, FakeMattermost() as mm:
        app = await build(_settings(tmp_path, slack, mm))
        tasks = await start_platforms(app)
        try:
            ok, body = await app.health()
            assert ok and body["checks"]["process"] == {"ok": True}  # not started yet
            await app.start()
            ok, body = await app.health()
            assert ok and body["checks"]["process"] == {"ok": True}
            runner = app.scheduler._runner
            assert runner is not None
            runner.cancel()  # as if it died
            await asyncio.gather(runner, return_exceptions=True)
            port = await listening(app.extras["http"])
            async with httpx.AsyncClient() as http:
                answer = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert answer.status_code == 503
            assert answer.json()["checks"]["process"] == {
                "ok": False,
                "reason": "the scheduler stopped",
            }
        finally:
            await _stop(app, tasks)


async def test_a_graceful_stop_is_not_a_dead_scheduler(tmp_path: Path) -> None:
    async with FakeSlack() as slack, FakeMattermost() as mm:
        app = await build(_settings(tmp_path, slack, mm))
        tasks = await start_platforms(app)
        try:
            await app.start()
            await app.scheduler.finish(1)
            ok, body = await app.health()
            assert body["checks"]["process"] == {"ok": True}
        finally:
            await _stop(app, tasks)
