"""Regression tests for what an attack on the Slack bot found, over real HTTP.

Each test drives the bot as an attacker did: signed and unsigned requests to a running
uvicorn, concurrent clicks, replays, oversized and malformed bodies. The signatures use the
real time because bolt checks them against ``time.time()`` (5-minute window).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.adapters.slack import SlackAdapter
from bot.clock import ManualClock
from bot.core import actions
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from bot.core.model import Origin, ReminderState
from bot.core.ports import ChatPlatform
from bot.http import create_http_app
from storage import SqlReminderRepository
from tests.adapters.slack.steps import element
from tests.conftest import START
from tests.servers import slack_payloads as p
from tests.servers.asgi import serve
from tests.servers.slack import FakeSlack

SECRET = "s3cr3t"
FORM = "application/x-www-form-urlencoded"
RACES = 20


@dataclass
class HttpBot:
    url: str
    client: httpx.AsyncClient
    slack: FakeSlack
    repo: SqlReminderRepository
    clock: ManualClock
    dispatcher: Dispatcher

    async def post(
        self, body: bytes, content_type: str = FORM, *, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        signed = p.sign(body, SECRET, int(time.time())) | {"Content-Type": content_type}
        return await self.client.post(
            "/slack/events", content=body, headers=signed | (headers or {})
        )

    async def command(self, text: str, key: str, user: str = "U1") -> dict[str, Any]:
        """``/reminder text`` as ``user``; the answer Slack got at the response URL."""
        body = p.form_body(p.slash_command(text, user, response_url=self.slack.response_url(key)))
        assert (await self.post(body)).status_code == 200
        return (await self.slack.wait_for_response(key))[0]

    def click(self, action_id: str, value: str, key: str, **fields: Any) -> bytes:
        fields.setdefault("channel_id", "C1")
        fields.setdefault("is_ephemeral", True)
        url = self.slack.response_url(key)
        return p.interactive_body(p.block_actions(action_id, value, response_url=url, **fields))


@pytest.fixture
async def http_bot(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[HttpBot]:
    gateways: dict[str, ChatPlatform] = {}
    engine = build_engine(repo, clock, gateways)
    adapter = SlackAdapter(
        engine.front, bot_token="xoxb-test", api_url=slack.api_url, signing_secret=SECRET
    )
    gateways["slack"] = adapter.gateway
    dispatcher = Dispatcher(repo, gateways, clock)

    async def health() -> tuple[bool, dict[str, Any]]:
        return True, {}

    app = create_http_app(adapter.routes(), health=health)
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as client:
        yield HttpBot(url, client, slack, repo, clock, dispatcher)
    await adapter.close()


def _mrkdwn(blocks: list[dict[str, Any]]) -> str:
    return " ".join(
        str(t.get("text", "")) for b in blocks for t in [b.get("text") or {}, *b.get("fields", [])]
    )


async def _reminders(repo: SqlReminderRepository) -> list[Any]:
    return await repo.list_for(None, list(ReminderState), limit=1000)


# --- 1. an empty signing secret never turns verification off ---------------------------------


@pytest.mark.parametrize("secret", ["", "   "])
def test_an_empty_signing_secret_is_refused_at_start(secret: str) -> None:
    with pytest.raises(ValueError, match="signing secret is empty"):
        _adapter(secret)


def test_http_mode_without_a_secret_has_no_route() -> None:
    adapter = _adapter(None)
    with pytest.raises(RuntimeError, match="verification is never off"):
        adapter.routes()


# --- 2. only channels the person is in, where the bot can post; only reachable people --------


async def test_a_channel_the_person_is_not_in_is_refused_and_nothing_is_stored(
    http_bot: HttpBot,
) -> None:
    http_bot.slack.channel_members["G7"] = ["U2", p.BOT_USER_ID]
    http_bot.slack.web.channel_info["G7"] = {"name": "exec-private"}
    answer = await http_bot.command("<#G7|exec-private> in 2 hours to hi", "c")
    assert answer["text"] == (
        "You can only set reminders in channels you are a member of (#exec-private)."
    )
    assert await _reminders(http_bot.repo) == []


async def test_a_channel_the_bot_cannot_post_in_is_refused_when_drafting(
    http_bot: HttpBot,
) -> None:
    http_bot.slack.channel_members["C5"] = ["U1", "U2"]
    http_bot.slack.web.channel_info["C5"] = {"name": "random"}
    http_bot.slack.channel_members["G8"] = None  # private, without the bot: invisible
    bot_out = await http_bot.command("<#C5|random> in 2 hours to hi", "c5")
    hidden = await http_bot.command("<#G8|secret> in 2 hours to hi", "g8")
    assert bot_out["text"] == "I'm not a member of #random, so I can't post there. Invite me first."
    assert hidden["text"] == "I can't find #secret, or I'm not allowed to see it."
    assert await _reminders(http_bot.repo) == []


@pytest.mark.parametrize("stranger", [{"team_id": "T2"}, {"deleted": True}, {"is_bot": True}])
async def test_a_person_the_user_cannot_message_is_refused(
    http_bot: HttpBot, stranger: dict[str, Any]
) -> None:
    http_bot.slack.users["U9"] = stranger
    answer = await http_bot.command("<@U9> in 2 hours to sign the form", "u9")
    assert answer["text"].startswith("I can't send reminders to @U9")
    assert await _reminders(http_bot.repo) == []


async def test_membership_is_asked_again_at_confirm(http_bot: HttpBot) -> None:
    http_bot.slack.channel_members["C6"] = ["U1", p.BOT_USER_ID]
    http_bot.slack.web.channel_info["C6"] = {"name": "ops"}
    drafted = await http_bot.command("<#C6|ops> in 2 hours to rotate logs", "d")
    confirm = element(drafted["blocks"], actions.CONFIRM)
    http_bot.slack.channel_members["C6"] = ["U1"]  # the bot was removed meanwhile
    assert (await http_bot.post(http_bot.click(actions.CONFIRM, confirm["value"], "k"))).is_success
    answer = (await http_bot.slack.wait_for_response("k"))[0]
    assert answer["text"] == "I'm not a member of #ops, so I can't post there. Invite me first."
    [rem] = await _reminders(http_bot.repo)
    assert rem.state is ReminderState.DRAFT


# --- 3. two Confirms at once: one winner, copies made once ------------------------------------


async def test_concurrent_confirms_of_a_two_person_draft_make_two_reminders(
    http_bot: HttpBot,
) -> None:
    for round_ in range(RACES):
        drafted = await http_bot.command(
            f"<@U2> and <@U3> in 2 hours to vote {round_}", f"d{round_}"
        )
        confirm = element(drafted["blocks"], actions.CONFIRM)
        clicks = [
            http_bot.click(actions.CONFIRM, confirm["value"], f"k{round_}-{i}") for i in (0, 1)
        ]
        await asyncio.gather(*(http_bot.post(body) for body in clicks))
        answers = [(await http_bot.slack.wait_for_response(f"k{round_}-{i}"))[0] for i in (0, 1)]
        texts = sorted(a["text"] for a in answers)
        assert texts[0].startswith("Reminder #") and texts[0].endswith("is already scheduled.")
        assert texts[1].startswith("Scheduled #")
    made = [r for r in await _reminders(http_bot.repo) if r.state is ReminderState.SCHEDULED]
    assert len(made) == 2 * RACES
    assert sorted(r.target_ref for r in made) == ["U2"] * RACES + ["U3"] * RACES


# --- 4. a repeated snooze of a series occurrence keeps one snoozed copy ------------------------


async def test_repeated_and_concurrent_snoozes_of_a_series_leave_one_copy(
    http_bot: HttpBot,
) -> None:
    drafted = await http_bot.command("me every day at 9am to stand up", "d")
    confirm = element(drafted["blocks"], actions.CONFIRM)
    await http_bot.post(http_bot.click(actions.CONFIRM, confirm["value"], "k"))
    await http_bot.slack.wait_for_response("k")
    http_bot.clock.advance(timedelta(days=1))
    assert await http_bot.dispatcher.drain() == 1
    post = (await http_bot.slack.wait_for_call("chat.postMessage"))[-1]
    menu = element(post.args["blocks"], actions.SNOOZE)
    hour = next(o for o in menu["options"] if o["text"]["text"] == "1 hour")

    def snooze(key: str) -> bytes:
        return http_bot.click(
            actions.SNOOZE, "", key, channel_id="D1", is_ephemeral=False, selected_option=hour
        )

    for key in ("s1", "s2"):
        assert (await http_bot.post(snooze(key))).is_success
    for round_ in range(RACES):
        await asyncio.gather(*(http_bot.post(snooze(f"r{round_}-{i}")) for i in range(3)))
    await http_bot.slack.wait_for_call("chat.update", count=2 + 3 * RACES, timeout=30)
    copies = [r for r in await _reminders(http_bot.repo) if r.origin is Origin.SNOOZE]
    assert len(copies) == 1
    assert copies[0].next_due == http_bot.clock.now() + timedelta(hours=1)


# --- 5. bodies are limited while they are read ---------------------------------------------------


async def _raw(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def test_a_declared_body_over_the_limit_gets_413_unread(http_bot: HttpBot) -> None:
    reader, writer = await _raw(http_bot.url)
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {200 * 1024 * 1024}\r\n\r\n"
    )
    writer.write(head.encode())  # and not one byte of the body
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 413")


async def test_a_streamed_body_is_cut_off_at_the_limit(http_bot: HttpBot) -> None:
    reader, writer = await _raw(http_bot.url)
    head = "POST /slack/events HTTP/1.1\r\nHost: bot\r\nTransfer-Encoding: chunked\r\n\r\n"
    writer.write(head.encode())
    answer = asyncio.ensure_future(reader.readline())
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
    sent = 0
    while not answer.done() and sent < 200 * 1024 * 1024:  # 200 MB if it were all taken
        writer.write(chunk)
        try:
            await asyncio.wait_for(writer.drain(), 5)
        except (ConnectionError, TimeoutError):
            break
        sent += 64 * 1024
    status = await asyncio.wait_for(answer, 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 413")
    assert sent < 20 * 1024 * 1024  # answered after about 1 MB, with the socket's buffers


# --- 6. odd input gets an answer ---------------------------------------------------------------


async def test_a_series_that_ends_before_it_starts_is_refused(http_bot: HttpBot) -> None:
    answer = await http_bot.command("me every hour until yesterday to stretch", "c")
    assert answer["text"].startswith("That time has already passed. I read it as ")
    assert await _reminders(http_bot.repo) == []


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999"])
async def test_ids_beyond_any_reminder_are_not_found(http_bot: HttpBot, number: str) -> None:
    typed = await http_bot.command(f"delete {number}", "c")
    clicked = http_bot.click(actions.DELETE, number, "k")
    snooze = http_bot.click(actions.SNOOZE, f"{number}:{number}:1h", "s")
    assert (await http_bot.post(clicked)).is_success
    assert (await http_bot.post(snooze)).is_success
    pressed = (await http_bot.slack.wait_for_response("k"))[0]
    snoozed = (await http_bot.slack.wait_for_response("s"))[0]
    assert typed["text"] == f"You have no reminder #{number}."  # the number typed
    for answer in (pressed, snoozed):  # a button's value is no number of anyone's
        assert answer["text"] == "That reminder no longer exists."


# --- 7. malformed requests get 401 or 400, never 500 -----------------------------------------


async def test_a_timestamp_that_is_not_a_number_gets_401(http_bot: HttpBot) -> None:
    body = p.form_body(p.slash_command("me in 1 hour to x"))
    headers = {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}
    response = await http_bot.client.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", ', "application/json"),
        (b"payload=%5B1%2C2%5D", FORM),
        (b"payload=not-json", FORM),
        (b"token=x&team_id=T1&command=%2Freminder&text=hi", "application/json"),
        (b"\xff\xfe", FORM),
        (b"[1, 2]", "application/json"),
    ],
)
async def test_a_signed_malformed_body_gets_400(
    http_bot: HttpBot, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = await http_bot.post(body, content_type)
    assert response.status_code == 400
    assert "refused a signed Slack request" in caplog.text


# --- 8. a replayed slash command changes nothing -------------------------------------------------


async def test_a_replayed_signed_slash_command_makes_one_draft(http_bot: HttpBot) -> None:
    body = p.form_body(
        p.slash_command("me in 2 hours to stretch", response_url=http_bot.slack.response_url("c"))
    )
    first, replay = await http_bot.post(body), await http_bot.post(body)
    assert (first.status_code, replay.status_code) == (200, 200)
    await http_bot.slack.wait_for_response("c")
    with pytest.raises(TimeoutError):  # a wrongly accepted replay would answer again
        await http_bot.slack.wait_for_response("c", count=2, timeout=0.5)
    assert len(await _reminders(http_bot.repo)) == 1


# --- helpers ----------------------------------------------------------------------------------


class _NoRepo:
    """Stands where a repository is required but never reached (construction only)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the repository was used: {name}")


def _adapter(secret: str | None) -> SlackAdapter:
    repo: Any = _NoRepo()
    engine = build_engine(repo, ManualClock(START), {})
    return SlackAdapter(engine.front, bot_token="xoxb-test", signing_secret=secret)
