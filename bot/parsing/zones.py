"""Wall time <-> instant in an IANA zone, with the spec's DST rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.parsing.zone_names import ABBREVIATIONS, COUNTRIES

_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
          "Europe", "Indian", "Pacific")  # fmt: skip
_NOT_ZONES = ("localtime", "Factory", "posixrules")


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


def find_zone(text: str) -> str | None:
    """The IANA zone a person means by ``text``, or ``None`` when unknown or ambiguous.

    Read in this order: an abbreviation with one meaning (``CET``, ``PST``), a country
    that keeps one clock (``Denmark``), an IANA name in any case (``europe/copenhagen``),
    a city that names a zone (``new york``), then the old one-word IANA names (``Japan``).
    """
    key = _key(text)
    for table in (ABBREVIATIONS, COUNTRIES):
        if key in table:
            found = table[key]
            return found if found is None or is_zone(found) else None
    names, cities, legacy = _zone_tables()
    return names.get(key) or cities.get(key) or legacy.get(key)


def _key(text: str) -> str:
    """Lower case, no accents, one space for runs of spaces and underscores."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    key = re.sub(r"[\s_]+", " ", plain.strip().lower()).strip(" .")
    return re.sub(r" (?:time ?zone|time)$", "", key)


@lru_cache(maxsize=1)
def _zone_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """IANA names, cities and one-word legacy names, each by its lower-case key."""
    names: dict[str, str] = {}
    cities: dict[str, str] = {}
    legacy: dict[str, str] = {}
    # Longer names first: America/Argentina/Mendoza wins over its alias America/Mendoza.
    for name in sorted(available_timezones(), key=lambda n: (-n.count("/"), n)):
        if name in _NOT_ZONES:
            continue
        parts = name.split("/")
        if len(parts) == 1:
            legacy[_key(name)] = name
            continue
        names[_key(name)] = name
        if parts[0] in _AREAS:
            cities.setdefault(_key(parts[-1]), name)
    return names, cities, legacy
