"""Read the pieces the grammar found: clock times, amounts, parts of day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta

POD_HOURS = {"morning": 9, "afternoon": 14, "evening": 18, "night": 20, "tonight": 20}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


class InvalidTime(ValueError):
    """A clock time that cannot exist (``25:00``, ``13pm``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """A time of day as written: ``bare`` when it could be AM or PM."""

    hour: int
    minute: int
    bare: bool = False
    midnight: bool = False

    def with_date(self) -> Clock:
        """The spec's bare hour with a date: 1-6 PM, 7-11 AM, 12 noon."""
        if not self.bare:
            return self
        hour = self.hour + 12 if 1 <= self.hour <= 6 else self.hour
        return Clock(hour=hour, minute=self.minute)

    def in_part(self, pod: str) -> Clock:
        """A bare hour read with a part of day (``8 tonight`` is 20:00)."""
        if not self.bare:
            return self
        if pod == "morning":
            return Clock(hour=self.hour % 12, minute=self.minute)
        hour = self.hour + 12 if self.hour < 12 else self.hour
        return Clock(hour=hour, minute=self.minute)

    def candidates(self) -> list[tuple[int, int]]:
        if self.bare and self.hour < 12:
            return [(self.hour, self.minute), (self.hour + 12, self.minute)]
        if self.bare and self.hour == 12:
            return [(12, self.minute), (0, self.minute)]
        return [(self.hour, self.minute)]


def read_clock(g: dict[str, str]) -> Clock:
    """Turn the grammar's time groups into a ``Clock``; raises ``InvalidTime``."""
    if "tnamed" in g:
        if g["tnamed"] == "midnight":
            return Clock(hour=0, minute=0, midnight=True)
        return Clock(hour=12, minute=0)
    if "th1" in g:
        return _relative_clock(g)
    for h, m, ap in (("th2", "tm2", "tap2"), ("th3", "", "tap3")):
        if h in g:
            return _meridiem(int(g[h]), int(g.get(m, 0) or 0), g.get(ap))
    for h, m in (("th4", "tm4"), ("th5", "tm5"), ("th7", "")):
        if h in g:
            return _plain(g[h], int(g.get(m, 0) or 0))
    raise InvalidTime("no clock")


def _plain(hour_text: str, minute: int) -> Clock:
    hour = int(hour_text)
    if hour > 23 or minute > 59:
        raise InvalidTime(f"{hour}:{minute:02d}")
    explicit = hour > 12 or hour == 0 or (len(hour_text) == 2 and hour_text.startswith("0"))
    return Clock(hour=hour, minute=minute, bare=not explicit)


def _meridiem(hour: int, minute: int, ap: str | None) -> Clock:
    if minute > 59:
        raise InvalidTime(f"{hour}:{minute:02d}")
    if ap not in ("am", "pm"):
        return _plain(str(hour), minute)
    if not 1 <= hour <= 12:
        raise InvalidTime(f"{hour}{ap}")
    hour = hour % 12 + (12 if ap == "pm" else 0)
    return Clock(hour=hour, minute=minute)


def _relative_clock(g: dict[str, str]) -> Clock:
    q = g["tq"]
    minutes = 30 if q == "half" else 15 if q.endswith("quarter") else int(q.split()[0])
    hour = int(g["th1"])
    if minutes > 59 or hour > 23:
        raise InvalidTime(q)
    if g["trel"] in ("to", "before"):
        hour, minutes = (hour - 1) % 24, 60 - minutes
        hour = 12 if hour == 0 and int(g["th1"]) == 1 else hour
    base = _meridiem(hour, minutes, g.get("tap1"))
    return base


def amount(text: str) -> float:
    text = text.strip()
    if text in ("a", "an", "another"):
        return 1.0
    if text.startswith("half") or text in ("a half", "an half"):
        return 0.5
    if text.endswith("half"):
        return float(text.split()[0]) + 0.5
    return float(text)


_PAIR = re.compile(
    r"(\d+(?:\.\d+)? and an? half|\d+(?:\.\d+)?|half an?|an? half|an?|another) "
    r"(seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?)"
)
_CLOCK_UNITS = {"second": 1, "minute": 60, "hour": 3600}
_DAY_UNITS = {"day": 1, "week": 7, "fortnight": 14}


@dataclass(frozen=True, slots=True)
class Duration:
    """A written duration split into elapsed time and calendar steps."""

    clock: timedelta
    calendar: relativedelta

    @property
    def has_calendar(self) -> bool:
        return bool(self.calendar)


def read_duration(text: str) -> Duration:
    clock = timedelta()
    cal = relativedelta()
    for qty_text, unit_text in _PAIR.findall(text):
        qty, unit = amount(qty_text), unit_text.rstrip("s")
        if unit in _CLOCK_UNITS:
            clock += timedelta(seconds=qty * _CLOCK_UNITS[unit])
        elif unit in _DAY_UNITS:
            days = qty * _DAY_UNITS[unit]
            cal += relativedelta(days=int(days))
            clock += timedelta(days=days - int(days))
        elif unit == "month":
            cal += relativedelta(months=int(qty), days=round((qty - int(qty)) * 30))
        else:
            cal += relativedelta(years=int(qty), months=round((qty - int(qty)) * 12))
    return Duration(clock, cal)


def ordinal(text: str) -> int:
    """``15th`` -> 15, ``first`` -> 1, ``last`` -> -1."""
    if text in ORDINAL_WORDS:
        return ORDINAL_WORDS[text]
    return int(re.sub(r"\D", "", text))


def pod_of(g: dict[str, str]) -> str | None:
    for key in ("podthis", "pod", "pod2", "pod3", "tonight"):
        if key in g:
            return g[key]
    return None
