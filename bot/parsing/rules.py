"""Build a recurrence (RRULE + anchor) from the scanned expressions.

Besides the recurrences people name (``every Monday``), a one-off phrase with several
times (``tomorrow at 9 and 5pm``) becomes a counted daily rule, so that every time it
names is kept; times that one rule cannot hold (09:30 and 17:00) are refused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from bot.parsing.clock import Clock
from bot.parsing.context import Context, Refused, unsupported
from bot.parsing.dates import Days
from bot.parsing.forms.bounds import BOUND, EXCEPT, START, Bound
from bot.parsing.forms.dates import DATE
from bot.parsing.forms.periods import AGO, DURATION
from bot.parsing.forms.repeats import REC, Repeat
from bot.parsing.grammar import Scan
from bot.parsing.model import Recurrence, RefusalCode
from bot.parsing.recurrence import WEEKDAY_CODES, Rule, first_after, occurrences_after
from bot.parsing.resolve import on_day, one_off, pod_of, time_on_day
from bot.parsing.zones import at, elapsed, wall


def recurring(sc: Scan, ctx: Context, clocks: tuple[Clock, ...]) -> Recurrence:
    """The recurrence a phrase names at ``clocks`` (its times of day, as ``clocks_of``
    reads them), anchored at its first occurrence; raises ``Refused``."""
    hit = sc.get(REC)
    assert hit is not None
    if sc.has(DATE) or sc.has(DURATION) or sc.has(AGO):
        # "every Monday at 9 and Tuesday at 10": a date the rule has no room for.
        raise unsupported("date_in_repeat")
    repeat = hit.build(ctx)
    bound = _bound(sc, ctx)
    if repeat.rule.subdaily:
        return _elapsed_series(repeat.rule, bound, ctx)
    rule = _with_times(_left_out(repeat.rule, sc, ctx), repeat, clocks, sc, ctx)
    rule = _with_bound(rule, bound, ctx)
    start = _start_day(sc, ctx)
    first = first_after(rule, at(start, time(0, 0), ctx.tz), max(ctx.now, _midnight(start, ctx)))
    if first is not None and bound.days is not None:
        rule = replace(rule, until=first.date() + timedelta(days=bound.days - 1))
    if first is None or (rule.until is not None and first.date() > rule.until):
        raise Refused(RefusalCode.PAST, first)
    return Recurrence(rrule=rule.text(), dtstart=_anchor(rule, first, ctx), tz=str(ctx.tz))


def several_times(sc: Scan, ctx: Context, clocks: tuple[Clock, ...]) -> Recurrence:
    """``tomorrow at 9 and 5pm``: one counted daily rule that fires at each time."""
    # A bare hour in a list is read as with a date (9 -> 09:00, 5 -> 17:00), as in
    # "twice a day at 9 and 5", unless a part of day says which half it is.
    pod = pod_of(sc, ctx)
    dated = clocks if pod else tuple(c.with_date() for c in clocks)
    moments = sorted({one_off(sc, ctx, clock) for clock in dated})
    # The rule holds the times as written: a time in a spring-forward gap (02:30) is
    # placed at the end of the gap (03:00) by the rule itself, as in ``_with_times``.
    times = [_time_of(clock, pod.name if pod else None, ctx) for clock in dated]
    rule = _timed(Rule(freq="DAILY", count=len(moments)), [(t.hour, t.minute) for t in times])
    first_day = wall(moments[0], ctx.tz).date()
    for dtstart in (at(first_day, time(0, 0), ctx.tz), moments[0]):
        rec = Recurrence(rrule=rule.text(), dtstart=dtstart, tz=str(ctx.tz))
        if occurrences_after(rec, ctx.now, len(moments) + 1) == moments:
            return rec
    raise unsupported("times_days")


_TICK = timedelta(microseconds=1)


def _midnight(day: date, ctx: Context) -> datetime:
    return at(day, time(0, 0), ctx.tz) - _TICK


def _anchor(rule: Rule, first: datetime, ctx: Context) -> datetime:
    """Where the series starts: the start of the first occurrence's day, since its
    nominal wall time may not exist (02:30 on a spring-forward day) and INTERVAL counts
    from the anchor.

    A counted rule with several times a day must not count the day's times already
    past, so it starts where the series from the anchor begins with ``first``: at
    ``first`` itself, else at the start of its day (``first`` is the day's first time,
    moved out of a gap), else just before ``first`` (a later time moved out of a gap).
    """
    day = at(first.date(), time(0, 0), ctx.tz)
    if rule.count is None or len(rule.hours) * len(rule.minutes) == 1:
        return day
    before = elapsed(first, -timedelta(minutes=1), ctx.tz)
    for start in (first, day, before):
        if start.date() == first.date() and first_after(rule, start, start - _TICK) == first:
            return start
    return first


def _bound(sc: Scan, ctx: Context) -> Bound:
    hit = sc.get(BOUND)
    return hit.build(ctx) if hit is not None else Bound()


def _left_out(rule: Rule, sc: Scan, ctx: Context) -> Rule:
    """``every weekday except Friday``: the rule's days without the ones left out."""
    hit = sc.get(EXCEPT)
    if hit is None:
        return rule
    left_out = hit.build(ctx)
    days: tuple[str, ...]
    if rule.freq == "DAILY" and rule.interval == 1:
        days = WEEKDAY_CODES
    elif rule.freq == "WEEKLY" and rule.byday and rule.byday[0] in WEEKDAY_CODES:
        days = rule.byday
    else:
        raise unsupported("except_rule")
    kept = tuple(d for d in days if d not in left_out)
    if not kept:
        raise unsupported("except_all")
    return replace(rule, freq="WEEKLY", byday=kept)


def _with_times(
    rule: Rule, repeat: Repeat, clocks: tuple[Clock, ...], sc: Scan, ctx: Context
) -> Rule:
    pod = pod_of(sc, ctx)
    part = repeat.pod or (pod.name if pod else None)
    if repeat.per_day is not None and len(clocks) != repeat.per_day:
        raise unsupported("per_day", hint=str(repeat.per_day))
    if any(on_day(clock, part).days for clock in clocks):
        # "every Friday at 10 minutes to 12am" is Thursdays at 23:50: not the named days.
        raise unsupported("shift_day")
    times = [_time_of(clock, part, ctx) for clock in clocks] or [_time_of(None, part, ctx)]
    return _timed(rule, [(t.hour, t.minute) for t in times])


def _time_of(clock: Clock | None, part: str | None, ctx: Context) -> time:
    if clock is not None and clock.midnight:
        return time(0, 0)
    return time_on_day(clock, part, Days(()), ctx.prefs)


def _timed(rule: Rule, pairs: list[tuple[int, int]]) -> Rule:
    """BYHOUR and BYMINUTE for ``pairs``; refused when their pairings would add times."""
    hours = tuple(sorted({h for h, _ in pairs}))
    minutes = tuple(sorted({m for _, m in pairs}))
    if len(hours) * len(minutes) != len(set(pairs)):
        raise unsupported("times_rule")
    return replace(rule, hours=hours, minutes=minutes)


def _with_bound(rule: Rule, bound: Bound, ctx: Context) -> Rule:
    if bound.count is not None:
        return replace(rule, count=bound.count)
    if bound.until is not None:
        return replace(rule, until=bound.until)
    if bound.weeks or bound.months or bound.years:
        step = relativedelta(weeks=bound.weeks, months=bound.months, years=bound.years)
        return replace(rule, until=ctx.today + step)
    return rule


def _start_day(sc: Scan, ctx: Context) -> date:
    hit = sc.get(START)
    return hit.build(ctx) if hit is not None else ctx.today


def _elapsed_series(rule: Rule, bound: Bound, ctx: Context) -> Recurrence:
    if rule.step < ctx.prefs.min_interval:
        raise Refused(RefusalCode.TOO_FREQUENT)
    first = elapsed(ctx.now.replace(microsecond=0), rule.step, ctx.tz)
    rule = _with_bound(rule, bound, ctx)
    if bound.days is not None:
        rule = replace(rule, until=first.date() + timedelta(days=bound.days - 1))
    return Recurrence(rrule=rule.text(), dtstart=first, tz=str(ctx.tz))
