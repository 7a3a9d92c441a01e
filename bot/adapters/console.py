"""A terminal chat with the bot: the no-token default and the core's test harness.

Buttons become numbered choices (``[1] Confirm  [2] Edit  [3] Cancel``); typing the
number or the label presses one of the message printed last, and a message without
buttons leaves nothing to choose. Reminders fire into the same terminal while you type,
with their target, who set them and their number (``done 2`` reaches one later).
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from typing import TextIO

from bot.core.chat import ChatFront
from bot.core.inbound import Message, Press
from bot.core.model import (
    Access,
    Actor,
    Conversation,
    Delivery,
    Destination,
    Prompt,
    Reach,
    Reply,
)

PLATFORM = "console"
WORKSPACE = "local"
HERE = Conversation(id="console", kind="dm", name="console")


class ConsoleAdapter:
    """Chat gateway for one local user. ``reader`` and ``writer`` are injected (tests, pipes)."""

    platform = PLATFORM

    def __init__(
        self,
        front: ChatFront,
        reader: TextIO,
        writer: TextIO,
        user: str,
        *,
        zone: str | None = None,
    ) -> None:
        """``zone`` is the terminal's own (``$TZ``, the system's): what the console, as a
        platform, reports for its user, as Slack reports a profile's."""
        self.front = front
        self.reader = reader
        self.writer = writer
        self.zone = zone
        self.actor = Actor(platform=PLATFORM, workspace=WORKSPACE, user=user, name=user)
        self._choices: list[tuple[str, str, str]] = []  # (label, action_id, value)
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    # -- reading ---------------------------------------------------------------------

    async def run(self) -> None:
        """Read lines until end of input, answering each."""
        self._start_reader()
        self.say(await self.front.greeting(self.actor, self.actor.user))
        while (line := await self._lines.get()) is not None:
            if line.strip():
                await self.answer(line.strip())

    def _start_reader(self) -> None:
        # A daemon thread: a blocked readline() must not keep the process alive at exit.
        loop = asyncio.get_running_loop()

        def pump() -> None:
            for line in iter(self.reader.readline, ""):
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
            loop.call_soon_threadsafe(self._lines.put_nowait, None)

        threading.Thread(target=pump, name="console-reader", daemon=True).start()

    async def answer(self, line: str) -> None:
        """Handle one typed line: a choice, or a message to the bot."""
        choice = self._choice(line)
        if choice is None and line.isdigit():
            tx = await self.front.texts_for(self.actor)
            self.say(tx.no_choices(int(line), len(self._choices)))
            return
        if choice is not None:
            _label, action_id, value = choice
            press = Press(
                event_id=None, actor=self.actor, conversation=HERE, action_id=action_id, value=value
            )
            await self.front.press(press, _Terminal(self))
            return
        message = Message(event_id=None, actor=self.actor, conversation=HERE, text=line)
        await self.front.message(message, _Terminal(self))

    def _choice(self, line: str) -> tuple[str, str, str] | None:
        low = line.lower()
        if low.isdigit() and 1 <= int(low) <= len(self._choices):
            return self._choices[int(low) - 1]
        matches = [c for c in self._choices if c[0].lower() == low]
        return matches[0] if len(matches) == 1 else None

    # -- writing ---------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.writer.write(text + "\n")
        self.writer.flush()

    def show(self, reply: Reply, prefix: str = "", notes: tuple[str, ...] = ()) -> None:
        """Print a reply; its buttons become the choices a number picks, until the next."""
        lines = [prefix + reply.text]
        lines += [f"  {name}: {value}" for name, value in reply.fields]
        lines += [f"  {note}" for note in notes]
        if reply.done_by:
            lines.append("  Done by " + ", ".join(reply.done_by))
        choices = [(b.label, b.action_id, b.value) for b in reply.buttons]
        for menu in reply.menus:
            choices += [(f"{menu.label} {label}", menu.action_id, v) for label, v in menu.options]
        self._choices = choices
        if choices:
            lines.append("  " + "  ".join(f"[{i}] {c[0]}" for i, c in enumerate(choices, 1)))
        self.say("\n".join(lines))

    # -- the gateway and directory ports ---------------------------------------------------

    async def deliver(self, delivery: Delivery) -> str:
        rem = delivery.reminder
        tx = await self.front.texts_for(self.actor, rem.language)
        self.show(delivery.reply, prefix="\u23f0 ", notes=tx.fired(rem))
        return f"console:{delivery.occurrence.id}"

    async def update(self, message_ref: str, reply: Reply) -> None:
        self.show(reply)

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        return None  # one process at one terminal: nothing posted goes unrecorded

    async def notify(self, owner: str, reply: Reply) -> None:
        self.show(reply, prefix="! ")

    async def is_member(self, user: str, channel: str) -> bool:
        return True

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        # One person at one terminal: every name is theirs to use.
        return Reach(access=Access.OK, destination=target)

    async def user_zone(self, user: str) -> str | None:
        return self.zone

    async def email_of(self, user: str) -> str | None:
        return None  # a terminal has no profile: only an address the person set


class _Terminal:
    """The console's ``Replies``: everything is printed; prompts are asked in the chat."""

    def __init__(self, console: ConsoleAdapter) -> None:
        self.console = console

    async def answer(self, reply: Reply) -> None:
        self.console.show(reply)

    async def replace(self, reply: Reply) -> None:
        self.console.show(reply)

    async def prompt(self, prompt: Prompt) -> bool:
        return False
