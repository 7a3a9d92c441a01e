"""A person's upcoming reminders as an iCalendar feed (RFC 5545), with ``icalendar``.

A series is one event with its RRULE, its DTSTART in the reminder's own zone (TZID, and
the zone's VTIMEZONE in the feed), so a calendar app shows it at the same wall time
across daylight saving changes, as the bot delivers it. Times a series will pass over
(skipped ones, before its next due time) are EXDATEs. A one-off is one event at its next
due time; a reminder at offsets before an event is one event per time still to come.
Events have no duration: a reminder is a moment.

Pure: the reminders and the moment come in, bytes go out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from icalendar import Calendar, Event, vRecur

from bot.core import schedule
from bot.core.model import Reminder
from bot.core.policy import usable_zone

PRODID = "-//remindbot//calendar feed//EN"
MAX_EXDATES = 50  # skipped times listed for one series (a skip passes over one or two)
MAX_OFFSETS = 50  # times still to come of one reminder at offsets before an event


def render(reminders: Sequence[Reminder], now: datetime, name: str) -> bytes:
    """The feed of ``reminders`` (as storage's ``feed_reminders`` selects them), made at
    ``now``; ``name`` is what calendar apps call it (``X-WR-CALNAME``)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for rem in reminders:
        for event in _events(rem, now):
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _events(rem: Reminder, now: datetime) -> list[Event]:
    if rem.next_due is None:
        return []
    tz = usable_zone(rem.tz)
    rec = schedule.recurrence(rem)
    if rec is not None:
        event = _event(rem, f"reminder-{rem.id}@remindbot", rec.dtstart.astimezone(tz), now)
        event.add("rrule", vRecur.from_ical(rec.rrule.removeprefix("RRULE:")))
        for skipped in _passed_over(rem, now):
            event.add("exdate", skipped.astimezone(tz))
        return [event]
    times = [rem.next_due]
    if rem.event_at is not None and rem.offsets:
        times += schedule.following(rem, rem.next_due, MAX_OFFSETS)
    uid = f"reminder-{rem.id}@remindbot"
    return [
        _event(rem, uid if i == 0 else _uid(rem, when), when.astimezone(tz), now)
        for i, when in enumerate(times)
    ]


def _uid(rem: Reminder, when: datetime) -> str:
    """One event's UID among a reminder's several times: stable while it is to come."""
    return f"reminder-{rem.id}-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}@remindbot"


def _event(rem: Reminder, uid: str, start: datetime, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("summary", rem.message or f"#{rem.number}")
    return event


def _passed_over(rem: Reminder, now: datetime) -> list[datetime]:
    """The series' times from now to its next one that it will not deliver (its next
    nominal time: a delivery deferred by quiet hours is still at its own time)."""
    upcoming = rem.occurrence_due or rem.next_due
    assert upcoming is not None
    first = schedule.next_after(rem, now)
    if first is None or first >= upcoming:
        return []  # the usual case, found with one step of the rule
    found = []
    for when in schedule.following(rem, now, MAX_EXDATES):
        if when >= upcoming:
            break
        found.append(when)
    return found
