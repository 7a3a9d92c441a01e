"""Reminders before an event: ``1 day and 1 hour before Friday 3pm``, ``30 minutes before
the meeting at 14:00 tomorrow``.

The part reads the durations and the word ``before``; the event is the phrase's time,
read by the other kinds, at least part of it after ``before`` (``grammar.read`` leaves
the durations in the message when no time follows them). Each amount is its own
offset: ``1 day and 1 hour`` is two reminders, a day and an hour before.
"""

from __future__ import annotations

from bot.parsing.context import Context, unsupported
from bot.parsing.durations import Duration, each_duration
from bot.parsing.forms.clocks import CLOCK_BEFORE
from bot.parsing.parts import Groups, Kind, Part
from bot.parsing.vocab import DURATION

_MINUTES_A_DAY = 24 * 60
_LIST = rf"{DURATION}(?:(?: ,)?(?: and)? {DURATION}){{0,7}}"


def _minutes(d: Duration) -> int:
    """A duration in whole minutes; months, years and odd seconds have no fixed count."""
    cal = d.calendar
    seconds = d.clock.total_seconds()
    if cal.months or cal.years or seconds % 60:
        raise unsupported("offsets_unit")
    return cal.days * _MINUTES_A_DAY + int(seconds // 60)


def _offsets(g: Groups, ctx: Context) -> tuple[int, ...]:
    """The offsets in minutes, largest first, each once."""
    return tuple(sorted({_minutes(d) for d in each_duration(g["offsets"])}, reverse=True))


OFFSETS: Kind[tuple[int, ...]] = Kind(
    "offsets",
    (
        Part(
            "durations before an event",
            # Not a duration of "in 2 hours", not the clock time "half an hour before
            # noon", not "the day before yesterday".
            rf"(?<!in )(?<!within )(?<!after )(?!{CLOCK_BEFORE})"
            rf"(?P<offsets>{_LIST}) before(?! yesterday)(?= \S)",
            _offsets,
        ),
    ),
)
