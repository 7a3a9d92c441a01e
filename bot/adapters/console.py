"""A terminal chat with the bot: the no-token default and the core's test harness.

Buttons become numbered choices (``[1] Confirm  [2] Edit  [3] Cancel``); typing the
number or the label presses it. Reminders fire into the same terminal while you type.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TextIO

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
from bot.core.service import ReminderService

PLATFORM = "console"
WORKSPACE = "local"
_HERE = Conversation(id="console", kind="dm", name="console")


class ConsoleAdapter:
    """Chat gateway for one local user. ``reader`` and ``writer`` are injected (tests, pipes)."""

    platform = PLATFORM

    def __init__(self, service: ReminderService, reader: TextIO, writer: TextIO, user: str) -> None:
        self.service = service
        self.reader = reader
        self.writer = writer
        self.actor = Actor(platform=PLATFORM, workspace=WORKSPACE, user=user, name=user)
        self._choices: list[tuple[str, str, str]] = []  # (label, action_id, value)
        self._prompt: Prompt | None = None
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    # -- reading ---------------------------------------------------------------------

    async def run(self) -> None:
        """Read lines until end of input, answering each."""
        self._start_reader()
        self.say(f"Hello {self.actor.user}. Type a reminder, or 'help'. Ctrl-D to quit.")
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
        """Handle one typed line: a prompt answer, a choice, or a message to the bot."""
        if self._prompt is not None:
            prompt, self._prompt = self._prompt, None
            reply = await self.service.press(
                self.actor, _HERE, prompt.action_id, prompt.value, text=line
            )
        elif (choice := self._choice(line)) is not None:
            _label, action_id, value = choice
            reply = await self.service.press(self.actor, _HERE, action_id, value)
        else:
            reply = await self.service.handle(self.actor, _HERE, line)
        self.show(reply)

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

    def show(self, reply: Reply, prefix: str = "") -> None:
        lines = [prefix + reply.text]
        lines += [f"  {name}: {value}" for name, value in reply.fields]
        if reply.set_by:
            lines.append(f"  Set by {reply.set_by}")
        if reply.done_by:
            lines.append("  Done by " + ", ".join(reply.done_by))
        choices = [(b.label, b.action_id, b.value) for b in reply.buttons]
        for menu in reply.menus:
            choices += [(f"{menu.label} {label}", menu.action_id, v) for label, v in menu.options]
        if choices or reply.prompt is not None:
            self._choices = choices
        if choices:
            lines.append("  " + "  ".join(f"[{i}] {c[0]}" for i, c in enumerate(choices, 1)))
        if reply.prompt is not None:
            self._prompt = reply.prompt
            if reply.prompt.initial:
                lines.append(f"  (was: {reply.prompt.initial})")
        self.say("\n".join(lines))

    # -- the gateway port --------------------------------------------------------------

    async def deliver(self, delivery: Delivery) -> str:
        self.show(delivery.reply, prefix="\u23f0 ")
        return f"console:{delivery.occurrence.id}"

    async def update(self, message_ref: str, reply: Reply) -> None:
        self.show(reply)

    async def notify(self, owner: str, reply: Reply) -> None:
        self.show(reply, prefix="! ")

    async def is_member(self, user: str, channel: str) -> bool:
        return True

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        # One person at one terminal: every name is theirs to use.
        return Reach(access=Access.OK, destination=target)
