"""Delivery policy, pure: quiet hours and retry backoff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.model import Destination, UserPrefs
from bot.parsing.zones import at, is_zone, zone

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
_FIRST_RETRY = timedelta(seconds=30)
_LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Held:
    """A reminder for ``destination`` that falls in its recipient's quiet hours
    (``start``–``end`` in ``tz``), and so arrives at ``until``."""

    destination: Destination
    start: time
    end: time
    until: datetime
    tz: str


def usable_zone(name: str, default: str = "UTC") -> ZoneInfo:
    """The zone ``name``, or ``default`` (with a warning) when storage holds a bad one."""
    if is_zone(name):
        return zone(name)
    log.warning("unknown time zone %r stored; using %s", name, default)
    return zone(default)


def quiet_until(prefs: UserPrefs | None, now: datetime) -> datetime | None:
    """When ``now`` falls in the user's quiet hours, the instant they end; else ``None``."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return None
    tz = usable_zone(prefs.tz)
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return at(day, end, tz)


def held(dest: Destination, prefs: UserPrefs | None, due: datetime) -> Held | None:
    """Whether a reminder due at ``due`` waits for its recipient's quiet hours to end."""
    until = quiet_until(prefs, due)
    if until is None or prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    return Held(
        destination=dest, start=prefs.quiet_start, end=prefs.quiet_end, until=until, tz=prefs.tz
    )


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next attempt: the platform's word, else exponential."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after)
    backoff: timedelta = _FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(_LONGEST_RETRY, backoff)
