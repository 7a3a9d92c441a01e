"""A wired core (service + dispatcher) over the real repository of each backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import Actor, Conversation
from bot.core.service import ReminderService
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform

ANN = Actor(platform="console", workspace="local", user="ann", name="ann")
BO = Actor(platform="console", workspace="local", user="bo", name="bo")
DM = Conversation(id="D-ann", kind="dm")
CHANNEL = Conversation(id="C-ops", kind="channel", name="ops")


@dataclass
class Core:
    service: ReminderService
    dispatcher: Dispatcher
    platform: FakePlatform
    clock: ManualClock
    repo: SqlReminderRepository
    woken: list[object]

    async def tick(self, delta: timedelta = timedelta()) -> int:
        """Move time, then deliver what is due."""
        self.clock.advance(delta)
        return await self.dispatcher.drain()


@pytest.fixture
def core(repo: SqlReminderRepository, clock: ManualClock) -> Core:
    platform = FakePlatform()
    gateways = {platform.platform: platform}
    woken: list[object] = []
    service = ReminderService(repo, clock, gateways=gateways, wake=woken.append)
    dispatcher = Dispatcher(repo, gateways, clock, lease=timedelta(minutes=2))
    return Core(service, dispatcher, platform, clock, repo, woken)
