"""Delivery policy, pure: quiet hours and retry backoff."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.model import UserPrefs
from bot.parsing.zones import at, zone

MAX_ATTEMPTS = 8
_FIRST_RETRY = timedelta(seconds=30)
_LONGEST_RETRY = timedelta(hours=1)


def quiet_until(prefs: UserPrefs | None, now: datetime) -> datetime | None:
    """When ``now`` falls in the user's quiet hours, the instant they end; else ``None``."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return None
    start, end = prefs.quiet_start, prefs.quiet_end
    if start == end:
        return None
    tz = zone(prefs.tz)
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return at(day, end, tz)


def retry_delay(attempts: int, retry_after: float | None) -> timedelta:
    """How long to wait before the next attempt: the platform's word, else exponential."""
    if retry_after is not None and retry_after > 0:
        return timedelta(seconds=retry_after)
    backoff: timedelta = _FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(_LONGEST_RETRY, backoff)
