"""Who may post where and who is in which channel, asked of each platform's directory.

The use cases ask before they act: before a reminder is drafted or confirmed for a
channel or another person (``checked``), and before a channel member completes or
snoozes a channel reminder (``is_member``, cached for a few minutes by the clock).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from bot.core.errors import InvalidRequest
from bot.core.model import Access, Actor, Destination, NewReminder, Reminder, UserRef
from bot.core.ports import Clock, DeliveryError, Directory

log = logging.getLogger(__name__)
MEMBERS_TTL = timedelta(minutes=5)
T = TypeVar("T", NewReminder, Reminder)


class Directories:
    """The directories of the connected platforms, by platform name.

    Args:
        directories: filled as adapters connect (the mapping is shared, not copied).
        clock: the time source for the membership cache.
    """

    def __init__(self, directories: Mapping[str, Directory], clock: Clock) -> None:
        self.directories = directories
        self.clock = clock
        self._members: dict[tuple[str, str, str], tuple[datetime, bool]] = {}

    async def checked(self, actor: Actor, new: T) -> T:
        """``new`` with its targets as the platform knows them (a channel by id), if
        ``actor`` may have the bot post to every one of them. An actor with no platform
        user (a system account) is asked for nothing but the bot's own access.

        Raises:
            InvalidRequest: ``unreachable`` (with the platform's ``reach``) for the
                first target that may not be used, or ``platform_unavailable``.
        """
        directory = self.directories.get(new.platform)
        if directory is None:  # the CLI, acting for an admin, with no platform connected
            return new
        found = [await self._reached(directory, actor, target) for target in new.destinations]
        # Whom to tell if it is not done: checked the same way.
        steps = [
            replace(step, target=await self._reached(directory, actor, step.target))
            for step in new.escalate
        ]
        first, *others = found
        return replace(
            new,
            target_kind=first.kind,
            target_ref=first.ref,
            target_name=first.name,
            co_targets=tuple(others),
            escalate=tuple(steps),
        )

    async def _reached(
        self, directory: Directory, actor: Actor, target: Destination
    ) -> Destination:
        try:
            reach = await directory.reach(actor.user, actor.workspace, target)
        except DeliveryError as error:
            log.warning("could not check a target on %s: %s", actor.platform, error.reason)
            raise InvalidRequest("platform_unavailable") from None
        if reach.access is not Access.OK:
            raise InvalidRequest("unreachable", reach=reach)
        return reach.destination

    async def is_member(self, person: UserRef, channel: str) -> bool:
        """Whether ``person`` is in ``channel``; asked again after ``MEMBERS_TTL``."""
        directory = self.directories.get(person.platform)
        if directory is None:
            return False
        key = (person.platform, channel, person.user)
        now = self.clock.now()
        cached = self._members.get(key)
        if cached is not None and now - cached[0] < MEMBERS_TTL:
            return cached[1]
        try:
            member = await directory.is_member(person.user, channel)
        except DeliveryError as error:
            log.warning("membership check on %s failed: %s", person.platform, error.reason)
            return False
        self._members[key] = (now, member)
        return member

    async def user_zone(self, person: UserRef) -> str | None:
        directory = self.directories.get(person.platform)
        return None if directory is None else await directory.user_zone(person.user)
