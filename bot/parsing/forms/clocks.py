"""Clock times: ``9am``, ``17:30``, ``at 1715``, ``quarter to midnight``, ``at 9 and 5pm``.

Each part builds the clock times it names (one, or several for a list).
"""

from __future__ import annotations

import re

from bot.parsing.clock import (
    Clock,
    InvalidTime,
    digits_clock,
    meridiem_clock,
    plain_clock,
    shifted,
)
from bot.parsing.context import Context
from bot.parsing.dates import EOD
from bot.parsing.durations import clock_minutes
from bot.parsing.parts import USED, Groups, Kind, Part, plain
from bot.parsing.vocab import AMOUNT, MONTH, WEEKDAY

Clocks = tuple[Clock, ...]
AT = r"(?:(?:at|around|by) )"
_ANCHOR = r"(?:(?P<hour>\d{1,2})(?: (?P<meridiem>am|pm|oclock))?|(?P<named>noon|midday|midnight))"
_OFFSET = (
    rf"(?P<offset>{AMOUNT} (?:minutes?|hours?)(?: and an? half)?|half|(?:a )?quarter"
    r"|\d quarters|\d{1,2})"
)
_BEFORE_A_DAY = (
    r"(?= (?:tomorrow|today|tonight|(?:this|in the) (?:morning|afternoon|evening)"
    rf"|(?:on |next |this )?{WEEKDAY}|next))"
)
# What "X before Y" stays as a clock time: one offset of minutes or hours before a bare
# hour, "N o'clock", noon, midday or midnight ("half an hour before noon" is 11:30).
CLOCK_BEFORE = plain(
    rf"{_OFFSET} before (?:\d{{1,2}}(?: oclock)?+|noon|midday|midnight)(?! am| pm)(?!\S)"
)


def _one(read: Clock) -> Clocks:
    return (read,)


def _relative(g: Groups, ctx: Context) -> Clocks:
    sign = -1 if g["rel"] in ("to", "before", "till") else 1
    if "named" in g:
        anchor = _named(g["named"], sign)
    else:
        anchor = meridiem_clock(int(g["hour"]), 0, g.get("meridiem"))
    return _one(shifted(anchor, sign * _offset(g["offset"])))


def _named(word: str, sign: int) -> Clock:
    """Noon, or the midnight on the side the offset counts from: ``to midnight`` counts
    back from the end of the day (23:45 that day), ``past midnight`` on from its start."""
    if word != "midnight":
        return Clock(hour=12, minute=0)
    return Clock(hour=0, minute=0, days=1 if sign < 0 else 0)


def _offset(text: str) -> int:
    if text == "half":
        return 30
    if text.endswith("quarter"):
        return 15
    if text.endswith("quarters"):
        return 15 * int(text[0])
    if text.isdigit():
        if int(text) > 59:
            raise InvalidTime(text)
        return int(text)
    return clock_minutes(text)


def _meridiem(g: Groups, ctx: Context) -> Clocks:
    return _one(meridiem_clock(int(g["hour"]), int(g.get("minute", 0)), g.get("meridiem")))


def _digits(g: Groups, ctx: Context) -> Clocks:
    return _one(digits_clock(g["digits"], g.get("meridiem")))


def _colon(g: Groups, ctx: Context) -> Clocks:
    return _one(plain_clock(g["hour"], int(g["minute"])))


def _hour(g: Groups, ctx: Context) -> Clocks:
    return _one(plain_clock(g["hour"], int(g.get("minute", 0))))


def _word(g: Groups, ctx: Context) -> Clocks:
    if g["named"] == "midnight":
        return _one(Clock(hour=0, minute=0, midnight=True))
    return _one(Clock(hour=12, minute=0))


def _end_of_day(g: Groups, ctx: Context) -> Clocks:
    return _one(Clock(hour=EOD.hour, minute=EOD.minute))


SINGLE: tuple[Part[Clocks], ...] = (
    Part(
        "quarter/half/minutes past or to",
        rf"{AT}?{_OFFSET} (?P<rel>past|after|to|before|till) {_ANCHOR}",
        _relative,
    ),
    Part(
        "hour with am/pm",
        rf"{AT}?(?P<hour>\d{{1,2}})(?:[:.](?P<minute>\d{{2}}))? (?P<meridiem>am|pm)",
        _meridiem,
    ),
    Part("3-4 digits with am/pm", rf"{AT}?(?P<digits>\d{{3,4}}) (?P<meridiem>am|pm)", _digits),
    Part("o'clock", rf"{AT}?(?P<hour>\d{{1,2}}) oclock(?: (?P<meridiem>am|pm))?", _meridiem),
    Part("hh:mm", rf"{AT}?(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})", _colon),
    Part("noon, midday, midnight", rf"{AT}?(?:12 )?(?P<named>noon|midday|midnight)", _word),
    Part(
        "end of day",
        rf"{AT}?(?:the )?(?:end of (?:the )?(?:work ?)?day|eod|close of business)",
        _end_of_day,
    ),
    Part("at + hour", r"(?:at|around|by) (?P<hour>\d{1,2})(?:\.(?P<minute>\d{2}))?", _hour),
    Part("at + 3-4 digits", r"(?:at|around|by) (?P<digits>\d{3,4})", _digits),
    Part("hour before a day", rf"(?P<hour>\d{{1,2}}){_BEFORE_A_DAY}", _hour),
)
_ONE = Kind("clock", SINGLE)

_BARE = r"\d{1,2}(?:[:.]\d{2})?|\d{3,4}"
# A bare number ends a list only where a time can end ("at 9 and 5 to call", not "... 5 people").
_BARE_END = (
    rf"(?:{_BARE})(?=$| (?:to|about|that|on|in|every|each|tomorrow|today|tonight|this|next"
    rf"|for|until|from|{USED}|{WEEKDAY}|{MONTH}|[,.:;()!-]))"
)
_ITEM = rf"(?:{_ONE.plain}|{_BARE})"
_LAST = rf"(?:{_ONE.plain}|{_BARE_END})"
_SPLIT = re.compile(r"(?: ,)? and | , ")


def _listed(g: Groups, ctx: Context) -> Clocks:
    return tuple(_item(text, ctx) for text in _SPLIT.split(g["list"]))


def _item(text: str, ctx: Context) -> Clock:
    hit = _ONE.whole(text)
    if hit is not None:
        return hit.build(ctx)[0]
    if ":" in text or "." in text:
        hour, minute = re.split(r"[:.]", text)
        return plain_clock(hour, int(minute))
    return digits_clock(text) if len(text) > 2 else plain_clock(text, 0)


TIME: Kind[Clocks] = Kind(
    "time",
    (
        Part(
            "list of times",
            rf"(?:at |by )(?P<list>{_ITEM}(?: , {_ITEM}){{0,4}}(?: ,)? and {_LAST})",
            _listed,
        ),
        Part(
            "list of am/pm times",
            rf"(?P<list>{_ONE.plain}(?: , {_ONE.plain}){{0,4}}(?: ,)? and {_ONE.plain})",
            _listed,
        ),
        *SINGLE,
    ),
)
