"""The use cases and the chat front wired together over one repository."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.calendar import Calendars
from bot.core.chat import ChatFront
from bot.core.directory import Directories
from bot.core.drafts import Drafts
from bot.core.followups import Followups
from bot.core.people import People
from bot.core.ports import NO_METRICS, ChatPlatform, Clock, Metrics, ReminderRepository
from bot.core.stored import Stored


@dataclass(frozen=True, slots=True)
class Engine:
    """Everything platform-free that a process runs besides the dispatcher."""

    people: People
    directories: Directories
    drafts: Drafts
    followups: Followups
    front: ChatFront
    stored: Stored


def build_engine(
    repo: ReminderRepository,
    clock: Clock,
    platforms: Mapping[str, ChatPlatform],
    *,
    wake: Callable[[datetime], None] | None = None,
    default_tz: str = "UTC",
    min_interval: timedelta = timedelta(minutes=5),
    commands: Sequence[str] = (),
    calendars: Calendars | None = None,
    metrics: Metrics = NO_METRICS,
    unavailable: Callable[[Exception], bool] | None = None,
) -> Engine:
    """Wire the use cases; ``platforms`` is shared, so adapters may join it later. They are
    the directories people and channels are found in, and the gateways a typed done or
    snooze changes the delivered message through."""
    people = People(repo, clock, default_tz=default_tz, min_interval=min_interval)
    found = Directories(platforms, clock)
    drafts = Drafts(repo, clock, people, found, wake=wake)
    followups = Followups(repo, clock, people, found, wake=wake)
    stored = Stored(repo, clock, wake=wake)
    front = ChatFront(
        repo,
        clock,
        people,
        found,
        drafts,
        followups,
        stored,
        commands=commands,
        calendars=calendars,
        metrics=metrics,
        unavailable=unavailable,
        gateways=platforms,
    )
    return Engine(people, found, drafts, followups, front, stored)
