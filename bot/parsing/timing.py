"""The times a phrase names: once, a series, or offsets before an event."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from bot.parsing.clock import Clock
from bot.parsing.context import Context, Refused, unsupported
from bot.parsing.forms.offsets import OFFSETS
from bot.parsing.forms.repeats import REC
from bot.parsing.grammar import Scan
from bot.parsing.model import Recurrence, RefusalCode
from bot.parsing.recurrence import occurrences_after, series_end
from bot.parsing.resolve import clocks_of, one_off
from bot.parsing.rules import recurring, several_times


@dataclass(frozen=True, slots=True, kw_only=True)
class Times:
    """The first time, the occurrences to show, and what they come from."""

    when: datetime | None
    occurrences: tuple[datetime, ...] = ()
    recurrence: Recurrence | None = None
    event_at: datetime | None = None
    offsets: tuple[int, ...] = ()


UNTIMED = Times(when=None)  # a status trigger: no time of its own


def times(found: Scan, ctx: Context) -> Times:
    """What the scanned time expressions name; raises ``Refused``."""
    clocks = clocks_of(found, ctx)
    if found.has(OFFSETS):
        return before_event(found, ctx, clocks)
    if found.has(REC) or len(clocks) > 1:
        rec = recurring(found, ctx, clocks) if found.has(REC) else several_times(found, ctx, clocks)
        firsts = tuple(occurrences_after(rec, ctx.now, 3))
        if not firsts:  # "every hour until yesterday": the series ended before it began
            raise Refused(RefusalCode.PAST, series_end(rec))
        return Times(when=firsts[0], occurrences=firsts, recurrence=rec)
    when = one_off(found, ctx, clocks[0] if clocks else None)
    return Times(when=when, occurrences=(when,))


def before_event(found: Scan, ctx: Context, clocks: tuple[Clock, ...]) -> Times:
    """``1 day and 1 hour before Friday 3pm``: the event is the phrase's one-off time
    (at ``clocks``, the phrase's), and each offset counts back from it in real minutes.
    Offsets already past are left out of the occurrences; if none is left the phrase is
    ``past``."""
    hit = found.get(OFFSETS)
    assert hit is not None
    if found.has(REC) or len(clocks) > 1:
        raise unsupported("offsets_repeat")
    offsets = hit.build(ctx)
    try:
        event = one_off(found, ctx, clocks[0] if clocks else None)
    except Refused as refused:
        if refused.code is RefusalCode.PAST:
            raise Refused(RefusalCode.PAST, refused.when, detail="offsets") from None
        raise
    moments = offset_times(event, offsets, ctx.tz)
    ahead = tuple(m for m in moments if m > ctx.now)
    if not ahead:
        raise Refused(RefusalCode.PAST, event, detail="offsets")
    return Times(when=ahead[0], occurrences=ahead, event_at=event, offsets=offsets)


def offset_times(event_at: datetime, offsets: Iterable[int], tz: tzinfo = UTC) -> list[datetime]:
    """The instants ``offsets`` real minutes before ``event_at``, earliest first, each
    once, shown in ``tz``.

    Counted in UTC: subtracting from a zone-aware time counts wall-clock minutes, an hour
    off across a DST change. The scheduler finds an event's due times here too.
    """
    event = event_at.astimezone(UTC)
    return sorted({(event - timedelta(minutes=m)).astimezone(tz) for m in offsets})
