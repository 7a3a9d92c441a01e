"""What the confirmation says: the time read, the recurrence in words, or why not.

Pure text from parse results. Nothing here repeats raw user text except the message
itself, which callers escape for their platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from bot.parsing.clock import WEEKDAYS
from bot.parsing.model import Command, Prefs, Recurrence, Refusal, RefusalCode
from bot.parsing.recurrence import WEEKDAY_CODES
from bot.parsing.zones import zone

EXAMPLES = (
    "remind me tomorrow at 9am to call Bo",
    "remind me in 2 hours to stretch",
    "remind #ops every Monday at 10:00 about the standup",
)
_HALF_DAY = 12 * 3600
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}


def moment(when: datetime) -> str:
    """``Friday 27 November 2026 at 09:00``."""
    return f"{when:%A} {when.day} {when:%B %Y} at {when:%H:%M}"


def how_soon(when: datetime, now: datetime) -> tuple[int, int, int]:
    """How far ``when`` is from ``now``, as a person counts it: ``(days, 0, 0)`` by
    dates from the next day on (more than half a day away), else ``(0, hours, minutes)``
    of real time (also across midnight or a DST change)."""
    seconds = (when.astimezone(UTC) - now.astimezone(UTC)).total_seconds()
    days = (when.date() - now.astimezone(when.tzinfo).date()).days
    if days > 1 or (days == 1 and seconds >= _HALF_DAY):
        return days, 0, 0
    hours, minutes = divmod(max(0, round(seconds / 60)), 60)
    return 0, hours, minutes


def relative(when: datetime, now: datetime) -> str:
    """``in 4 days``, ``tomorrow``, ``in 2 hours 5 minutes``."""
    days, hours, minutes = how_soon(when, now)
    if days:
        return "tomorrow" if days == 1 else f"in {days} days"
    if hours and minutes:
        return f"in {_plural(hours, 'hour')} {_plural(minutes, 'minute')}"
    if hours:
        return f"in {_plural(hours, 'hour')}"
    return f"in {_plural(minutes, 'minute')}" if minutes else "in less than a minute"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(cmd: Command, now: datetime) -> str:
    """The one line a confirmation leads with."""
    if cmd.when is None:
        head = trigger_words(cmd)
    else:
        head = f"{moment(cmd.when)} ({cmd.tz}), {relative(cmd.when, now)}"
        if cmd.recurrence is not None:
            head = f"{rule_words(cmd.recurrence)}; first {head}"
        elif cmd.event_at is not None:
            head = f"{offset_words(cmd)}; first {head}"
    if cmd.stop_statuses:
        head += f"; {stop_words(cmd)}"
    return f"{head} \u2014 {cmd.message}" if cmd.message else head


def offset_words(cmd: Command) -> str:
    """``1 day and 1 hour before Friday 27 November 2026 at 15:00``."""
    if cmd.event_at is None:
        return ""
    return before_words(cmd.offsets, cmd.event_at, cmd.tz)


def before_words(offsets: Sequence[int], event_at: datetime, tz: str) -> str:
    """Offsets in minutes before an event, as a person says them."""
    return f"{spans_words(offsets)} before {moment(event_at.astimezone(zone(tz)))}"


def spans_words(offsets: Sequence[int]) -> str:
    """``[1500, 60]`` -> ``1 day 1 hour and 1 hour``."""
    return _join([_span(m) for m in offsets])


def trigger_words(cmd: Command) -> str:
    """``when case 123 is closed``, ``when case 123 changes status``."""
    record = _record(cmd)
    if cmd.trigger_status in (None, "*"):
        return f"when {record} changes status"
    return f"when {record} is {cmd.trigger_status}"


def stop_words(cmd: Command) -> str:
    """``until case 123 is closed or resolved``."""
    statuses = list(cmd.stop_statuses)
    words = statuses[0] if len(statuses) == 1 else ", ".join(statuses[:-1]) + " or " + statuses[-1]
    return f"until {_record(cmd)} is {words}"


def _record(cmd: Command) -> str:
    return f"{cmd.entity.type} {cmd.entity.id}" if cmd.entity else "the record"


def _span(minutes: int) -> str:
    """``1500`` -> ``1 day 1 hour``; ``0`` -> ``0 minutes``."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        _plural(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (mins, "minute")) if n
    ]
    return " ".join(parts) or "0 minutes"


def rule_words(rec: Recurrence) -> str:
    """``every weekday at 09:00, until 1 June``."""
    parts = dict(p.split("=", 1) for p in rec.rrule.split(";"))
    text = _frequency(parts)
    if "BYHOUR" in parts:
        text += f" at {_times(parts['BYHOUR'], parts.get('BYMINUTE', '0'))}"
    if "UNTIL" in parts:
        end = date(int(parts["UNTIL"][:4]), int(parts["UNTIL"][4:6]), int(parts["UNTIL"][6:8]))
        year = f" {end.year}" if end.year != rec.dtstart.year else ""
        text += f", until {end.day} {end:%B}{year}"
    if "COUNT" in parts:
        text += f", {_plural(int(parts['COUNT']), 'time')}"
    return text


def _times(hours: str, minutes: str) -> str:
    """``9,17`` and ``0`` -> ``09:00 and 17:00``."""
    pairs = [(int(h), int(m)) for h in hours.split(",") for m in minutes.split(",")]
    return _join([f"{h:02d}:{m:02d}" for h, m in sorted(pairs)])


def _frequency(parts: dict[str, str]) -> str:
    n = int(parts.get("INTERVAL", "1"))
    freq = parts["FREQ"]
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        unit = {"HOURLY": "hour", "MINUTELY": "minute", "SECONDLY": "second"}[freq]
        return f"every {unit}" if n == 1 else f"every {n} {unit}s"
    if freq == "DAILY":
        return {1: "every day", 2: "every other day"}.get(n, f"every {n} days")
    if freq == "WEEKLY":
        return _weekly(parts.get("BYDAY", ""), n)
    if freq == "MONTHLY":
        return _monthly(parts, n)
    month = date(2000, int(parts["BYMONTH"]), 1)
    return f"every year on {int(parts['BYMONTHDAY'])} {month:%B}"


def _weekly(byday: str, n: int) -> str:
    days = byday.split(",") if byday else []
    if days == ["MO", "TU", "WE", "TH", "FR"] and n == 1:
        return "every weekday"
    if days == ["SA", "SU"] and n == 1:
        return "every weekend"
    names = _join([WEEKDAYS[WEEKDAY_CODES.index(d)].capitalize() for d in days])
    if n == 1:
        return f"every {names}"
    return f"every other {names}" if n == 2 else f"every {n} weeks on {names}"


def _monthly(parts: dict[str, str], n: int) -> str:
    every = {1: "every month", 2: "every other month", 3: "every quarter"}.get(
        n, f"every {n} months"
    )
    if "BYMONTHDAY" in parts:
        day = int(parts["BYMONTHDAY"])
        return f"{every} on the {'last day' if day == -1 else _ordinal(day)}"
    if "BYSETPOS" in parts:
        rank = _ORDINAL_WORDS.get(int(parts["BYSETPOS"]), parts["BYSETPOS"])
        return f"{every} on the {rank} weekday"
    codes = parts["BYDAY"].split(",")
    ranks = _join([_ORDINAL_WORDS.get(int(c[:-2]), _ordinal(int(c[:-2]))) for c in codes])
    name = WEEKDAYS[WEEKDAY_CODES.index(codes[0][-2:])].capitalize()
    return f"every {ranks} {name} of the month" if n == 1 else f"{every} on the {ranks} {name}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_UNSUPPORTED = {
    "except": "I could not read what comes after \u201cexcept\u201d: I can leave out days of "
    "the week (\u201cexcept Friday\u201d, \u201cexcept weekends\u201d), nothing else.",
    "except_rule": "I can leave days out only of a daily or weekly repeat, like "
    "\u201cevery weekday except Friday\u201d.",
    "except_all": "That leaves out every day the reminder repeats on.",
    "times_rule": "Those times cannot share one repeat: I can keep several times only when "
    "they have the same minutes (like 9:30 and 17:30). Set one reminder for each time.",
    "times_days": "Those times cannot share one repeat. Set one reminder for each time.",
    "shift_day": "That time falls on another day than the one it is counted from (10 "
    "minutes to 12am is 23:50 the day before), which a repeat cannot follow. Write the time "
    "itself, like \u201cevery Thursday at 23:50\u201d.",
    "date_in_repeat": "I read a repeat and also a date or time that does not fit into it. "
    "Say when it starts with \u201cstarting \u2026\u201d, or set one reminder for each.",
    "offsets_repeat": "Reminders before an event count back from one event at one time: "
    "they cannot repeat or share several times. Set one reminder for each event.",
    "offsets_unit": "Reminders before an event can be minutes, hours, days or weeks before "
    "it, like \u201c1 day and 1 hour before Friday 3pm\u201d; months and years have no "
    "fixed length.",
    "trigger_time": "A reminder on a status change fires when the record changes, so it "
    "takes no time or repeat of its own. Leave the time out, or put the message in quotes "
    "if \u201cwhen \u2026\u201d is part of it.",
    "trigger_statuses": "A reminder on a status change watches one status (\u201cwhen case "
    "123 is closed\u201d) or any change (\u201cwhen case 123 changes status\u201d).",
    "two_records": "The phrase names two different records to watch; one reminder can "
    "watch one record.",
    # -- escalation and nags
    "escalate_time": "\u201cIf it is not done by \u2026\u201d counts from the reminder's "
    "time, and this one has none: say how long instead, like \u201cif it is not done "
    "within 2 hours\u201d.",
    "escalate_clock": "I could not read the time after \u201cnot done by\u201d: write it "
    "like \u201cby 11\u201d, \u201cby 11:30\u201d or \u201cby 5pm\u201d.",
    "until_done_repeat": "\u201cUntil done\u201d keeps a repeating reminder coming until "
    "someone completes it: say how often, like \u201cevery 30 minutes until done\u201d.",
}
_RECORDS = "a case, ticket, task or issue"
_ORDERS = ("day/month", "month/day")


def refusal_text(refusal: Refusal, tz: str, prefs: Prefs | None = None) -> str:
    """The sentence a user gets for a refused phrase, with examples where they help."""
    code = refusal.code
    if code is RefusalCode.PAST:
        when = refusal.when.astimezone(zone(tz)) if refusal.when else None
        if refusal.detail == "offsets":
            read = f" I read the event as {moment(when)} ({tz})." if when else ""
            return f"Every time before that event has already passed.{read} Give me times ahead."
        read = f" I read it as {moment(when)} ({tz})." if when else ""
        return f"That time has already passed.{read} Give me a time in the future."
    if code is RefusalCode.INVALID_DATE:
        return _invalid(refusal)
    if code is RefusalCode.TOO_FREQUENT:
        limit = (prefs or Prefs()).min_interval // timedelta(minutes=1)
        return f"That repeats too often: the shortest interval is every {limit} minutes."
    if code is RefusalCode.TOO_LONG:
        limit = (prefs or Prefs()).max_message
        return f"That message is too long: keep it under {limit:,} characters."
    if code is RefusalCode.UNSUPPORTED:
        return f"{_unsupported(refusal)} Nothing was saved."
    return _no_time(refusal)


def _invalid(refusal: Refusal) -> str:
    text = "That date or time does not exist (like 30 February or 25:00). Please check it."
    if refusal.hint and refusal.detail in _ORDERS:
        text += f" Your date order is {refusal.detail}: did you mean {refusal.hint}?"
    return text


def _unsupported(refusal: Refusal) -> str:
    if refusal.detail == "per_day":
        n = refusal.hint
        times = "twice" if n == "2" else f"{n} times"
        return (
            f"\u201c{times.capitalize()} a day\u201d needs {n} times of day, like "
            f"\u201ctwice a day at 9 and 17\u201d."
        )
    if refusal.detail == "stop_entity":
        status = refusal.hint or "closed"
        return (
            f"\u201cUntil it is {status}\u201d needs the record it watches: name {_RECORDS}, "
            f"like \u201cuntil case 123 is {status}\u201d."
        )
    if refusal.detail == "trigger_entity":
        status = "changes status" if refusal.hint in ("", "*") else f"is {refusal.hint}"
        return (
            f"A reminder on a status change needs the record it watches: name {_RECORDS}, "
            f"like \u201cwhen case 123 {status}\u201d."
        )
    return _UNSUPPORTED.get(refusal.detail, "I could not store that as one reminder.")


def _no_time(refusal: Refusal) -> str:
    if refusal.detail and refusal.hint:
        return (
            f"I could not find a time in that: \u201c{refusal.detail}\u201d looks like one, "
            f"but I could not read it. Try for example \u201c{refusal.hint}\u201d."
        )
    examples = "; ".join(f"\u201c{e}\u201d" for e in EXAMPLES)
    return f"I could not find a time in that. Try for example: {examples}."
