"""Build a recurrence (RRULE + first occurrence) from the scanned expressions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from bot.parsing.clock import MONTHS, POD_HOURS, WEEKDAYS, amount, ordinal, pod_of
from bot.parsing.dates import Days
from bot.parsing.grammar import Scan
from bot.parsing.model import Recurrence, RefusalCode
from bot.parsing.recurrence import WEEKDAY_CODES, Rule, first_after, sort_days
from bot.parsing.resolve import Context, Refused, clock_of, days_of, time_on_day
from bot.parsing.zones import at, elapsed

_WORKDAYS = ("MO", "TU", "WE", "TH", "FR")


def recurring(sc: Scan, ctx: Context) -> Recurrence:
    """The recurrence a phrase names, anchored at its first occurrence; raises ``Refused``."""
    g = sc.found["rec"]
    rule = _subdaily(g) or _calendar(g, ctx)
    if rule.subdaily:
        return _elapsed_series(rule, sc, ctx)
    rule = _with_time(rule, g, sc, ctx)
    rule = _with_bound(rule, sc, ctx)
    start = _start_day(sc, ctx)
    first = first_after(rule, at(start, time(0, 0), ctx.tz), max(ctx.now, _midnight(start, ctx)))
    if first is None or (rule.until is not None and first.date() > rule.until):
        raise Refused(RefusalCode.PAST, first)
    # Anchor at the start of the first occurrence's day: its nominal wall time may not
    # exist (02:30 on a spring-forward day), and INTERVAL counts from the anchor.
    return Recurrence(
        rrule=rule.text(), dtstart=at(first.date(), time(0, 0), ctx.tz), tz=str(ctx.tz)
    )


def _midnight(day: date, ctx: Context) -> datetime:
    return at(day, time(0, 0), ctx.tz) - timedelta(microseconds=1)


def _interval(word: str | None) -> int:
    if not word:
        return 1
    if word in ("other", "second", "2nd"):
        return 2
    step = ordinal(word) if word[-2:] in ("st", "nd", "rd", "th") else int(word)
    if step < 1:
        raise Refused(RefusalCode.TOO_FREQUENT)
    return step


def _subdaily(g: dict[str, str]) -> Rule | None:
    if "rsh" in g:
        return Rule(freq="HOURLY")
    if "rsu" not in g:
        return None
    unit = g["rsu"].rstrip("s")
    word = g.get("rsn", "1")
    qty = 2.0 if word == "other" else 0.25 if word.startswith("quarter") else amount(word)
    seconds = qty * {"second": 1, "minute": 60, "hour": 3600}[unit]
    if seconds % 3600 == 0 and seconds >= 3600:
        return Rule(freq="HOURLY", interval=int(seconds // 3600))
    if seconds % 60 == 0 and seconds >= 60:
        return Rule(freq="MINUTELY", interval=int(seconds // 60))
    return Rule(freq="SECONDLY", interval=max(1, int(seconds)))


def _days(text: str) -> tuple[str, ...]:
    found = [WEEKDAY_CODES[WEEKDAYS.index(w.rstrip("s"))] for w in _words(text)]
    return sort_days(found)


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w.rstrip("s") in WEEKDAYS]


def _calendar(g: dict[str, str], ctx: Context) -> Rule:
    today = ctx.today
    for pos, wd in (("rpos", "rpwd"), ("rpos2", "rpwd2")):
        if pos in g:
            return Rule(freq="MONTHLY", byday=(f"{ordinal(g[pos])}{_days(g[wd])[0]}",))
    for key in ("rmd", "rmd2", "rmd3", "rmd4"):
        if key in g:
            return Rule(freq="MONTHLY", bymonthday=_valid_day(ordinal(g[key]), 0))
    if (yearly := _yearly(g, ctx)) is not None:
        return yearly
    for key, wi in (("rwl", "rwi"), ("rwl2", "rwi3"), ("rwl3", "")):
        if key in g:
            step = 2 if "rfort1" in g else _interval(g.get(wi))
            return Rule(freq="WEEKLY", interval=step, byday=_days(g[key]))
    if "rwork" in g or "rwork2" in g:
        return Rule(freq="WEEKLY", byday=_WORKDAYS)
    if "rwkend" in g or "rwkend2" in g:
        return Rule(freq="WEEKLY", byday=("SA", "SU"))
    if "rdaily" in g or "rdi" in g or "rdpod" in g:
        return Rule(freq="DAILY", interval=_interval(g.get("rdi")))
    if "rweekly" in g or "rwki" in g or "rfort" in g:
        step = 2 if "rfort" in g else _interval(g.get("rwki"))
        return Rule(freq="WEEKLY", interval=step, byday=(WEEKDAY_CODES[today.weekday()],))
    if "rmonthly" in g or "rmoi" in g:
        return Rule(freq="MONTHLY", interval=_interval(g.get("rmoi")), bymonthday=today.day)
    step = _interval(g.get("ryi"))
    return Rule(freq="YEARLY", interval=step, bymonth=today.month, bymonthday=today.day)


def _yearly(g: dict[str, str], ctx: Context) -> Rule | None:
    for d, m in (("ryd1", "rym1"), ("ryd2", "rym2")):
        if d in g:
            month = MONTHS.index(g[m]) + 1
            return Rule(freq="YEARLY", bymonth=month, bymonthday=_valid_day(ordinal(g[d]), month))
    if "rynum" in g:
        a, b = (int(x) for x in g["rynum"].split("/"))
        month, day = (b, a) if ctx.prefs.date_order == "DMY" else (a, b)
        if not 1 <= month <= 12:
            raise Refused(RefusalCode.INVALID_DATE)
        return Rule(freq="YEARLY", bymonth=month, bymonthday=_valid_day(day, month))
    return None


def _valid_day(day: int, month: int) -> int:
    longest = 31 if month == 0 else (date(2024, month, 1) + relativedelta(day=31)).day
    if not 1 <= day <= longest:
        raise Refused(RefusalCode.INVALID_DATE)
    return day


def _with_time(rule: Rule, g: dict[str, str], sc: Scan, ctx: Context) -> Rule:
    clock = clock_of(sc)
    pod_g = sc.get("pod")
    pod = g.get("rdpod") or (pod_of(pod_g) if pod_g else None)
    if clock is not None and clock.midnight:
        hm = time(0, 0)
    elif clock is None and pod is not None:
        hm = time(POD_HOURS[pod], 0)
    else:
        hm = time_on_day(clock, pod, Days(()), ctx.prefs)
    return replace(rule, hour=hm.hour, minute=hm.minute)


def _with_bound(rule: Rule, sc: Scan, ctx: Context) -> Rule:
    g = sc.get("bound")
    if g is None:
        return rule
    if "bc" in g:
        return replace(rule, count=max(1, int(g["bc"])))
    if "bn" in g:
        qty = max(1, int(amount(g["bn"])))
        unit = g["bu"].rstrip("s")
        weeks = {"day": 0, "week": qty, "fortnight": 2 * qty}
        step = relativedelta(
            days=qty if unit == "day" else 0,
            weeks=weeks.get(unit, 0),
            months=qty if unit == "month" else 0,
            years=qty if unit == "year" else 0,
        )
        return replace(rule, until=ctx.today + step)
    days = days_of(g, "b", ctx)
    return replace(rule, until=next((d for d in days.days if d >= ctx.today), days.days[0]))


def _start_day(sc: Scan, ctx: Context) -> date:
    g = sc.get("start")
    if g is None:
        return ctx.today
    days = days_of(g, "s", ctx)
    return next((d for d in days.days if d >= ctx.today), days.days[0])


def _elapsed_series(rule: Rule, sc: Scan, ctx: Context) -> Recurrence:
    if rule.step < ctx.prefs.min_interval:
        raise Refused(RefusalCode.TOO_FREQUENT)
    rule = _with_bound(rule, sc, ctx)
    first = elapsed(ctx.now.replace(microsecond=0), rule.step, ctx.tz)
    return Recurrence(rrule=rule.text(), dtstart=first, tz=str(ctx.tz))
