"""Dates: ``tomorrow``, ``June 1st``, ``on 9th``, ``thursday of next week``, ``the last
Sunday of June``, ``end of next week``. Each part builds the candidate days it names."""

from __future__ import annotations

from datetime import date

from bot.parsing.clock import MONTHS, WEEKDAYS, ordinal
from bot.parsing.context import Context
from bot.parsing.dates import (
    Days,
    add_months,
    month_day,
    named,
    nth_weekday,
    numeric,
    ordinal_day,
    relative_day,
    weekday,
    weekday_day,
)
from bot.parsing.parts import USED, Groups, Kind, Part
from bot.parsing.vocab import DAY, MONTH, ORDINAL, RANK, WEEKDAY, YEAR

ON = r"(?:(?:on|for|by|before|this coming) )?"
# A day number alone ("the 4th", "on the second") ends where a time phrase can end, so
# that "the 4th chapter" and "the second floor" stay in the message.
_ENDS = rf"(?=$| (?:to|about|that|at|by|in|for|from|until|and|,|\.|:|!|-|\(|\)|{USED}))"
_YEAR = rf"(?: (?:, )?(?P<year>{YEAR}))?"
_WHICH = rf"(?P<which>next month|this month|the month|{MONTH})"
_WEEK = r"(?:next week|this week|the week after next|week after next)"
_NAMED = (
    r"end of (?:the )?week|eow|end of next week|end of (?:the )?month|eom|end of next month"
    r"|end of (?:the )?year|next week|next month|next year|the week after next|week after next"
    r"|(?:this |the |next )?weekend"
)


def _month(name: str) -> int:
    return MONTHS.index(name) + 1


def _nth_weekday(g: Groups, ctx: Context) -> Days:
    which, today = g["which"], ctx.today
    this_month = today.replace(day=1)
    if which in MONTHS:
        year = int(g["year"]) if "year" in g else today.year
        months = [date(y, _month(which), 1) for y in range(year, year + (1 if "year" in g else 3))]
    else:
        months = [add_months(this_month, 1 if which == "next month" else 0)]
    days = nth_weekday(ordinal(g["rank"]), WEEKDAYS.index(g["weekday"]), months)
    return Days(days)


def _day_month(g: Groups, ctx: Context) -> Days:
    year = int(g["year"]) if "year" in g else None
    return Days(month_day(year, _month(g["month"]), ordinal(g["day"]), ctx.today))


def _numeric(g: Groups, ctx: Context) -> Days:
    return Days(numeric(g["numeric"], ctx.today, ctx.prefs.date_order))


def _relative(g: Groups, ctx: Context) -> Days:
    return relative_day(g["relative"], ctx.today)


def _weekday_the_nth(g: Groups, ctx: Context) -> Days:
    day, which = ordinal(g["day"]), g.get("which", "")
    if which in MONTHS or which == "next month":
        return Days(ordinal_day(day, which, ctx.today))
    return Days(weekday_day(day, WEEKDAYS.index(g["weekday"]), ctx.today))


def _the_nth(g: Groups, ctx: Context) -> Days:
    return Days(ordinal_day(ordinal(g["day"]), g.get("which", ""), ctx.today))


def _weekday(g: Groups, ctx: Context) -> Days:
    week = g.get("week") or g.get("pre", "")
    return weekday(WEEKDAYS.index(g["weekday"]), g.get("mod", ""), week, ctx.today)


def _last_day(g: Groups, ctx: Context) -> Days:
    """The days of ``end of (next) month``, at the default time rather than its 17:00."""
    return Days(named("end of next month" if "which" in g else "end of month", ctx.today).days)


def _named(g: Groups, ctx: Context) -> Days:
    return named(g["named"], ctx.today)


DATE: Kind[Days] = Kind(
    "date",
    (
        Part(
            "the nth weekday of a month",
            rf"{ON}(?:the )?(?P<rank>{RANK}) (?P<weekday>{WEEKDAY}) (?:of|in) "
            rf"(?P<which>{MONTH}|next month|this month){_YEAR}",
            _nth_weekday,
        ),
        Part(
            "day month",
            rf"{ON}(?:{WEEKDAY} (?:, )?)?(?:the )?(?P<day>{DAY}) (?:of )?(?P<month>{MONTH}){_YEAR}",
            _day_month,
        ),
        Part(
            "month day",
            rf"{ON}(?:{WEEKDAY} (?:, )?)?(?P<month>{MONTH}) (?:the )?(?P<day>{DAY}){_YEAR}",
            _day_month,
        ),
        Part(
            "numeric date",
            rf"{ON}(?P<numeric>\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
            r"|\d{1,2}\.\d{1,2}\.\d{2,4})",
            _numeric,
        ),
        Part(
            "tomorrow, today",
            rf"{ON}(?P<relative>(?:the )?day after tomorrow|(?:the )?day before yesterday"
            r"|tomorrow|today|yesterday)",
            _relative,
        ),
        Part(
            "weekday the nth",
            rf"{ON}(?P<weekday>{WEEKDAY}) (?:, )?the (?P<day>{ORDINAL})(?: (?:of )?{_WHICH})?",
            _weekday_the_nth,
        ),
        Part("the nth", rf"{ON}the (?P<day>{ORDINAL})(?: (?:of )?{_WHICH}|{_ENDS})", _the_nth),
        Part(
            "on the first, on the second",
            rf"(?:on|by|for|before|until) the (?P<day>first|second)"
            rf"(?: (?:of )?{_WHICH}|{_ENDS})",
            _the_nth,
        ),
        Part(
            "on 9th", rf"(?:on|by|for|before) (?P<day>{ORDINAL})(?: of {_WHICH}|{_ENDS})", _the_nth
        ),
        Part("9th of next month", rf"(?P<day>{ORDINAL}) of {_WHICH}", _the_nth),
        Part(
            "next month on the 9th",
            rf"(?P<which>next month|this month) (?:on )?the (?P<day>{DAY})",
            _the_nth,
        ),
        Part(
            "weekday, this or next week",
            rf"{ON}(?:(?P<mod>this coming|this|next|coming|last) |(?P<pre>{_WEEK}) (?:on )?)?"
            rf"(?P<weekday>{WEEKDAY})(?: (?:of |, |on )?(?P<week>{_WEEK}|after next))?",
            _weekday,
        ),
        Part(
            "the last day of the month",
            rf"{ON}(?:the )?last days? of (?:the |this |(?P<which>next) )?month",
            _last_day,
        ),
        Part(
            "end of week, next week, weekend",
            rf"{ON}(?:(?:at|until) )?(?:the )?(?P<named>{_NAMED})",
            _named,
        ),
    ),
)
