"""A wired core (use cases, chat front, dispatcher) over the real repository of each backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.engine import Engine, build_engine
from bot.core.inbound import Answer, Message, Press
from bot.core.model import Actor, Button, Conversation, Prompt, Reply
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform

ANN = Actor(platform="console", workspace="local", user="ann", name="ann")
BO = Actor(platform="console", workspace="local", user="bo", name="bo")
DM = Conversation(id="D-ann", kind="dm")
CHANNEL = Conversation(id="C-ops", kind="channel", name="ops")


@dataclass
class Said:
    """How the chat front answered one event: a reply (in place of the pressed message
    when ``replace``), or a prompt the platform was asked to show."""

    reply: Reply
    replace: bool = False
    prompt: Prompt | None = None

    @property
    def text(self) -> str:
        return self.reply.text

    @property
    def reminder_id(self) -> int | None:
        return self.reply.reminder_id

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        return self.reply.fields

    @property
    def buttons(self) -> tuple[Button, ...]:
        return self.reply.buttons

    @property
    def done_by(self) -> tuple[str, ...]:
        return self.reply.done_by


@dataclass
class Recorder:
    """``Replies`` that keep what was said; prompts are shown by the 'platform' itself
    (a modal), unless ``modals`` is off (then the front asks in the conversation)."""

    said: list[Said] = field(default_factory=list)
    modals: bool = True

    async def answer(self, reply: Reply) -> None:
        self.said.append(Said(reply))

    async def replace(self, reply: Reply) -> None:
        self.said.append(Said(reply, replace=True))

    async def prompt(self, prompt: Prompt) -> bool:
        if not self.modals:
            return False
        self.said.append(Said(Reply(text=prompt.label), prompt=prompt))
        return True

    def last(self) -> Said:
        assert self.said, "the chat front said nothing"
        return self.said[-1]


@dataclass
class Core:
    engine: Engine
    dispatcher: Dispatcher
    platform: FakePlatform
    clock: ManualClock
    repo: SqlReminderRepository
    woken: list[object]

    async def handle(
        self, actor: Actor, where: Conversation, text: str, *, modals: bool = True
    ) -> Said:
        """``text`` written by ``actor`` in ``where``; what the bot answered (asking in
        the conversation, as Mattermost and a terminal do, without ``modals``)."""
        out = Recorder(modals=modals)
        message = Message(event_id=None, actor=actor, conversation=where, text=text)
        await self.engine.front.message(message, out)
        return out.last()

    async def press(
        self, actor: Actor, where: Conversation, action_id: str, value: str, text: str = ""
    ) -> Said:
        """A click (or, with ``text``, the answer to the prompt it asked)."""
        out = Recorder()
        if text:
            answer = Answer(
                event_id=None,
                actor=actor,
                conversation=where,
                action_id=action_id,
                value=value,
                text=text,
            )
            await self.engine.front.answer(answer, out)
        else:
            press = Press(
                event_id=None, actor=actor, conversation=where, action_id=action_id, value=value
            )
            await self.engine.front.press(press, out)
        return out.last()

    async def tick(self, delta: timedelta = timedelta()) -> int:
        """Move time, then deliver what is due."""
        self.clock.advance(delta)
        return await self.dispatcher.drain()


@pytest.fixture
def core(repo: SqlReminderRepository, clock: ManualClock) -> Core:
    platform = FakePlatform()
    gateways = {platform.platform: platform}
    woken: list[object] = []
    engine = build_engine(repo, clock, gateways, wake=woken.append)
    dispatcher = Dispatcher(repo, gateways, clock, lease=timedelta(minutes=2))
    return Core(engine, dispatcher, platform, clock, repo, woken)
