"""Calendar arithmetic for the date parts: candidate days, nearest first."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.parsing.clock import MONTHS
from bot.parsing.context import Refused
from bot.parsing.model import DateOrder, RefusalCode

EOD = time(17, 0)
# How far ``Friday the 13th`` looks: any day number falls twice on any weekday within 37 months.
_WEEKDAY_DAY_MONTHS = 37
_ORDERS = {"DMY": "day/month", "MDY": "month/day"}


@dataclass(frozen=True, slots=True)
class Days:
    """Candidate days, in order; the first whose time is still ahead wins.

    ``clock`` is a default time some phrases carry (``end of week`` is 17:00).
    """

    days: tuple[date, ...]
    clock: time | None = None


def invalid(*, detail: str = "", hint: str = "") -> Refused:
    return Refused(RefusalCode.INVALID_DATE, detail=detail, hint=hint)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def relative_day(rel: str, today: date) -> Days:
    if rel.endswith("after tomorrow"):
        return Days((today + timedelta(days=2),))
    if rel.endswith("before yesterday"):
        return Days((today - timedelta(days=2),))
    return Days((today + timedelta(days={"today": 0, "tomorrow": 1, "yesterday": -1}[rel]),))


def month_day(year: int | None, month: int, day: int, today: date) -> tuple[date, ...]:
    """A day of a month: in ``year``, or its next three occurrences from this year on."""
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise invalid()
    if year is not None:
        try:
            return (date(year, month, day),)
        except ValueError:
            raise invalid() from None
    years = range(today.year, today.year + 9)
    found = [date(y, month, day) for y in years if day <= calendar.monthrange(y, month)[1]]
    if not found:
        raise invalid()
    return tuple(found[:3])


def numeric(text: str, today: date, order: DateOrder) -> tuple[date, ...]:
    """``2026-06-01`` always; ``6/1`` in the user's date order; ``1.6.2026`` day first."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        y, m, d = (int(x) for x in text.split("-"))
        return month_day(y, m, d, today)
    parts = [int(x) for x in re.split(r"[/.]", text)]
    day_first = "." in text or order == "DMY"
    d, m = (parts[0], parts[1]) if day_first else (parts[1], parts[0])
    year = None
    if len(parts) == 3:
        year = parts[2] + 2000 if parts[2] < 100 else parts[2]
    if not 1 <= m <= 12:
        raise invalid(**_swapped(text, d, m, day_first))
    return month_day(year, m, d, today)


def _swapped(text: str, day: int, month: int, day_first: bool) -> dict[str, str]:
    """The other order's reading, when that one is a real date (``12/25`` -> ``25/12``)."""
    if "/" not in text or not (1 <= day <= 12 and 1 <= month <= 31):
        return {}
    first, second, *rest = text.split("/")
    other = "/".join([second, first, *rest])
    return {"detail": _ORDERS["DMY" if day_first else "MDY"], "hint": other}


def ordinal_day(day: int, which: str, today: date) -> tuple[date, ...]:
    """``the 15th``, ``the 15th of next month``, ``the 15th of June``: nearest first."""
    if which in MONTHS:
        return month_day(None, MONTHS.index(which) + 1, day, today)
    if not 1 <= day <= 31:
        raise invalid()
    if which == "next month":
        first = add_months(today.replace(day=1), 1)
        if day > calendar.monthrange(first.year, first.month)[1]:
            raise invalid()
        return (first.replace(day=day),)
    found = []
    month = today.replace(day=1)
    for _ in range(13):
        if day <= calendar.monthrange(month.year, month.month)[1]:
            found.append(month.replace(day=day))
        month = add_months(month, 1)
    return tuple(found[:3])


def weekday_day(day: int, weekday: int, today: date) -> tuple[date, ...]:
    """``Friday the 13th``: the days numbered ``day`` that fall on ``weekday``, nearest first.

    When no such day comes soon (a slip in the weekday), the day of month alone decides.
    """
    found = []
    month = today.replace(day=1)
    for _ in range(_WEEKDAY_DAY_MONTHS):
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate.weekday() == weekday:
                found.append(candidate)
                if len(found) == 2:
                    break
        month = add_months(month, 1)
    return tuple(found) or ordinal_day(day, "", today)


def weeks_ahead(week: str) -> int | None:
    """How many calendar weeks on ``next week`` and its kin name, else ``None``."""
    if week in ("next", "next week"):
        return 1
    if week.endswith("after next"):
        return 2
    if week == "this week":
        return 0
    return None


def weekday(index: int, mod: str, week: str, today: date) -> Days:
    """A weekday, ``next`` (the next calendar week's), ``this``, or ``of next week``."""
    ahead = weeks_ahead(mod) if mod == "next" else weeks_ahead(week)
    if ahead is not None:
        return Days((monday(today) + timedelta(days=7 * ahead + index),))
    if mod == "last":
        raise Refused(RefusalCode.PAST)
    first = today + timedelta(days=(index - today.weekday()) % 7)
    return Days((first, first + timedelta(days=7)))


def nth_weekday(rank: int, index: int, months: list[date]) -> tuple[date, ...]:
    """The ``rank``-th (``-1``: last) weekday ``index`` in each month that has one."""
    found = []
    for first in months:
        days = [d for d in _month_days(first) if d.weekday() == index]
        pos = rank - 1 if rank > 0 else rank
        if -len(days) <= pos < len(days):
            found.append(days[pos])
    if not found:
        raise invalid()
    return tuple(found)


def _month_days(first: date) -> list[date]:
    length = calendar.monthrange(first.year, first.month)[1]
    return [first.replace(day=d) for d in range(1, length + 1)]


def named(name: str, today: date) -> Days:
    """``end of week``, ``end of next month``, ``next week``, ``weekend`` ..."""
    name = name.removeprefix("the ").replace("end of the ", "end of ")
    if name.startswith("end of ") or name in ("eow", "eom"):
        return _end_of(name.removeprefix("end of "), today)
    ahead = weeks_ahead(name)
    if ahead is not None:
        return Days((monday(today) + timedelta(days=7 * ahead),))
    if name == "next month":
        return Days((add_months(today.replace(day=1), 1),))
    if name == "next year":
        return Days((date(today.year + 1, 1, 1),))
    if name == "next weekend":
        return Days((monday(today) + timedelta(days=12),))
    return _weekend(today)


def _end_of(period: str, today: date) -> Days:
    if period in ("week", "eow"):
        friday = monday(today) + timedelta(days=4)
        return Days((friday, friday + timedelta(days=7)), EOD)
    if period == "next week":
        return Days((monday(today) + timedelta(days=11),), EOD)
    if period in ("month", "eom"):
        nxt = add_months(today.replace(day=1), 1)
        return Days((last_of_month(today), last_of_month(nxt)), EOD)
    if period == "next month":
        return Days((last_of_month(add_months(today.replace(day=1), 1)),), EOD)
    return Days((date(today.year, 12, 31), date(today.year + 1, 12, 31)), EOD)


def _weekend(today: date) -> Days:
    """The coming Saturday: today if it is Saturday and the time is still ahead."""
    saturday = monday(today) + timedelta(days=5)
    if today.weekday() == 6:
        return Days((saturday + timedelta(days=7),))
    return Days((saturday, saturday + timedelta(days=7)))
