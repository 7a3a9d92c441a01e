"""HTTP mode: Slack's signed POSTs to /slack/events, through bolt's Starlette handler.

Bolt checks the request timestamp against the real clock (``time.time()``, 5-minute window,
https://api.slack.com/authentication/verifying-requests-from-slack), so requests are signed
with the real time here; nothing waits on it.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.adapters.slack import SlackAdapter
from bot.clock import ManualClock
from bot.core import actions
from bot.core.engine import build_engine
from storage import SqlReminderRepository
from tests.adapters.slack.steps import element, words
from tests.servers import slack_payloads as p
from tests.servers.slack import FakeSlack

SECRET = "s3cr3t"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def http(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    engine = build_engine(repo, clock, {})
    adapter = SlackAdapter(
        engine.front, bot_token="xoxb-test", api_url=slack.api_url, signing_secret=SECRET
    )
    transport = httpx.ASGITransport(app=Starlette(routes=adapter.routes()))
    async with httpx.AsyncClient(transport=transport, base_url="http://remindbot.test") as client:
        yield client
    await adapter.close()


async def _post(
    client: httpx.AsyncClient,
    body: bytes,
    content_type: str = FORM,
    *,
    age: int = 0,
    secret: str = SECRET,
) -> httpx.Response:
    headers = p.sign(body, secret, int(time.time()) - age) | {"Content-Type": content_type}
    return await client.post("/slack/events", content=body, headers=headers)


async def test_signed_slash_command_is_acked_and_answered_at_the_response_url(
    http: httpx.AsyncClient, slack: FakeSlack
) -> None:
    command = p.slash_command("me in 10 minutes to stretch", response_url=slack.response_url("c"))
    response = await _post(http, p.form_body(command))
    assert response.status_code == 200
    answer = (await slack.wait_for_response("c"))[0]
    assert answer["response_type"] == "ephemeral"
    assert "stretch" in words(answer["blocks"])


async def test_request_with_a_wrong_signature_is_refused(
    http: httpx.AsyncClient, slack: FakeSlack
) -> None:
    command = p.slash_command("me in 10 minutes to stretch", response_url=slack.response_url("c"))
    response = await _post(http, p.form_body(command), secret="not-the-secret")
    assert response.status_code == 401
    assert slack.responses("c") == []


async def test_correctly_signed_request_older_than_five_minutes_is_refused(
    http: httpx.AsyncClient, slack: FakeSlack
) -> None:
    command = p.slash_command("me in 10 minutes to stretch", response_url=slack.response_url("c"))
    response = await _post(http, p.form_body(command), age=301)
    assert response.status_code == 401
    assert slack.responses("c") == []


async def test_url_verification_challenge_is_answered(http: httpx.AsyncClient) -> None:
    challenge = {"token": p.VERIFICATION_TOKEN, "challenge": "c-123", "type": "url_verification"}
    response = await _post(http, json.dumps(challenge).encode(), "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


async def test_signed_button_click_is_accepted_and_confirms_the_draft(
    http: httpx.AsyncClient, slack: FakeSlack
) -> None:
    command = p.slash_command("me in 10 minutes to stretch", response_url=slack.response_url("c"))
    await _post(http, p.form_body(command))
    blocks: list[dict[str, Any]] = (await slack.wait_for_response("c"))[0]["blocks"]
    confirm = element(blocks, actions.CONFIRM)
    click = p.block_actions(
        actions.CONFIRM,
        confirm["value"],
        channel_id="C1",
        is_ephemeral=True,
        response_url=slack.response_url("k"),
    )
    response = await _post(http, p.interactive_body(click))
    assert response.status_code == 200
    scheduled = (await slack.wait_for_response("k"))[0]
    assert scheduled["replace_original"] is True
    assert scheduled["text"].startswith("Scheduled #")
