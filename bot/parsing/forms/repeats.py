"""Recurrences: ``every Monday``, ``on the 12th of every month``, ``every 2nd and 4th
Tuesday``, ``twice a day``, ``every quarter``, ``hver halvtime``.

Each part builds a ``Repeat``: the rule without its time of day, bound or start (those
are read by their own kinds and added in ``rules``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from bot.parsing.clock import MONTHS, WEEKDAYS, ordinal
from bot.parsing.context import Context, Refused
from bot.parsing.dates import numeric
from bot.parsing.durations import CLOCK_UNITS, amount
from bot.parsing.model import RefusalCode
from bot.parsing.parts import Groups, Kind, Part
from bot.parsing.recurrence import WEEKDAY_CODES, Rule, sort_days
from bot.parsing.vocab import (
    ADVERB,
    AND,
    DAY,
    EVERY,
    MONTH,
    ORDINAL,
    RANK,
    RANKS,
    WEEKDAY,
    WEEKDAY_LIST,
    WEEKDAYS_LIST,
    WORKDAY,
    YEARLY,
)

WORKDAYS = ("MO", "TU", "WE", "TH", "FR")
_LEAP_YEAR = 2000  # a month as long as it ever is (29 February)
_OF_MONTH = rf"(?:of|in) (?:the|{EVERY}) month"
_MONTHLY = (
    rf"(?:{EVERY} (?:(?P<n>\d+|other) )?months?|{ADVERB}monthly|once a month"
    rf"|(?P<quarter>{EVERY} quarter|once a quarter|{ADVERB}quarterly))"
)
_RANK_WORD = re.compile(rf"{RANK}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeat:
    """A recurrence as read: its rule, the part of day it names (``every morning``), and
    how many times of day it asks for (``twice a day``)."""

    rule: Rule
    pod: str | None = None
    per_day: int | None = None


def interval(word: str | None) -> int:
    """``other`` -> 2, ``3`` -> 3, ``2nd`` -> 2; none -> 1."""
    if not word:
        return 1
    if word in ("other", "second", "2nd"):
        return 2
    step = ordinal(word) if word[-2:] in ("st", "nd", "rd", "th") else int(word)
    if step < 1:
        raise Refused(RefusalCode.TOO_FREQUENT)
    return step


def valid_day(day: int, month: int = 0) -> int:
    """A day of month that exists in ``month`` (0: in some month); -1 is the last day."""
    if day == -1:
        return day
    if not 1 <= day <= (calendar.monthrange(_LEAP_YEAR, month)[1] if month else 31):
        raise Refused(RefusalCode.INVALID_DATE)
    return day


def day_codes(text: str) -> tuple[str, ...]:
    """``monday , wednesday and fridays`` -> ``("MO", "WE", "FR")``."""
    names = [w.removesuffix("s") for w in text.split()]
    return sort_days([WEEKDAY_CODES[WEEKDAYS.index(w)] for w in names if w in WEEKDAYS])


def _day_of_month(word: str) -> int:
    return -1 if word.startswith("last") else ordinal(word)


def _monthly_step(g: Groups) -> int:
    return 3 if "quarter" in g else interval(g.get("n"))


# --- builders -----------------------------------------------------------------------------


def _ranked(g: Groups, ctx: Context) -> Repeat:
    code = day_codes(g["weekday"])[0]
    ranks = [ordinal(r) for r in _RANK_WORD.findall(g["ranks"])]
    return Repeat(rule=Rule(freq="MONTHLY", byday=tuple(f"{r}{code}" for r in ranks)))


def _ranked_workday(g: Groups, ctx: Context) -> Repeat:
    rank = -1 if g["rank"] == "last" else 1
    return Repeat(rule=Rule(freq="MONTHLY", byday=WORKDAYS, bysetpos=rank))


def _subdaily(g: Groups, ctx: Context) -> Repeat:
    word = g.get("n", "1")
    qty = 2.0 if word == "other" else 0.25 if word.startswith("quarter") else amount(word)
    seconds = qty * CLOCK_UNITS[g["unit"].removesuffix("s")]
    if seconds % 3600 == 0 and seconds >= 3600:
        return Repeat(rule=Rule(freq="HOURLY", interval=int(seconds // 3600)))
    if seconds % 60 == 0 and seconds >= 60:
        return Repeat(rule=Rule(freq="MINUTELY", interval=int(seconds // 60)))
    return Repeat(rule=Rule(freq="SECONDLY", interval=max(1, int(seconds))))


def _hourly(g: Groups, ctx: Context) -> Repeat:
    return Repeat(rule=Rule(freq="HOURLY"))


def _yearly(g: Groups, ctx: Context) -> Repeat:
    month = MONTHS.index(g["month"]) + 1
    day = valid_day(ordinal(g["day"]), month)
    return Repeat(rule=Rule(freq="YEARLY", bymonth=month, bymonthday=day))


def _yearly_numeric(g: Groups, ctx: Context) -> Repeat:
    """``every year on 12/24``: read as the one-off date is, in the user's date order
    (and with its hint when only the other order makes a date)."""
    day = numeric(g["numeric"], ctx.today, ctx.prefs.date_order)[0]
    return Repeat(rule=Rule(freq="YEARLY", bymonth=day.month, bymonthday=day.day))


def _monthly_on(g: Groups, ctx: Context) -> Repeat:
    day = valid_day(_day_of_month(g["day"]))
    return Repeat(rule=Rule(freq="MONTHLY", interval=_monthly_step(g), bymonthday=day))


def _weekly_on(g: Groups, ctx: Context) -> Repeat:
    step = 2 if "fortnight" in g else interval(g.get("n"))
    return Repeat(rule=Rule(freq="WEEKLY", interval=step, byday=day_codes(g["days"])))


def _workdays(g: Groups, ctx: Context) -> Repeat:
    return Repeat(rule=Rule(freq="WEEKLY", byday=WORKDAYS))


def _weekends(g: Groups, ctx: Context) -> Repeat:
    return Repeat(rule=Rule(freq="WEEKLY", byday=("SA", "SU")))


def _per_day(g: Groups, ctx: Context) -> Repeat:
    times = g.get("times", "twice")
    count = 2 if times == "twice" else int(times.split()[0])
    return Repeat(rule=Rule(freq="DAILY"), per_day=count)


def _daily(g: Groups, ctx: Context) -> Repeat:
    return Repeat(rule=Rule(freq="DAILY", interval=interval(g.get("n"))), pod=g.get("pod"))


def _weekly(g: Groups, ctx: Context) -> Repeat:
    step = 2 if "fortnight" in g else interval(g.get("n"))
    today = WEEKDAY_CODES[ctx.today.weekday()]
    return Repeat(rule=Rule(freq="WEEKLY", interval=step, byday=(today,)))


def _monthly(g: Groups, ctx: Context) -> Repeat:
    rule = Rule(freq="MONTHLY", interval=_monthly_step(g), bymonthday=ctx.today.day)
    return Repeat(rule=rule)


def _yearly_today(g: Groups, ctx: Context) -> Repeat:
    today, step = ctx.today, interval(g.get("n"))
    rule = Rule(freq="YEARLY", interval=step, bymonth=today.month, bymonthday=today.day)
    return Repeat(rule=rule)


# Parts that match at the same word are tried in this order: the positional forms come
# before "every second" (seconds), the yearly "every 4th of July" before the monthly
# "every 4th", and "every month on the 15th" before "every month".
REC: Kind[Repeat] = Kind(
    "rec",
    (
        Part(
            "nth weekdays of the month",
            rf"(?:(?:{EVERY}|on the|the) )?(?P<ranks>{RANK}(?:{AND} {RANK}){{0,4}}) "
            rf"(?P<weekday>{WEEKDAY}) {_OF_MONTH}",
            _ranked,
        ),
        Part(
            "first or last working day of the month",
            rf"(?:(?:{EVERY}|on the|the) )?(?P<rank>first|last|1st) {WORKDAY} {_OF_MONTH}",
            _ranked_workday,
        ),
        Part(
            "every 30 minutes, every half hour",
            rf"{EVERY} (?:(?P<n>\d+(?:\.\d+)?|other|half(?: an?)?|quarter(?: of an?)?) )?"
            rf"(?P<unit>seconds?(?! {WEEKDAY})|minutes?|hours?)",
            _subdaily,
        ),
        Part(
            "every quarter-hour (Danish kvarter, halvtime)",
            rf"{EVERY} (?:(?P<n>\d+|other) )?(?P<unit>quarter-hours?|half-hours?)",
            _subdaily,
        ),
        Part("hourly", rf"{ADVERB}hourly", _hourly),
        Part(
            "every 2nd and 4th tuesday",
            rf"{EVERY} (?P<ranks>{RANKS}) (?P<weekday>{WEEKDAY})",
            _ranked,
        ),
        Part(
            "every first monday",
            rf"{EVERY} (?P<ranks>first|last|1st|3rd|4th|5th) (?P<weekday>{WEEKDAY})",
            _ranked,
        ),
        Part(
            "yearly on day month",
            rf"(?:{EVERY} (?:year (?:on )?(?:the )?)?|{YEARLY} (?:on )?(?:the )?)"
            rf"(?P<day>{DAY}) (?:of )?(?P<month>{MONTH})",
            _yearly,
        ),
        Part(
            "yearly on month day",
            rf"(?:{EVERY} (?:year (?:on )?)?|{YEARLY} (?:on )?)(?P<month>{MONTH}) "
            rf"(?:the )?(?P<day>{DAY})",
            _yearly,
        ),
        Part(
            "yearly on a numeric date",
            rf"(?:{EVERY} (?:year (?:on )?)?|{YEARLY} (?:on )?)(?P<numeric>\d{{1,2}}/\d{{1,2}})",
            _yearly_numeric,
        ),
        Part(
            "every month on the 15th",
            rf"{_MONTHLY} (?:on the |the |on )(?P<day>{DAY}|last days?)(?: of the month)?",
            _monthly_on,
        ),
        Part(
            "the 15th of every month",
            rf"(?:on )?(?:the )?(?P<day>{DAY}|last days?) (?:day )?of {EVERY} "
            r"(?:(?P<n>\d+|other) )?months?",
            _monthly_on,
        ),
        Part(
            "every 15th",
            rf"{EVERY} (?P<day>{ORDINAL}|last days?)(?: {_OF_MONTH})?",
            _monthly_on,
        ),
        Part(
            "weekly on days",
            rf"(?:{EVERY} (?:(?P<n>other|second|\d+) )?weeks?|once a week|weekly"
            rf"|(?P<fortnight>fortnightly|biweekly)) on (?:the )?"
            rf"(?P<days>{WEEKDAY_LIST}|{WEEKDAYS_LIST})",
            _weekly_on,
        ),
        Part(
            "every monday and wednesday",
            rf"{EVERY} (?:(?P<n>other|second|\d+(?:st|nd|rd|th)?) )?(?P<days>{WEEKDAY_LIST})",
            _weekly_on,
        ),
        Part("on mondays", rf"(?:(?:on|every) )?(?P<days>{WEEKDAYS_LIST})", _weekly_on),
        Part(
            "weekdays",
            rf"(?:(?:{EVERY}|on|on all) )?{WORKDAY}s|{EVERY} {WORKDAY}",
            _workdays,
        ),
        Part("weekends", rf"(?:{EVERY}|on) weekends?|weekends", _weekends),
        Part(
            "twice a day",
            r"(?P<times>twice|\d+ times) (?:a|per|each|every) day|(?P<twice>twice) daily",
            _per_day,
        ),
        Part(
            "daily",
            rf"every day|everyday|each day|{ADVERB}daily|every single day|once a day"
            rf"|{ADVERB}nightly"
            rf"|{EVERY} (?P<n>\d+|other) days?|{EVERY} (?P<pod>morning|afternoon|evening|night)",
            _daily,
        ),
        Part(
            "weekly",
            rf"every week|each week|{ADVERB}weekly|once a week|{EVERY} (?P<n>\d+|other) weeks?"
            rf"|{ADVERB}(?P<fortnight>fortnightly|biweekly)",
            _weekly,
        ),
        Part("monthly", _MONTHLY, _monthly),
        Part(
            "yearly",
            rf"every year|each year|{ADVERB}{YEARLY}|{EVERY} (?P<n>\d+|other) years?",
            _yearly_today,
        ),
    ),
)
