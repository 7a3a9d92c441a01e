"""``remindbot run``'s wiring with Slack settings, against the local Slack stand-in."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build, start_platforms
from bot.config import Secret, Settings
from tests.servers import slack_payloads as p
from tests.servers.slack import FakeSlack


async def test_run_connects_socket_mode_and_answers_a_dm(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            slack_bot_token=Secret("xoxb-test"),
            slack_app_token=Secret("xapp-test"),
            slack_api_url=slack.api_url,
            http_port=0,
        )
        app = await build(settings)
        tasks = await start_platforms(app)
        try:
            assert sorted(app.gateways) == ["slack"]
            await app.start()
            await slack.wait_connected()
            assert slack.calls_to("apps.connections.open")[0].token == "xapp-test"
            await slack.send_envelope("events_api", p.message_im_event("help"))
            answer = (await slack.wait_for_call("chat.postMessage"))[0]
            assert answer.token == "xoxb-test"
            assert answer.args["text"].startswith("Tell me what to remind you of")
        finally:
            for task in tasks:
                assert isinstance(task, asyncio.Task)
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.close()
