"""A bot wired to the local Slack stand-in over Socket Mode, on each storage backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.slack import SlackAdapter
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.engine import Engine, build_engine
from bot.core.ports import ChatPlatform
from storage import SqlReminderRepository
from tests.servers.slack import FakeSlack


@dataclass
class SlackBot:
    slack: FakeSlack
    adapter: SlackAdapter
    engine: Engine
    dispatcher: Dispatcher
    clock: ManualClock
    repo: SqlReminderRepository

    async def send(self, type_: str, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        """Send an envelope over the socket and return Slack's view of our ack."""
        envelope = await self.slack.send_envelope(type_, payload, retry_attempt=retry)
        return await self.slack.wait_for_ack(envelope)

    async def tick(self, delta: timedelta = timedelta()) -> int:
        self.clock.advance(delta)
        return await self.dispatcher.drain()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def bot(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[SlackBot]:
    gateways: dict[str, ChatPlatform] = {}
    engine = build_engine(repo, clock, gateways, commands=("/reminder",))
    adapter = SlackAdapter(engine.front, bot_token="xoxb-test", api_url=slack.api_url)
    gateways["slack"] = adapter.gateway
    dispatcher = Dispatcher(repo, gateways, clock)
    await adapter.connect_socket_mode("xapp-test")
    await slack.wait_connected()
    try:
        yield SlackBot(slack, adapter, engine, dispatcher, clock, repo)
    finally:
        await adapter.close()
