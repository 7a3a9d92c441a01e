"""Wall time <-> instant in an IANA zone, with the spec's DST rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; raises ``ZoneInfoNotFoundError`` (a ``KeyError``)."""
    if not name or name != name.strip():
        raise ZoneInfoNotFoundError(name)
    return ZoneInfo(name)


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant a naive wall time names in ``tz``.

    A wall time that does not exist (spring-forward gap) moves forward to the first
    valid minute, the end of the gap; one that exists twice is its first instance.
    """
    aware = wall.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
        return aware
    return _gap_end(wall, tz)


def _gap_end(wall: datetime, tz: ZoneInfo) -> datetime:
    # Inside a gap the two folds give instants on either side of the transition;
    # the transition is the first instant whose wall time is at or past ``wall``.
    lo = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    hi = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if lo > hi:
        lo, hi = hi, lo
    while hi - lo > timedelta(minutes=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(second=0, microsecond=0)
        if mid.astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + timedelta(minutes=1)
            if lo.astimezone(tz).replace(tzinfo=None) >= wall:
                hi = lo
                break
    return hi.astimezone(tz)


def at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return localize(datetime.combine(day, clock), tz)


def elapsed(moment: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """``moment`` plus real elapsed time, shown in ``tz``.

    Python adds a timedelta to an aware datetime in wall-clock terms (same tzinfo),
    which is an hour off across a DST change; this adds in UTC instead.
    """
    return (moment.astimezone(UTC) + delta).astimezone(tz)


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall time of an aware instant in ``tz``."""
    return instant.astimezone(tz).replace(tzinfo=None)
