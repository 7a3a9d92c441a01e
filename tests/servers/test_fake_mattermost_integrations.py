"""The stand-in calls integrations as the server does: action clicks and slash commands."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from websockets.asyncio.client import connect

from .mattermost import FakeMattermost
from .mattermost_world import ApiError

JSON = dict[str, Any]


@dataclass
class Integration:
    """A local HTTP endpoint standing in for remindbot: records requests, answers ``reply``."""

    reply: Any = field(default_factory=dict)
    status: int = 200
    content_type: str = "application/json"
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        body = self.reply if isinstance(self.reply, str) else json.dumps(self.reply)
        return web.Response(status=self.status, text=body, content_type=self.content_type)


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as server:
        yield server


@pytest.fixture
async def hook() -> AsyncIterator[Integration]:
    integration = Integration()
    app = web.Application()
    app.add_routes([web.post("/hook", integration.handle)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    integration.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield integration
    await runner.cleanup()


def reminder_props(url: str) -> JSON:
    button = {
        "id": "complete",
        "name": "Complete",
        "type": "button",
        "integration": {"url": url, "context": {"rid": 7, "sig": "s"}},
    }
    menu = {
        "id": "snooze",
        "name": "Snooze",
        "type": "select",
        "options": [{"text": "1 hour", "value": "1h"}],
        "integration": {"url": url, "context": {"rid": 7}},
    }
    return {"attachments": [{"text": "Reminder", "actions": [button, menu]}]}


async def bot_post(mm: FakeMattermost, channel_id: str, props: JSON) -> JSON:
    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with httpx.AsyncClient(base_url=f"{mm.url}/api/v4", headers=headers) as api:
        body = {"channel_id": channel_id, "message": "Reminder: water", "props": props}
        created: JSON = (await api.post("/posts", json=body)).json()
    return created


async def test_click_posts_the_integration_request_and_applies_the_update(
    mm: FakeMattermost, hook: Integration
) -> None:
    alice = mm.add_user("alice")
    dm = mm.dm_with(alice)
    post = await bot_post(mm, dm, reminder_props(hook.url))
    hook.reply = {"update": {"message": "Done", "props": {}}, "ephemeral_text": "<https://x|ok>"}

    headers = {"Authorization": f"Bearer {mm.bot_token}"}
    async with connect(mm.ws_url, additional_headers=headers) as ws:
        await asyncio.wait_for(ws.recv(), 5)  # hello
        outcome = await mm.click(post["id"], "complete", user_id=alice)
        edited = json.loads(await asyncio.wait_for(ws.recv(), 5))

    [(headers_seen, raw)] = hook.requests
    request = json.loads(raw)
    assert headers_seen["Content-Type"] == "application/json"
    assert request["context"] == {"rid": 7, "sig": "s"}
    assert {k: request[k] for k in ("user_id", "user_name", "channel_id", "post_id", "type")} == {
        "user_id": alice,
        "user_name": "alice",
        "channel_id": dm,
        "post_id": post["id"],
        "type": "button",
    }
    assert request["team_id"] == "" and request["trigger_id"]
    assert (outcome.status, outcome.error) == (200, None)
    assert mm.post(post["id"])["message"] == "Done"
    assert mm.post(post["id"])["props"] == {}
    assert edited["event"] == "post_edited"
    [note] = mm.ephemerals_for(alice)
    assert (note.message, note.via, note.root_id) == ("[ok](https://x)", "action", post["id"])


async def test_menu_choice_goes_into_context_and_null_props_keep_the_post(
    mm: FakeMattermost, hook: Integration
) -> None:
    alice = mm.add_user("alice")
    post = await bot_post(mm, mm.dm_with(alice), reminder_props(hook.url))
    hook.reply = {"update": {"message": "Snoozed", "props": None}}

    await mm.click(post["id"], "snooze", user_id=alice, selected_option="1h")

    request = json.loads(hook.requests[0][1])
    assert request["context"] == {"rid": 7, "selected_option": "1h"}
    assert request["type"] == "select"
    stored = mm.post(post["id"])
    assert stored["message"] == "Snoozed"
    assert stored["props"]["attachments"][0]["actions"][0]["integration"]["url"] == hook.url


async def test_refused_or_failed_clicks_change_nothing(
    mm: FakeMattermost, hook: Integration
) -> None:
    alice, mallory = mm.add_user("alice"), mm.add_user("mallory")
    post = await bot_post(mm, mm.dm_with(alice), reminder_props(hook.url))
    hook.status, hook.reply = 500, {"update": {"message": "hacked"}}

    failed = await mm.click(post["id"], "complete", user_id=alice)
    with pytest.raises(ApiError) as outsider:
        await mm.click(post["id"], "complete", user_id=mallory)
    with pytest.raises(ApiError) as bad_id:
        await mm.click(post["id"], "snooze_1h", user_id=alice)

    assert (failed.status, failed.error) == (500, "api.post.do_action.action_integration.app_error")
    assert (outsider.value.status, bad_id.value.status) == (403, 404)
    assert mm.post(post["id"])["message"] == "Reminder: water"
    assert len(hook.requests) == 1


async def test_slash_command_posts_the_form_with_its_token_and_shows_the_answer(
    mm: FakeMattermost, hook: Integration
) -> None:
    alice = mm.add_user("alice")
    town = mm.add_channel("town-square", alice)
    mm.add_command("remind", hook.url, "slash-token")
    hook.reply = {
        "text": "Got it",
        "extra_responses": [{"response_type": "in_channel", "text": "Alice set a reminder"}],
    }

    outcome = await mm.run_command("/remind me tomorrow at 9", user_id=alice, channel_id=town)

    headers, raw = hook.requests[0]
    form = dict(httpx.QueryParams(raw.decode()))
    assert headers["Authorization"] == "Token slash-token"
    assert form["command"] == "/remind" and form["text"] == "me tomorrow at 9"
    assert (form["token"], form["user_id"], form["channel_id"]) == ("slash-token", alice, town)
    assert form["team_domain"] and form["trigger_id"]
    assert form["response_url"].startswith(f"{mm.url}/hooks/commands/")
    assert outcome.status == 200
    assert [e.message for e in mm.ephemerals_for(alice)] == ["Got it"]
    [announcement] = mm.posts_in(town)
    assert announcement["props"]["from_webhook"] == "true"


async def test_plain_text_answers_and_late_answers_via_response_url(
    mm: FakeMattermost, hook: Integration
) -> None:
    alice = mm.add_user("alice")
    dm = mm.dm_with(alice)
    mm.add_command("remind", hook.url, "slash-token")
    hook.reply, hook.content_type = "Working on it", "text/plain"

    await mm.run_command("/remind list", user_id=alice, channel_id=dm)
    response_url = dict(httpx.QueryParams(hook.requests[0][1].decode()))["response_url"]
    async with httpx.AsyncClient() as http:
        late = await http.post(response_url, json={"text": "Here is your list"})
        forged = await http.post(f"{mm.url}/hooks/commands/nope", json={"text": "x"})

    assert [e.message for e in mm.ephemerals_for(alice)] == ["Working on it", "Here is your list"]
    assert mm.ephemerals_for(alice)[1].via == "response_url"
    assert (late.status_code, forged.status_code) == (200, 400)
    assert [c.status for c in mm.calls_to("command_response")] == [200, 400]
