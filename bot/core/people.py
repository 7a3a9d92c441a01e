"""People and their settings: preferences, the zone the platform reports, changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from bot.core.errors import InvalidRequest
from bot.core.model import UserPrefs, UserRef
from bot.core.ports import Clock, ReminderRepository
from bot.parsing import Prefs
from bot.parsing.zones import is_zone


class People:
    """Everyone's preferences, read and changed through storage.

    Args:
        repo: storage.
        clock: the time source.
        default_tz: the zone of someone who set none and whose platform gave none.
        min_interval: the shortest recurrence a phrase may ask for.
    """

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        *,
        default_tz: str = "UTC",
        min_interval: timedelta = timedelta(minutes=5),
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.default_tz = default_tz
        self.min_interval = min_interval

    async def prefs(self, person: UserRef, name: str = "") -> UserPrefs:
        """Their preferences; the defaults (not stored) on first contact."""
        found = await self.repo.get_user(person.key)
        return found or UserPrefs(key=person.key, tz=self.default_tz, display_name=name)

    def parse_prefs(self, prefs: UserPrefs) -> Prefs:
        """What the parser needs to know of them."""
        return Prefs(
            default_time=prefs.default_time,
            date_order=prefs.date_order,
            language=prefs.language,
            min_interval=self.min_interval,
        )

    async def observe_timezone(self, person: UserRef, tz: str) -> UserPrefs:
        """Record the zone the platform reports, unless they chose one themselves."""
        prefs = await self.prefs(person)
        if prefs.tz_source == "user" or not is_zone(tz) or prefs.tz == tz:
            return prefs
        return await self.repo.save_user(replace(prefs, tz=tz, tz_source="platform"))

    async def set_timezone(self, person: UserRef, name: str) -> UserPrefs:
        """Their own choice of zone, which the platform's never overrides.

        Raises:
            InvalidRequest: ``unknown_zone``.
        """
        zone_name = zone_named(name)
        if zone_name is None:
            raise InvalidRequest("unknown_zone", name=name)
        return await self._save(person, "tz", tz=zone_name, tz_source="user")

    async def set_quiet_hours(
        self, person: UserRef, start: time | None, end: time | None
    ) -> UserPrefs:
        """Quiet hours from ``start`` to ``end``; both ``None`` turns them off.

        Raises:
            InvalidRequest: ``quiet_format`` for one of them missing, or both equal.
        """
        if (start is None) != (end is None) or (start is not None and start == end):
            raise InvalidRequest("quiet_format")
        return await self._save(person, "quiet", quiet_start=start, quiet_end=end)

    async def set_default_time(self, person: UserRef, when: time | None) -> UserPrefs:
        if when is None:
            raise InvalidRequest("default_time_format")
        return await self._save(person, "default_time", default_time=when)

    async def set_date_order(self, person: UserRef, day_first: bool) -> UserPrefs:
        return await self._save(person, "date_order", date_order="DMY" if day_first else "MDY")

    async def _save(self, person: UserRef, what: str, **changes: object) -> UserPrefs:
        prefs = await self.repo.save_user(replace(await self.prefs(person), **changes))  # type: ignore[arg-type]
        await self.repo.audit(person.key, f"settings.{what}", self.clock.now())
        return prefs


def zone_named(text: str) -> str | None:
    """The IANA zone ``text`` names, in any capitalisation, or ``None``."""
    if is_zone(text):
        return text
    for candidate in (text.title(), text.upper(), "/".join(p.title() for p in text.split("/"))):
        if is_zone(candidate):
            return candidate
    return None
