"""Times of day as written, and the small readers the part tables share."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
ORDINAL_WORDS = {"first": 1, "second": 2, "last": -1}
_DAY = 24 * 60


class InvalidTime(ValueError):
    """A clock time that cannot exist (``25:00``, ``13pm``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Clock:
    """A time of day as written.

    ``bare`` when it could be AM or PM (``at 5``); ``shift`` minutes are added once
    that is decided (``quarter to 5`` is 5 o'clock less 15, whichever 5 it is);
    ``midnight`` for the word itself, which names the start of the next day; ``days``
    when a shift crossed midnight: ``2 hours past 11pm`` is 01:00 the next day (1),
    ``10 minutes to 12am`` 23:50 the day before (-1).
    """

    hour: int
    minute: int
    bare: bool = False
    midnight: bool = False
    shift: int = 0
    days: int = 0

    def with_date(self) -> Clock:
        """A bare hour with a date: 1-6 PM, 7-11 AM, 12 noon."""
        if not self.bare:
            return self
        return self._at(self.hour + 12 if 1 <= self.hour <= 6 else self.hour)

    def in_part(self, pod: str) -> Clock:
        """A bare hour read with a part of day (``8 tonight`` is 20:00)."""
        if not self.bare:
            return self
        if pod == "morning":
            # 12 is midnight, unless a shift would take that back into the evening
            # before: "quarter to 12 in the morning" is 11:45.
            early = self._at(self.hour % 12)
            return early if early.days == 0 else self._at(self.hour)
        return self._at(self.hour + 12 if self.hour < 12 else self.hour)

    def candidates(self) -> list[tuple[int, int]]:
        """Every (hour, minute) the clock can mean, without a date."""
        if self.bare and self.hour < 12:
            hours = [self.hour, self.hour + 12]
        elif self.bare and self.hour == 12:
            hours = [12, 0]
        else:
            hours = [self.hour]
        return [(c.hour, c.minute) for c in (self._at(h) for h in hours)]

    def _at(self, hour: int) -> Clock:
        return _moved(hour * 60 + self.minute + self.shift)


def plain_clock(hour_text: str, minute: int) -> Clock:
    """``9``, ``09``, ``17`` with optional minutes: bare unless it can only be one time."""
    hour = int(hour_text)
    if hour > 23 or minute > 59:
        raise InvalidTime(f"{hour}:{minute:02d}")
    explicit = hour > 12 or hour == 0 or (len(hour_text) == 2 and hour_text.startswith("0"))
    return Clock(hour=hour, minute=minute, bare=not explicit)


def meridiem_clock(hour: int, minute: int, meridiem: str | None) -> Clock:
    """``9 am``, ``12:30 pm``; without ``am``/``pm`` the plain reading."""
    if minute > 59:
        raise InvalidTime(f"{hour}:{minute:02d}")
    if meridiem not in ("am", "pm"):
        return plain_clock(str(hour), minute)
    if not 1 <= hour <= 12:
        raise InvalidTime(f"{hour}{meridiem}")
    return Clock(hour=hour % 12 + (12 if meridiem == "pm" else 0), minute=minute)


def digits_clock(digits: str, meridiem: str | None = None) -> Clock:
    """``845``, ``1715``, ``0930``: four digits are a 24-hour time unless am/pm follows."""
    hour, minute = divmod(int(digits), 100)
    if meridiem is not None:
        return meridiem_clock(hour, minute, meridiem)
    if len(digits) == 3:
        return plain_clock(str(hour), minute)
    if hour > 23 or minute > 59:
        raise InvalidTime(digits)
    return Clock(hour=hour, minute=minute)


def shifted(anchor: Clock, minutes: int) -> Clock:
    """``anchor`` moved by ``minutes``; a bare anchor keeps the move until AM/PM is known."""
    if anchor.bare:
        return Clock(hour=anchor.hour, minute=anchor.minute, bare=True, shift=minutes)
    return _moved(anchor.days * _DAY + anchor.hour * 60 + anchor.minute + minutes)


def _moved(minutes: int) -> Clock:
    """The clock ``minutes`` after the start of its day, with the days that crosses."""
    days, rest = divmod(minutes, _DAY)
    return Clock(hour=rest // 60, minute=rest % 60, days=days)


def ordinal(text: str) -> int:
    """``15th`` -> 15, ``first`` -> 1, ``last`` -> -1."""
    if text in ORDINAL_WORDS:
        return ORDINAL_WORDS[text]
    return int(re.sub(r"\D", "", text))
