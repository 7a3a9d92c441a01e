"""A bot wired to the Mattermost stand-in: its websocket, and our HTTP app on real HTTP
(uvicorn on 127.0.0.1:0) for the slash command and the buttons, on each backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.mattermost import MattermostAdapter
from bot.adapters.mattermost.backoff import Backoff
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.engine import Engine, build_engine
from bot.core.ports import ChatPlatform
from bot.http import create_http_app
from storage import SqlReminderRepository
from tests.servers import mattermost_payloads as mp
from tests.servers.asgi import serve
from tests.servers.mattermost import FakeMattermost, Outcome

JSON = dict[str, Any]
SLASH_TOKEN = "slash-token-0001"
SECRET = "actions-secret-0001"


async def no_wait(_delay: float) -> None:
    await asyncio.sleep(0)


def fast_events() -> dict[str, Any]:
    """Reconnect at once (tests never wait for the backoff's wall-clock seconds)."""
    return {"sleep": no_wait, "backoff": Backoff(first=0.01, most=0.02)}


@dataclass
class MattermostBot:
    mm: FakeMattermost
    adapter: MattermostAdapter
    engine: Engine
    dispatcher: Dispatcher
    clock: ManualClock
    repo: SqlReminderRepository
    url: str
    alice: str

    async def tick(self, delta: timedelta = timedelta()) -> int:
        self.clock.advance(delta)
        return await self.dispatcher.drain()

    async def dm(self, text: str, *, user: str | None = None) -> JSON:
        """``user`` (alice) writes to the bot; the bot's answer in that DM."""
        user = user or self.alice
        channel = self.mm.dm_with(user)
        before = len(self.bot_posts(channel))
        self.mm.user_posts_dm(user, text)
        await self.mm.wait_until(
            lambda: len(self.bot_posts(channel)) > before, f"an answer to {text!r}"
        )
        return self.bot_posts(channel)[-1]

    def bot_posts(self, channel: str) -> list[JSON]:
        return [q for q in self.mm.posts_in(channel) if q["user_id"] == self.mm.bot_id]

    async def click(
        self, post: JSON, name: str, *, user: str | None = None, option: str | None = None
    ) -> Outcome:
        """``user`` (alice) presses the button (or menu) called ``name`` on ``post``."""
        action = action_named(self.mm.post(post["id"]), name)
        return await self.mm.click(
            post["id"], action["id"], user_id=user or self.alice, selected_option=option
        )


def action_named(post: JSON, name: str) -> JSON:
    for action in mp.actions(post):
        if action["name"] == name:
            return dict(action)
    raise AssertionError(f"no action {name!r} in {[a['name'] for a in mp.actions(post)]}")


def option_value(post: JSON, menu: str, label: str) -> str:
    options = action_named(post, menu)["options"]
    return str(next(o["value"] for o in options if o["text"] == label))


async def start_bot(
    mm: FakeMattermost,
    repo: SqlReminderRepository,
    clock: ManualClock,
) -> tuple[MattermostAdapter, Engine, Dispatcher, Any]:
    gateways: dict[str, ChatPlatform] = {}
    engine = build_engine(repo, clock, gateways, commands=("/remind",))
    adapter = MattermostAdapter(
        engine.front,
        clock,
        url=mm.url,
        token=mm.bot_token,
        actions_url="",  # known once the HTTP app listens
        secret=SECRET,
        slash_token=SLASH_TOKEN,
        timeout=2,
        events_options=fast_events(),
    )
    gateways["mattermost"] = adapter.gateway
    dispatcher = Dispatcher(repo, gateways, clock)

    async def health() -> tuple[bool, JSON]:
        return True, {}

    return adapter, engine, dispatcher, create_http_app(adapter.routes(), health=health)


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as fake:
        yield fake


@pytest.fixture
async def bot(
    mm: FakeMattermost, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[MattermostBot]:
    alice = mm.add_user("alice", tz=mp.timezone("Europe/Copenhagen"))
    adapter, engine, dispatcher, app = await start_bot(mm, repo, clock)
    async with serve(app) as url:
        adapter.gateway.actions_url = f"{url}/mattermost/actions"
        mm.add_command("remind", f"{url}/mattermost/command", SLASH_TOKEN)
        await adapter.connect()
        await mm.wait_connected()
        try:
            yield MattermostBot(mm, adapter, engine, dispatcher, clock, repo, url, alice)
        finally:
            await adapter.close()
