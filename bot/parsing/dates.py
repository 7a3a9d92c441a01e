"""Dates as the grammar found them -> candidate calendar days, nearest first."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.parsing.clock import MONTHS, WEEKDAYS, ordinal
from bot.parsing.model import DateOrder

EOD = time(17, 0)
# How far ``Friday the 13th`` looks: any day number falls twice on any weekday within 37 months.
_WEEKDAY_DAY_MONTHS = 37


class InvalidDate(ValueError):
    """A date that does not exist (``Feb 30``, ``8/32``)."""


class PastDate(ValueError):
    """A date that is unmistakably in the past (``last Monday``)."""


@dataclass(frozen=True, slots=True)
class Days:
    """Candidate days, in order; the first whose time is still ahead wins.

    ``clock`` is a default time some phrases carry (``end of day`` is 17:00).
    """

    days: tuple[date, ...]
    clock: time | None = None


def candidates(g: dict[str, str], p: str, today: date, order: DateOrder) -> Days:
    """Read the date groups (named with prefix ``p``) relative to ``today``."""
    if p + "rel" in g:
        return Days((today + timedelta(days=_rel_offset(g[p + "rel"])),))
    if p + "wd" in g:
        return _weekday(g, p, today)
    for d, m, y in (("d1", "m1", "y1"), ("d2", "m2", "y2")):
        if p + d in g:
            month = MONTHS.index(g[p + m]) + 1
            year = int(g[p + y]) if p + y in g else None
            return Days(_month_day(year, month, ordinal(g[p + d]), today))
    if p + "num" in g:
        return Days(_numeric(g[p + "num"], today, order))
    for od, odm in (("od", "odm"), ("od2", "odm2"), ("od3", "odm3")):
        if p + od in g:
            day, which = ordinal(g[p + od]), g.get(p + odm, "")
            if p + "odwd" in g and which not in MONTHS and which != "next month":
                return Days(_weekday_day(day, WEEKDAYS.index(g[p + "odwd"]), today))
            return Days(_ordinal_day(day, which, today))
    return _named(g[p + "named"], today)


def _rel_offset(rel: str) -> int:
    if rel.endswith("after tomorrow"):
        return 2
    if rel.endswith("before yesterday"):
        return -2
    return {"today": 0, "tomorrow": 1, "yesterday": -1}[rel]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekday(g: dict[str, str], p: str, today: date) -> Days:
    wd = WEEKDAYS.index(g[p + "wd"])
    mod, suffix = g.get(p + "wmod", ""), g.get(p + "wsuf", "") or g.get(p + "wpre", "")
    if mod == "next" or suffix == "next week":
        return Days((monday(today) + timedelta(days=7 + wd),))
    if suffix == "this week":
        return Days((monday(today) + timedelta(days=wd),))
    if mod == "last":
        raise PastDate(g[p + "wd"])
    first = today + timedelta(days=(wd - today.weekday()) % 7)
    return Days((first, first + timedelta(days=7)))


def _month_day(year: int | None, month: int, day: int, today: date) -> tuple[date, ...]:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise InvalidDate(f"{month}-{day}")
    if year is not None:
        try:
            return (date(year, month, day),)
        except ValueError:
            raise InvalidDate(f"{year}-{month}-{day}") from None
    years = range(today.year, today.year + 9)
    found = [date(y, month, day) for y in years if day <= calendar.monthrange(y, month)[1]]
    if not found:
        raise InvalidDate(f"{month}-{day}")
    return tuple(found[:3])


def _numeric(text: str, today: date, order: DateOrder) -> tuple[date, ...]:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        y, m, d = (int(x) for x in text.split("-"))
        return _month_day(y, m, d, today)
    parts = [int(x) for x in re.split(r"[/.]", text)]
    if "." in text or order == "DMY":
        d, m = parts[0], parts[1]
    else:
        m, d = parts[0], parts[1]
    year = None
    if len(parts) == 3:
        year = parts[2] + 2000 if parts[2] < 100 else parts[2]
    if not 1 <= m <= 12:
        raise InvalidDate(text)
    return _month_day(year, m, d, today)


def _ordinal_day(day: int, which: str, today: date) -> tuple[date, ...]:
    if which in MONTHS:
        return _month_day(None, MONTHS.index(which) + 1, day, today)
    if not 1 <= day <= 31:
        raise InvalidDate(str(day))
    if which == "next month":
        first = _add_months(today.replace(day=1), 1)
        if day > calendar.monthrange(first.year, first.month)[1]:
            raise InvalidDate(str(day))
        return (first.replace(day=day),)
    found = []
    month = today.replace(day=1)
    for _ in range(13):
        if day <= calendar.monthrange(month.year, month.month)[1]:
            found.append(month.replace(day=day))
        month = _add_months(month, 1)
    return tuple(found[:3])


def _weekday_day(day: int, weekday: int, today: date) -> tuple[date, ...]:
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
        month = _add_months(month, 1)
    return tuple(found) or _ordinal_day(day, "", today)


def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _named(name: str, today: date) -> Days:
    name = name.replace("the ", "")
    if name in ("end of day", "eod", "close of business"):
        return Days((today, today + timedelta(days=1)), EOD)
    if name in ("end of week", "eow"):
        friday = monday(today) + timedelta(days=4)
        return Days((friday, friday + timedelta(days=7)), EOD)
    if name in ("end of month", "eom"):
        nxt = _add_months(today.replace(day=1), 1)
        return Days((last_of_month(today), last_of_month(nxt)), EOD)
    if name == "next week":
        return Days((monday(today) + timedelta(days=7),))
    if name == "next month":
        return Days((_add_months(today.replace(day=1), 1),))
    if name == "next year":
        return Days((date(today.year + 1, 1, 1),))
    if name == "next weekend":
        return Days((monday(today) + timedelta(days=12),))
    return _weekend(today)


def _weekend(today: date) -> Days:
    """The coming Saturday: today if it is Saturday and the time is still ahead."""
    saturday = monday(today) + timedelta(days=5)
    if today.weekday() == 6:
        return Days((saturday + timedelta(days=7),))
    return Days((saturday, saturday + timedelta(days=7)))
