"""The base of the use cases on reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.directory import Directories
from bot.core.people import People
from bot.core.ports import Clock, ReminderRepository


class UseCases:
    """What the use cases on reminders stand on: storage, the clock, people and who may
    post where, and ``wake`` (the scheduler's, to re-arm earlier than planned)."""

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        people: People,
        directories: Directories,
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.people = people
        self.directories = directories
        self.wake = wake or (lambda _when: None)
