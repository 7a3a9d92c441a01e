"""Recurrence rules: build them from what was read, and list their occurrences.

Daily and longer rules are expanded in local wall time (dateutil) and each wall time
is then placed in the zone, so ``every day at 9am`` stays at 09:00 across DST changes.
Hourly and minutely rules count elapsed time in UTC, so ``every 2 hours`` is always two
real hours apart. This module is also what the scheduler uses to find the next due time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrule, rrulestr

from bot.parsing.model import Recurrence
from bot.parsing.zones import localize, wall, zone

SUBDAILY_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """The parts of an RRULE the parser writes, in the order it writes them.

    ``byday`` holds day codes, with a rank for monthly rules (``2TU``); ``hours`` and
    ``minutes`` are the BYHOUR and BYMINUTE lists (every pairing of them fires).
    """

    freq: str
    interval: int = 1
    bymonth: int | None = None
    bymonthday: int | None = None
    byday: tuple[str, ...] = ()
    bysetpos: int | None = None
    hours: tuple[int, ...] = ()
    minutes: tuple[int, ...] = ()
    until: date | None = None
    count: int | None = None

    @property
    def subdaily(self) -> bool:
        return self.freq in SUBDAILY_SECONDS

    @property
    def step(self) -> timedelta:
        return timedelta(seconds=SUBDAILY_SECONDS[self.freq] * self.interval)

    def text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.bymonth is not None:
            parts.append(f"BYMONTH={self.bymonth}")
        if self.bymonthday is not None:
            parts.append(f"BYMONTHDAY={self.bymonthday}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(self.byday))
        if self.bysetpos is not None:
            parts.append(f"BYSETPOS={self.bysetpos}")
        if self.hours:
            parts.append(f"BYHOUR={_numbers(self.hours)};BYMINUTE={_numbers(self.minutes)}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    def unbounded(self) -> Rule:
        return replace(self, interval=1, until=None, count=None)


def _numbers(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def sort_days(days: list[str]) -> tuple[str, ...]:
    unique = dict.fromkeys(days)
    return tuple(sorted(unique, key=lambda d: WEEKDAY_CODES.index(d[-2:])))


def first_after(rule: Rule, dtstart: datetime, after: datetime) -> datetime | None:
    """First occurrence of ``rule`` (interval ignored) from ``dtstart`` that is after ``after``."""
    probe = Recurrence(rrule=rule.unbounded().text(), dtstart=dtstart, tz=_tz_name(dtstart))
    found = occurrences_after(probe, after, 1)
    return found[0] if found else None


def _tz_name(moment: datetime) -> str:
    return str(moment.tzinfo)


def occurrences_after(rec: Recurrence, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` occurrences strictly after ``after`` (fewer if the series ends)."""
    parts = _parts(rec.rrule)
    if parts["FREQ"] in SUBDAILY_SECONDS:
        return list(_elapsed(rec, parts, after, count))
    tz = zone(rec.tz)
    rule = _expanded(rec.rrule, wall(rec.dtstart, tz))
    found: list[datetime] = []
    # Start a day early: a wall time near a DST change can sort before its instant.
    for local in rule.xafter(wall(after, tz) - timedelta(days=1), inc=True):
        moment = localize(local, tz)
        if moment > after and (not found or moment > found[-1]):
            found.append(moment)
        if len(found) >= count:
            break
    return found


@lru_cache(maxsize=4096)
def _expanded(text: str, dtstart: datetime) -> rrule:
    # Reading the rule's text costs about four times building it again for a new start.
    return _parsed(text).replace(dtstart=dtstart)


@lru_cache(maxsize=1024)
def _parsed(text: str) -> rrule:
    result = rrulestr(text, dtstart=datetime(2000, 1, 1))
    assert isinstance(result, rrule)
    return result


def _parts(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split(";") if "=" in part)


def _elapsed(
    rec: Recurrence, parts: dict[str, str], after: datetime, count: int
) -> Iterator[datetime]:
    tz = zone(rec.tz)
    step = timedelta(seconds=SUBDAILY_SECONDS[parts["FREQ"]] * int(parts.get("INTERVAL", "1")))
    start = rec.dtstart.astimezone(UTC)
    index = max(0, math.floor((after.astimezone(UTC) - start) / step))
    limit = int(parts["COUNT"]) if "COUNT" in parts else None
    until = _until(parts.get("UNTIL"), tz)
    produced = 0
    while produced < count and (limit is None or index < limit):
        moment = start + index * step
        index += 1
        if until is not None and moment > until:
            return
        if moment > after:
            produced += 1
            yield moment.astimezone(tz)


def series_end(rec: Recurrence) -> datetime | None:
    """The instant a rule's UNTIL names (its local wall time in ``rec.tz``), if any."""
    return _until(_parts(rec.rrule).get("UNTIL"), rec.tz)


def _until(text: str | None, tz: object) -> datetime | None:
    if not text:
        return None
    moment = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    return moment.replace(tzinfo=UTC) if text.endswith("Z") else localize(moment, zone(str(tz)))
