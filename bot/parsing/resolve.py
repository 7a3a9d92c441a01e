"""Turn the scanned time expressions into the reminder's first time (or a refusal)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.parsing.clock import POD_HOURS, Clock, InvalidTime
from bot.parsing.context import Context, Refused
from bot.parsing.dates import Days
from bot.parsing.durations import read_duration
from bot.parsing.forms.clocks import TIME
from bot.parsing.forms.dates import DATE
from bot.parsing.forms.periods import AGO, DURATION, POD, Pod
from bot.parsing.grammar import Scan
from bot.parsing.model import Prefs, RefusalCode
from bot.parsing.zones import at, elapsed, localize, wall


def clocks_of(sc: Scan, ctx: Context) -> tuple[Clock, ...]:
    hit = sc.get(TIME)
    if hit is None:
        return ()
    try:
        return hit.build(ctx)
    except InvalidTime:
        raise Refused(RefusalCode.INVALID_DATE) from None


def pod_of(sc: Scan, ctx: Context) -> Pod | None:
    hit = sc.get(POD)
    return hit.build(ctx) if hit is not None else None


def one_off(sc: Scan, ctx: Context, clock: Clock | None) -> datetime:
    """The single time a non-recurring phrase names at ``clock``; raises ``Refused``."""
    pod = pod_of(sc, ctx)
    part = pod.name if pod else None
    if (hit := sc.get(AGO)) is not None:
        d = hit.build(ctx)
        raise Refused(RefusalCode.PAST, elapsed(ctx.now, -d.clock, ctx.tz) - d.calendar)
    if (dur := sc.get(DURATION)) is not None:
        when = _after_duration(dur.groups["dur"], clock, ctx)
        if when <= ctx.now:
            raise Refused(RefusalCode.PAST, when)
        return when
    if (day := sc.get(DATE)) is not None:
        return _first_future(day.build(ctx), clock, part, ctx)
    if pod is not None and pod.today:
        return _first_future(Days((ctx.today,)), clock, part, ctx)
    if clock is not None and clock.midnight:
        return at(ctx.today + timedelta(days=1), time(0, 0), ctx.tz)
    if clock is not None or part is not None:
        return _next_time(clock, part, ctx)
    raise Refused(RefusalCode.NO_TIME)


def _after_duration(text: str, clock: Clock | None, ctx: Context) -> datetime:
    d = read_duration(text)
    if not d.has_calendar:
        return elapsed(ctx.now.replace(microsecond=0), d.clock, ctx.tz)
    local = wall(ctx.now, ctx.tz).replace(second=0, microsecond=0) + d.calendar
    if clock is not None:
        c = clock.with_date()
        local = datetime.combine(local.date() + timedelta(days=c.days), time(c.hour, c.minute))
    return elapsed(localize(local, ctx.tz), d.clock, ctx.tz)


def on_day(clock: Clock, pod: str | None) -> Clock:
    """The clock as read with a day: a bare hour in the part of day, else as with a date."""
    return clock.in_part(pod) if pod else clock.with_date()


def time_on_day(clock: Clock | None, pod: str | None, days: Days, prefs: Prefs) -> time:
    if clock is not None:
        c = on_day(clock, pod)
        return time(c.hour, c.minute)
    if pod is not None:
        return time(POD_HOURS[pod], 0)
    return days.clock or prefs.default_time


def _first_future(days: Days, clock: Clock | None, pod: str | None, ctx: Context) -> datetime:
    shift = timedelta(days=_days_after(clock, pod))
    hm = time_on_day(clock, pod, days, ctx.prefs)
    moments = [at(day + shift, hm, ctx.tz) for day in days.days]
    for moment in moments:
        if moment > ctx.now:
            return moment
    raise Refused(RefusalCode.PAST, moments[0])


def _days_after(clock: Clock | None, pod: str | None) -> int:
    """How many days after its date a clock falls: midnight is the start of the next
    day, and a shift may cross midnight (``10 minutes to 12am on Friday`` is Thursday)."""
    if clock is None:
        return 0
    return 1 if clock.midnight else on_day(clock, pod).days


def _next_time(clock: Clock | None, pod: str | None, ctx: Context) -> datetime:
    if clock is None:
        assert pod is not None
        options = [(POD_HOURS[pod], 0)]
    elif pod is not None:
        c = clock.in_part(pod)
        options = [(c.hour, c.minute)]
    else:
        options = clock.candidates()
    best: datetime | None = None
    for hour, minute in options:
        for offset in (0, 1):
            moment = at(ctx.today + timedelta(days=offset), time(hour, minute), ctx.tz)
            if moment > ctx.now:
                best = moment if best is None else min(best, moment)
                break
    assert best is not None
    return best
