"""Turn the scanned time expressions into the reminder's first time (or a refusal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.parsing.clock import POD_HOURS, Clock, pod_of, read_clock, read_duration
from bot.parsing.dates import Days, candidates
from bot.parsing.grammar import Scan
from bot.parsing.model import Prefs, RefusalCode
from bot.parsing.zones import at, elapsed, localize, wall


class Refused(Exception):
    """Internal signal: the phrase is refused with ``code`` (``when`` for ``past``)."""

    def __init__(self, code: RefusalCode, when: datetime | None = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.when = when


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    tz: ZoneInfo
    prefs: Prefs

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


def clock_of(sc: Scan) -> Clock | None:
    g = sc.get("time")
    if g is None:
        return None
    try:
        return read_clock(g)
    except ValueError:
        raise Refused(RefusalCode.INVALID_DATE) from None


def days_of(g: dict[str, str], prefix: str, ctx: Context) -> Days:
    from bot.parsing.dates import InvalidDate, PastDate

    try:
        return candidates(g, prefix, ctx.today, ctx.prefs.date_order)
    except InvalidDate:
        raise Refused(RefusalCode.INVALID_DATE) from None
    except PastDate:
        raise Refused(RefusalCode.PAST) from None


def one_off(sc: Scan, ctx: Context) -> datetime:
    """The single time a non-recurring phrase names; raises ``Refused``."""
    clock = clock_of(sc)
    pod_g = sc.get("pod")
    pod = pod_of(pod_g) if pod_g else None
    if (g := sc.get("ago")) is not None:
        d = read_duration(g["ago"])
        raise Refused(RefusalCode.PAST, elapsed(ctx.now, -d.clock, ctx.tz) - d.calendar)
    if (g := sc.get("dur")) is not None:
        when = _after_duration(g.get("dur") or g["dur2"], clock, ctx)
        if when <= ctx.now:
            raise Refused(RefusalCode.PAST, when)
        return when
    if (g := sc.get("date")) is not None:
        return _first_future(days_of(g, "", ctx), clock, pod, ctx)
    if pod_g is not None and ("podthis" in pod_g or "tonight" in pod_g):
        return _first_future(Days((ctx.today,)), clock, pod, ctx)
    if clock is not None and clock.midnight:
        return at(ctx.today + timedelta(days=1), time(0, 0), ctx.tz)
    if clock is not None or pod is not None:
        return _next_time(clock, pod, ctx)
    raise Refused(RefusalCode.NO_TIME)


def _after_duration(text: str, clock: Clock | None, ctx: Context) -> datetime:
    d = read_duration(text)
    if not d.has_calendar:
        return elapsed(ctx.now.replace(microsecond=0), d.clock, ctx.tz)
    local = wall(ctx.now, ctx.tz).replace(second=0, microsecond=0) + d.calendar
    if clock is not None:
        c = clock.with_date()
        local = datetime.combine(local.date(), time(c.hour, c.minute))
    return elapsed(localize(local, ctx.tz), d.clock, ctx.tz)


def time_on_day(clock: Clock | None, pod: str | None, days: Days, prefs: Prefs) -> time:
    if clock is not None:
        c = clock.in_part(pod) if pod else clock.with_date()
        return time(c.hour, c.minute)
    if pod is not None:
        return time(POD_HOURS[pod], 0)
    return days.clock or prefs.default_time


def _first_future(days: Days, clock: Clock | None, pod: str | None, ctx: Context) -> datetime:
    shift = timedelta(days=1) if clock is not None and clock.midnight else timedelta()
    hm = time_on_day(clock, pod, days, ctx.prefs)
    moments = [at(day + shift, hm, ctx.tz) for day in days.days]
    for moment in moments:
        if moment > ctx.now:
            return moment
    raise Refused(RefusalCode.PAST, moments[0])


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
