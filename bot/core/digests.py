"""Digests: one message, on the days a person chose, listing that day's reminders.

A digest is a reminder row of kind ``digest`` with a daily or weekly RRULE in its owner's
zone, to their DM. Being a reminder, it is claimed and delivered exactly once across
replicas like any occurrence, and its local time stays put across DST changes
(``schedule.next_after``). What it says is built when it is delivered, not when it was
set: the dispatcher calls ``compose``, which reads the day's reminders at that moment.
A day with nothing due is skipped (``None``) unless the digest says "even when empty".

This module holds the pure parts (the plan, its rule, reading a phrase), the use case
behind the chat command and the REST API (``Digests``), and the composer (``compose``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from bot.core import schedule
from bot.core.commands import clock
from bot.core.errors import InvalidRequest
from bot.core.model import (
    NewReminder,
    Occurrence,
    Origin,
    Reminder,
    ReminderKind,
    ReminderState,
    Reply,
    TargetKind,
    UserRef,
)
from bot.core.policy import usable_zone
from bot.core.ports import Clock, ReminderRepository
from bot.core.texts import Texts
from bot.core.tokens import is_system

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # the API's names
WEEKDAYS = DAY_CODES[:5]
MAX_LINES = 50  # a digest lists at most this many; the rest are counted
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestPlan:
    """When a digest comes: a local time on some days of the week (codes ``MO``..``SU``)."""

    at: time
    days: tuple[str, ...] = DAY_CODES
    even_when_empty: bool = False

    def __post_init__(self) -> None:
        if not self.days or any(d not in DAY_CODES for d in self.days):
            raise ValueError(f"not days of the week: {self.days!r}")
        object.__setattr__(self, "days", tuple(d for d in DAY_CODES if d in self.days))

    @property
    def rrule(self) -> str:
        """``FREQ=DAILY`` for every day, else ``FREQ=WEEKLY;BYDAY=…``; at the local time."""
        at = f"BYHOUR={self.at.hour};BYMINUTE={self.at.minute}"
        if self.days == DAY_CODES:
            return f"FREQ=DAILY;{at}"
        return f"FREQ=WEEKLY;BYDAY={','.join(self.days)};{at}"

    @property
    def day_names(self) -> list[str]:
        return [DAY_NAMES[DAY_CODES.index(d)] for d in self.days]


def plan_of(rem: Reminder) -> DigestPlan:
    """The plan a stored digest was made from (its RRULE read back)."""
    parts = dict(p.split("=", 1) for p in (rem.rrule or "").split(";") if "=" in p)
    days = tuple(parts["BYDAY"].split(",")) if "BYDAY" in parts else DAY_CODES
    at = time(int(parts.get("BYHOUR", "0")), int(parts.get("BYMINUTE", "0")))
    return DigestPlan(at=at, days=days, even_when_empty=rem.digest_empty)


# -- reading "every weekday at 8am" (English) and "hver hverdag kl 8" (Danish) ------------

_CLOCK = r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?"
_AT = re.compile(rf"(?:^|\s)(?:at|kl\.?|klokken)\s*{_CLOCK}(?=\s|$)|(?:^|\s){_CLOCK}(?=\s|$)")
_EMPTY = re.compile(
    r"(?:,\s*)?\b(?:even|also|selv|også)\s+(?:when|if|on|når|hvis|på)\s+"
    r"(?:it(?:'s|\u2019s|\s+is)\s+|there(?:'s|\u2019s|\s+is)\s+nothing|det\s+er\s+|den\s+er\s+)?"
    r"(?:empty|empty\s+days|nothing(?:\s+is\s+due)?|tom|tomt|tomme\s+dage)\b"
)
_SKIP = frozenset(
    ("every", "each", "on", "and", "or", "the", "in", "a", "of", ",", "&")
    + ("hver", "hvert", "alle", "på", "om", "og", "eller")
)
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DA_DAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def _day_words() -> dict[str, tuple[str, ...]]:
    words: dict[str, tuple[str, ...]] = {}
    for code, en, da in zip(DAY_CODES, _EN_DAYS, _DA_DAYS, strict=True):
        for word in (en, en + "s", en[:3], en[:3] + "s", da, da + "e", da + "en", da[:3]):
            words[word] = (code,)
    for word in ("weekday", "weekdays", "workday", "workdays", "hverdag", "hverdage"):
        words[word] = WEEKDAYS
    for word in ("day", "days", "daily", "dag", "dage", "dagligt", "daglig"):
        words[word] = DAY_CODES
    for word in ("weekend", "weekends", "weekenden", "weekender"):
        words[word] = DAY_CODES[5:]
    return words


_DAY_WORDS = _day_words()
# The API's day names: "mon" or "monday".
_API_DAYS = {
    **dict(zip(DAY_NAMES, DAY_CODES, strict=True)),
    **dict(zip(_EN_DAYS, DAY_CODES, strict=True)),
}


def read_plan(text: str, default_time: time) -> DigestPlan:
    """The plan a phrase's schedule part names (``every weekday at 8am``,
    ``on mondays and thursdays at 9 even when empty``, ``hver hverdag kl 8``).

    No days named is every day; no time named is the person's default time. Raises
    ``InvalidRequest("digest_format")`` for words it cannot read as days or a time.
    """
    low = " ".join(text.lower().replace(",", " , ").split())
    empty = _EMPTY.search(low)
    if empty is not None:
        low = (low[: empty.start()] + " " + low[empty.end() :]).strip()
    at = default_time
    found = list(_AT.finditer(low))
    if len(found) > 1:
        raise InvalidRequest("digest_format")
    if found:
        m = found[0]
        groups = m.groups()[:3] if m.group(1) is not None else m.groups()[3:]
        if m.group(1) is None and groups[1] is None and groups[2] is None:
            raise InvalidRequest("digest_format")  # a bare number ("every 2 days") is no time
        read = clock(*groups)
        if read is None:
            raise InvalidRequest("digest_format")
        at = read
        low = (low[: m.start()] + " " + low[m.end() :]).strip()
    days: list[str] = []
    for word in low.split():
        if word in _SKIP:
            continue
        if word not in _DAY_WORDS:
            raise InvalidRequest("digest_format")
        days += _DAY_WORDS[word]
    return DigestPlan(at=at, days=tuple(days) or DAY_CODES, even_when_empty=empty is not None)


def plan_from_api(at: str, days: str | Sequence[str], even_when_empty: bool) -> DigestPlan:
    """The plan of ``PUT /users/me/digest``: ``08:00``; ``weekdays``, ``daily`` or day names."""
    m = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", at.strip())
    read = clock(m.group(1), m.group(2), None) if m else None
    if read is None:
        raise InvalidRequest("digest_time", at=at)
    if isinstance(days, str):
        named = {"weekdays": WEEKDAYS, "daily": DAY_CODES, "weekends": DAY_CODES[5:]}
        if days.lower() not in named:
            raise InvalidRequest("digest_days")
        codes = named[days.lower()]
    else:
        names = _API_DAYS
        if not 0 < len(days) <= len(DAY_CODES) or any(d.lower() not in names for d in days):
            raise InvalidRequest("digest_days")
        codes = tuple(names[d.lower()] for d in days)
    return DigestPlan(at=read, days=codes, even_when_empty=even_when_empty)


# -- the use case ----------------------------------------------------------------------------


class Digests:
    """Set, read and stop a person's digest (one each: a new one replaces the old)."""

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.wake = wake

    async def set(
        self, person: UserRef, plan: DigestPlan, *, tz: str, phrase: str = "", origin: Origin
    ) -> Reminder:
        """Make ``plan`` the person's digest, in their zone ``tz``, replacing any other."""
        if is_system(person):
            raise InvalidRequest("digest_system")
        now = self.clock.now()
        zone = usable_zone(tz)
        midnight = datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)
        new = NewReminder(
            owner=person.key,
            platform=person.platform,
            workspace=person.workspace,
            conversation="",
            target_kind=TargetKind.ME,
            target_ref="",
            target_name="",
            message="",
            phrase=phrase,
            tz=tz,
            state=ReminderState.SCHEDULED,
            origin=origin,
            next_due=None,
            rrule=plan.rrule,
            dtstart=midnight,
            created_by=person.key,
            kind=ReminderKind.DIGEST,
            digest_empty=plan.even_when_empty,
        )
        due = schedule.next_after(new, now)
        assert due is not None  # a daily or weekly rule without an end always has one
        made = await self.repo.replace_digest(replace(new, next_due=due), now)
        if self.wake is not None:
            self.wake(due)
        return made

    async def get(self, person: UserRef) -> Reminder | None:
        return await self.repo.digest_of(person.key)

    async def stop(self, person: UserRef) -> Reminder:
        """End the person's digest; ``InvalidRequest("no_digest")`` if they have none."""
        stopped = await self.repo.stop_digest(person.key, self.clock.now())
        if stopped is None:
            raise InvalidRequest("no_digest")
        return stopped


# -- what a digest says when it is delivered ---------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DayItem:
    """One line of a digest: when (UTC) and which reminder."""

    at: datetime
    reminder: Reminder


def day_bounds(rem: Reminder, occ: Occurrence) -> tuple[datetime, datetime]:
    """The local day of the occurrence in the digest's zone, as UTC instants [start, end)."""
    zone = usable_zone(rem.tz)
    day = occ.due_at.astimezone(zone).date()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def day_items(found: Sequence[Reminder], start: datetime, end: datetime) -> list[DayItem]:
    """Every time in [start, end) at which one of ``found`` is due, in order.

    A one-off counts at its pending time; a series or offsets at each of its times in
    the day from its pending one on (what a skip passed over is not listed).
    """
    items: list[DayItem] = []
    for rem in found:
        pending = rem.occurrence_due or rem.next_due
        if pending is None or pending >= end:
            continue
        if schedule.repeats(rem):
            first = max(start, pending) - _TICK  # ``following`` is strictly after
            times = schedule.following(rem, first, count=300)
        else:
            times = [pending]
        items += [DayItem(at=t, reminder=rem) for t in times if start <= t < end]
    return sorted(items, key=lambda item: (item.at, item.reminder.id))


async def compose(
    repo: ReminderRepository,
    rem: Reminder,
    occ: Occurrence,
    tx: Texts,
    worded: Mapping[str, str] | None = None,
) -> Reply | None:
    """The digest of ``occ``'s day for its owner, or ``None`` when the day is empty and
    the digest is not sent on empty days (the dispatcher records it ``skipped``)."""
    start, end = day_bounds(rem, occ)
    found = await repo.day_reminders(rem.owner_ref, start, end)
    items = day_items(found, start, end)
    if not items and not rem.digest_empty:
        return None
    listed = [(item.at, item.reminder) for item in items]
    return tx.digest(rem, occ, listed, MAX_LINES, worded)
