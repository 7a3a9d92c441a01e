"""People and their settings: preferences, the zone the platform reports, changes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import time, timedelta

from bot.core import preferences
from bot.core.errors import InvalidRequest
from bot.core.model import Reminder, UserPrefs, UserRef, recipient_of
from bot.core.policy import Held, held
from bot.core.ports import Clock, ReminderRepository
from bot.core.preferences import Settings
from bot.parsing import Prefs
from bot.parsing.zones import is_zone

log = logging.getLogger(__name__)
# Audit actions kept as they were named before preferences had sources.
_AUDIT = {"quiet_hours": "quiet"}
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
        """Their preferences as they apply: their own, else their workspace's defaults,
        else the built-in ones (nothing is stored on first contact)."""
        return (await self.settings(person, name)).prefs

    async def settings(self, person: UserRef, name: str = "") -> Settings:
        """Their preferences as they apply, and where each came from."""
        stored = await self.stored(person, name)
        workspace = preferences.workspace_of(person)
        defaults = await self.repo.workspace_defaults([workspace])
        return preferences.effective(stored, defaults.get(workspace))

    async def stored(self, person: UserRef, name: str = "") -> UserPrefs:
        """Their own preferences, without the workspace's; the defaults on first contact.

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
        prefs = await self.stored(person)
        if prefs.tz_source == "user" or not is_zone(tz) or prefs.tz == tz:
            return prefs
        return await self.repo.save_user(replace(prefs, tz=tz, tz_source="platform"))

    async def set_timezone(self, person: UserRef, name: str) -> UserPrefs:
        """Their own choice of zone, which the platform's never overrides.

        Raises:
            InvalidRequest: ``unknown_zone``.
        """
        zone_name = preferences.zone_name(name)  # Copenhagen, Denmark, CET, europe/copenhagen
        return await self._save(person, "tz", tz=zone_name, tz_source="user")

    async def set_quiet_hours(
        self, person: UserRef, start: time | None, end: time | None
    ) -> UserPrefs:
        """Quiet hours from ``start`` to ``end``; both ``None`` turns them off.

        Raises:
            InvalidRequest: ``quiet_format`` for one of them missing, or both equal.
        """
        start, end = preferences.quiet_hours(start, end)
        return await self._save(person, "quiet_hours", quiet_start=start, quiet_end=end)

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

    async def set_channels(self, person: UserRef, names: Iterable[str]) -> UserPrefs:
        """The channels their reminders go on unless a reminder names its own.

        Raises:
            InvalidRequest: ``unknown_channel``, ``no_channels``.
        """
        return await self._save(person, "channels", channels=preferences.channels(names))

    async def set_email(self, person: UserRef, address: str | None) -> UserPrefs:
        """The address email reminders go to; ``None`` goes back to the profile's.

        Raises:
            InvalidRequest: ``bad_email``.
        """
        checked = None if address is None else preferences.email(address)
        return await self._save(person, "email", email=checked)

    async def update(self, person: UserRef, values: Mapping[str, object]) -> Settings:
        """Several preferences at once (the API's PATCH), given as JSON: all are checked
        before any is stored. Returns them as they now apply.

        Raises:
            InvalidRequest: the first value that fails its check.
        """
        changes = preferences.checked_changes(values)
        if changes:
            fields = {k: v for change in changes.values() for k, v in change.items()}
            await self._save_many(person, tuple(changes), fields)
        return await self.settings(person)

    async def held(self, rem: Reminder) -> list[Held]:
        """The targets of ``rem`` whose quiet hours hold its first delivery back."""
        if rem.next_due is None or rem.urgent:  # urgent passes quiet hours
            return []
        found = []
        for dest in rem.destinations:
            person = recipient_of(rem.owner_ref, dest)
            if person is not None:
                hold = held(dest, await self.prefs(person), rem.next_due)
                found += [hold] if hold is not None else []
        return found

    async def _save(self, person: UserRef, what: str, **changes: object) -> UserPrefs:
        return await self._save_many(person, (what,), changes)

    async def _save_many(
        self, person: UserRef, names: tuple[str, ...], changes: Mapping[str, object]
    ) -> UserPrefs:
        """Store their own preferences changed (never the workspace's defaults they saw)
        and mark them theirs; one audit line per preference."""
        stored = await self.stored(person)
        own = tuple(dict.fromkeys((*stored.own, *names)))
        await self.repo.save_user(replace(stored, **changes, own=own))  # type: ignore[arg-type]
        now = self.clock.now()
        for name in names:
            await self.repo.audit(person.key, f"settings.{_AUDIT.get(name, name)}", now)
        return await self.prefs(person)
