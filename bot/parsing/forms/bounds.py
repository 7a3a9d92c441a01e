"""What only a recurrence has: its bound (``until June 1``, ``6x``, ``for the next 5 days``),
its start (``starting Monday``) and the days it leaves out (``except Friday``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.parsing.context import Context, Refused, unsupported
from bot.parsing.dates import Days
from bot.parsing.durations import amount
from bot.parsing.forms.dates import DATE
from bot.parsing.forms.repeats import WORKDAYS, day_codes
from bot.parsing.model import RefusalCode
from bot.parsing.parts import USED, Groups, Kind, Part
from bot.parsing.vocab import AMOUNT, WEEKDAY_LIST, WEEKDAYS_LIST, WORKDAY

_EXCEPT = r"(?:, )?(?:except|but not|excluding|apart from|other than|save for)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Bound:
    """The end of a series: a count, a last day, or a number of days from the first."""

    count: int | None = None
    until: date | None = None
    days: int | None = None
    weeks: int = 0
    months: int = 0
    years: int = 0


def read_date(text: str, ctx: Context) -> Days:
    """A date embedded in another expression (``until June 1``)."""
    hit = DATE.whole(text)
    if hit is None:  # the embedding pattern is DATE's own, so this cannot happen
        raise Refused(RefusalCode.INVALID_DATE)
    return hit.build(ctx)


def first_ahead(days: Days, ctx: Context) -> date:
    return next((d for d in days.days if d >= ctx.today), days.days[0])


def _until(g: Groups, ctx: Context) -> Bound:
    return Bound(until=first_ahead(read_date(g["date"], ctx), ctx))


def _for(g: Groups, ctx: Context) -> Bound:
    qty = max(1, int(amount(g["n"])))
    unit = g["unit"].removesuffix("s")
    if unit == "day":
        return Bound(days=qty)
    weeks = {"week": qty, "fortnight": 2 * qty}.get(unit, 0)
    return Bound(
        weeks=weeks, months=qty if unit == "month" else 0, years=qty if unit == "year" else 0
    )


def _times(g: Groups, ctx: Context) -> Bound:
    return Bound(count=max(1, int(g["n"])))


def _start(g: Groups, ctx: Context) -> date:
    return first_ahead(read_date(g["date"], ctx), ctx)


def _left_out(g: Groups, ctx: Context) -> tuple[str, ...]:
    days = g["days"]
    if days.startswith("weekend"):
        return ("SA", "SU")
    return day_codes(days) or WORKDAYS


def _unread_exception(g: Groups, ctx: Context) -> tuple[str, ...]:
    raise unsupported("except")


BOUND: Kind[Bound] = Kind(
    "bound",
    (
        Part(
            "until a date",
            r"(?:until|through|up to|ending(?: on)?|till) (?:and including )?"
            rf"(?P<date>{DATE.plain})",
            _until,
        ),
        Part(
            "for 3 weeks, for the next 5 days",
            rf"for (?:the next )?(?P<n>{AMOUNT}) (?P<unit>days?|weeks?|fortnights?|months?|years?)",
            _for,
        ),
        Part("5 times", r"(?:for )?(?P<n>\d+) times", _times),
        Part("6x", r"(?P<n>\d+)x", _times),
    ),
)
START: Kind[date] = Kind(
    "start",
    (
        Part(
            "starting on a date",
            r"(?:starting|beginning|from|starting on|starting from) (?:on )?"
            rf"(?P<date>{DATE.plain})",
            _start,
        ),
    ),
)
EXCEPT: Kind[tuple[str, ...]] = Kind(
    "except",
    (
        Part(
            "except friday, except weekends",
            rf"{_EXCEPT} (?:on )?(?:the )?(?:for )?"
            rf"(?P<days>{WEEKDAY_LIST}|{WEEKDAYS_LIST}|weekends?|{WORKDAY}s?)",
            _left_out,
        ),
        Part("except something else", rf"(?<={USED} ){_EXCEPT}", _unread_exception),
    ),
)
