"""Private calendar feeds: a secret URL per person that calendar apps subscribe to.

The token in the URL is random (``secrets.token_urlsafe``, 32 bytes) and shown only
when it is made; storage keeps its SHA-256, as it does for API tokens. A person has one
working feed at most: a new one revokes the old, and revoking leaves none. The feed's
address is ``{REMINDBOT_PUBLIC_URL}/ical/{token}.ics``; without that setting there is
nowhere a calendar app could reach, so no feed is made.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Protocol

from bot.core import texts
from bot.core.errors import InvalidRequest
from bot.core.model import Reminder, Reply, UserPrefs, UserRef
from bot.core.ports import Clock
from bot.core.tokens import digest, is_system

# What token_urlsafe(32) makes: 43 characters of the URL-safe alphabet. Anything else is
# refused before it is hashed or looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class CalendarRepository(Protocol):
    """The storage a feed needs (``storage.calendar``)."""

    async def replace_calendar_token(self, owner: str, token_hash: str, now: datetime) -> None:
        """Revoke the owner's active token and store this one, in one transaction."""
        ...

    async def revoke_calendar_token(self, owner: str, now: datetime) -> bool:
        """Revoke the owner's active token; ``False`` if there was none."""
        ...

    async def calendar_owner(self, token_hash: str) -> str | None:
        """The owner of the active token with this hash."""
        ...

    async def feed_reminders(self, owner: str) -> list[Reminder]:
        """The owner's scheduled reminders, soonest first, without drafts or snoozed
        copies."""
        ...

    async def get_user(self, key: str) -> UserPrefs | None: ...


def feed_path(token: str) -> str:
    return f"/ical/{token}.ics"


class Calendars:
    """Making, revoking and serving feeds.

    Args:
        public_url: where this bot's HTTP app is reached from outside
            (``REMINDBOT_PUBLIC_URL``), or ``None`` when it is not set.
    """

    def __init__(self, repo: CalendarRepository, clock: Clock, public_url: str | None) -> None:
        self.repo = repo
        self.clock = clock
        self.public_url = public_url.rstrip("/") if public_url else None

    @property
    def enabled(self) -> bool:
        return self.public_url is not None

    async def new_feed(self, person: UserRef) -> str:
        """A new feed URL for ``person``; their earlier one stops working.

        Raises:
            InvalidRequest: ``feed_needs_url`` (the setting is missing) or
                ``system_calendar`` (a system account has no reminders of its own).
        """
        if self.public_url is None:
            raise InvalidRequest("feed_needs_url")
        if is_system(person):
            raise InvalidRequest("system_calendar")
        token = secrets.token_urlsafe(32)
        await self.repo.replace_calendar_token(person.key, digest(token), self.clock.now())
        return self.public_url + feed_path(token)

    async def revoke(self, person: UserRef) -> bool:
        """Turn ``person``'s feed off; ``False`` if they had none."""
        return await self.repo.revoke_calendar_token(person.key, self.clock.now())

    async def feed(self, token: str) -> bytes | None:
        """The feed a token opens, or ``None`` for an unknown, revoked or malformed one."""
        if not _TOKEN.fullmatch(token):
            return None
        owner = await self.repo.calendar_owner(digest(token))
        if owner is None:
            return None
        prefs = await self.repo.get_user(owner)
        tx = texts.of(prefs.language if prefs else None)
        reminders = await self.repo.feed_reminders(owner)
        # icalendar is imported when a feed is first served, not by every process.
        from bot.core.feed import render

        return render(reminders, self.clock.now(), tx.say("calendar_name"))


async def answer(
    calendars: Calendars | None, person: UserRef, tx: texts.Texts, *, revoke: bool
) -> Reply:
    """The chat answer to ``calendar feed`` (a new URL) or ``revoke my calendar feed``;
    the front gives it to the person alone, since the URL opens their reminders.

    Raises:
        InvalidRequest: ``feed_needs_url`` when feeds are not served (no public URL).
    """
    if calendars is None or not calendars.enabled:
        raise InvalidRequest("feed_needs_url")
    if revoke:
        gone = await calendars.revoke(person)
        return tx.plain(tx.say("calendar_revoked" if gone else "calendar_none"))
    return tx.plain(tx.say("calendar_feed", url=await calendars.new_feed(person)))
