"""People and their settings: preferences, the zone the platform reports, changes."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import time, timedelta

from bot.core.errors import InvalidRequest
from bot.core.model import Reminder, UserPrefs, UserRef, recipient_of
from bot.core.policy import Held, held
from bot.core.ports import Clock, ReminderRepository
from bot.parsing import Prefs
from bot.parsing.zones import find_zone, is_zone

log = logging.getLogger(__name__)
LANGUAGES = {
    "en": "en",
    "english": "en",
    "engelsk": "en",
    "da": "da",
    "danish": "da",
    "dansk": "da",
    "auto": None,
    "off": None,
}


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
        self._warned: set[str] = set()

    async def prefs(self, person: UserRef, name: str = "") -> UserPrefs:
        """Their preferences; the defaults (not stored) on first contact.

        A zone stored that is no zone (written by an older version, or by hand) is read
        as the default zone, with a warning, so nothing of theirs fails on it.
        """
        found = await self.repo.get_user(person.key)
        if found is None:
            return UserPrefs(key=person.key, tz=self.default_tz, display_name=name)
        if not is_zone(found.tz):
            if person.key not in self._warned:  # once per person and process, not per read
                self._warned.add(person.key)
                log.warning(
                    "user %s has an unknown zone stored; using %s", person.key, self.default_tz
                )
            return replace(found, tz=self.default_tz, tz_source="default")
        return found

    def parse_prefs(self, prefs: UserPrefs) -> Prefs:
        """What the parser needs to know of them.

        Their ``language`` chooses the language of the answers only: a phrase is read in
        the language it is written in (the parser detects it), so an English phrase of
        someone who chose Danish answers is still understood.
        """
        return Prefs(
            default_time=prefs.default_time,
            date_order=prefs.date_order,
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
        zone_name = find_zone(name)  # Copenhagen, Denmark, CET, europe/copenhagen
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

    async def set_language(self, person: UserRef, name: str) -> UserPrefs:
        """The language of their answers (``english``, ``dansk``…; ``auto``: as they write).

        Raises:
            InvalidRequest: ``unknown_language``.
        """
        key = name.strip().lower()
        if key not in LANGUAGES:
            raise InvalidRequest("unknown_language", name=name)
        return await self._save(person, "language", language=LANGUAGES[key])

    async def held(self, rem: Reminder) -> list[Held]:
        """The targets of ``rem`` whose quiet hours hold its first delivery back."""
        if rem.next_due is None:
            return []
        found = []
        for dest in rem.destinations:
            person = recipient_of(rem.owner_ref, dest)
            if person is not None:
                hold = held(dest, await self.prefs(person), rem.next_due)
                found += [hold] if hold is not None else []
        return found

    async def _save(self, person: UserRef, what: str, **changes: object) -> UserPrefs:
        prefs = await self.repo.save_user(replace(await self.prefs(person), **changes))  # type: ignore[arg-type]
        await self.repo.audit(person.key, f"settings.{what}", self.clock.now())
        return prefs
