"""Durations as written (``2 hours``, ``an hour and a half``, ``3 quarters of an hour``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from bot.parsing.vocab import AMOUNT, UNIT

_PIECE = re.compile(rf"(?P<amount>{AMOUNT}) (?P<unit>{UNIT})(?P<half> and an? half)?")
CLOCK_UNITS = {"second": 1, "minute": 60, "quarter-hour": 900, "half-hour": 1800, "hour": 3600}
_DAY_UNITS = {"day": 1, "week": 7, "fortnight": 14}


@dataclass(frozen=True, slots=True)
class Duration:
    """A written duration split into elapsed time and calendar steps."""

    clock: timedelta
    calendar: relativedelta

    @property
    def has_calendar(self) -> bool:
        return bool(self.calendar)


def amount(text: str) -> float:
    """``2`` -> 2, ``an`` -> 1, ``half an`` -> 0.5, ``3 quarters of an`` -> 0.75."""
    text = text.strip()
    if text in ("a", "an", "another"):
        return 1.0
    if "quarter" in text:
        return int(text.split()[0]) / 4 if text[0].isdigit() else 0.25
    if text.startswith("half") or text in ("a half", "an half"):
        return 0.5
    if text.endswith("half"):
        return float(text.split()[0]) + 0.5
    return float(text)


def read_duration(text: str) -> Duration:
    """All the amounts in ``text`` added up (``1 hour and 30 minutes`` is 90 minutes)."""
    return _read(_PIECE.finditer(text))


def each_duration(text: str) -> list[Duration]:
    """Each amount in ``text`` on its own (``1 day and 1 hour`` is two durations)."""
    return [_read([m]) for m in _PIECE.finditer(text)]


def _read(pieces: Iterable[re.Match[str]]) -> Duration:
    clock = timedelta()
    cal = relativedelta()
    for m in pieces:
        qty = amount(m.group("amount")) + (0.5 if m.group("half") else 0.0)
        unit = m.group("unit").removesuffix("s")
        if unit in CLOCK_UNITS:
            clock += timedelta(seconds=qty * CLOCK_UNITS[unit])
        elif unit in _DAY_UNITS:
            days = qty * _DAY_UNITS[unit]
            cal += relativedelta(days=int(days))
            clock += timedelta(days=days - int(days))
        elif unit == "month":
            cal += relativedelta(months=int(qty), days=round((qty - int(qty)) * 30))
        else:
            cal += relativedelta(years=int(qty), months=round((qty - int(qty)) * 12))
    return Duration(clock, cal)


def clock_minutes(text: str) -> int:
    """A clock duration in whole minutes (``half an hour`` -> 30)."""
    return int(read_duration(text).clock.total_seconds() // 60)
