"""When a reminder is due: its series (an RRULE in its zone), or its offsets before an
event, or once. The dispatcher and the use cases ask here, never the rule directly."""

from __future__ import annotations

from datetime import datetime

from bot.core.model import NewReminder
from bot.parsing import Recurrence, occurrences_after
from bot.parsing import offset_times as offset_times  # the instants, as the parser reads them


def recurrence(rem: NewReminder) -> Recurrence | None:
    if rem.rrule is None or rem.dtstart is None:
        return None
    return Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz)


def following(rem: NewReminder, after: datetime, count: int = 1) -> list[datetime]:
    """The next ``count`` times strictly after ``after`` (empty for a one-off)."""
    if rem.event_at is not None and rem.offsets:
        return [t for t in offset_times(rem.event_at, rem.offsets) if t > after][:count]
    rec = recurrence(rem)
    return list(occurrences_after(rec, after, count)) if rec is not None else []


def next_after(rem: NewReminder, after: datetime) -> datetime | None:
    found = following(rem, after)
    return found[0] if found else None


def repeats(rem: NewReminder) -> bool:
    """Whether it has more than one time (a series, or several offsets)."""
    return rem.rrule is not None or len(rem.offsets) > 1
