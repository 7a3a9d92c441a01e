"""Value objects of the phrase parser: what was understood, or why not."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal

DateOrder = Literal["MDY", "DMY"]
TargetKind = Literal["me", "user", "channel", "here"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Prefs:
    """What a user has told us that changes how phrases are read.

    Attributes:
        default_time: time of day used when a phrase names a day but no time.
        date_order: ``MDY`` reads ``6/1`` as June 1, ``DMY`` as 6 January.
        language: ``en``, ``da`` or ``None`` to detect from the phrase.
        min_interval: recurrences more frequent than this are refused.
        max_message: longest message accepted, in characters.
        commands: slash command names a phrase may begin with (``/remind``); they are
            configuration (the chat front strips its own before parsing).
    """

    default_time: time = time(9, 0)
    date_order: DateOrder = "MDY"
    language: str | None = None
    min_interval: timedelta = timedelta(minutes=5)
    max_message: int = 4000
    commands: tuple[str, ...] = ("/remind", "/reminder")


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """Who or where a reminder goes.

    ``ref`` is the platform id when one was given (``U123``, ``C123``) or the name.
    """

    kind: TargetKind
    ref: str = ""
    name: str = ""

    def display(self) -> str:
        if self.kind in ("me", "here"):
            return self.kind
        if self.kind == "user":
            return f"@{self.ref}"
        return f"#{self.name or self.ref}"


ME = Target(kind="me")


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    """Tell ``target`` if the reminder is not done ``after_minutes`` after its time."""

    after_minutes: int
    target: Target


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """A reference to an outside record mentioned in the message (``case 123``)."""

    type: str
    id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Recurrence:
    """An RFC 5545 rule anchored at a local start time in an IANA zone.

    Attributes:
        rrule: the rule without DTSTART, e.g. ``FREQ=WEEKLY;BYDAY=FR;BYHOUR=9;BYMINUTE=0``.
        dtstart: the anchor, aware, in ``tz``. For daily and longer rules it is the
            start of the first occurrence's day (INTERVAL counts from it, and the rule
            gives the wall time); hourly and minutely rules count elapsed time from it,
            and it is the first occurrence itself.
        tz: IANA zone name the wall times are in.
    """

    rrule: str
    dtstart: datetime
    tz: str


class RefusalCode(enum.StrEnum):
    NO_TIME = "no_time"
    PAST = "past"
    INVALID_DATE = "invalid_date"
    TOO_FREQUENT = "too_frequent"
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """A phrase that cannot become a reminder, and what was read of it.

    Attributes:
        code: the machine-readable reason (``unsupported``: every part was read, but
            one rule cannot store it as written).
        when: for ``past``, the time that was read.
        detail: what the refusal is about: for ``no_time`` the words that looked like a
            time, for ``invalid_date`` the date order used, for ``unsupported`` which
            part (``except``, ``times_rule`` ...). Never text that could ping anyone.
        hint: the nearest form that works (``in 10 minutes``, ``25/12``), or empty.
    """

    code: RefusalCode
    when: datetime | None = None
    detail: str = ""
    hint: str = ""

    ok: Literal[False] = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A phrase read as a reminder.

    Attributes:
        targets: who or where; at least one.
        message: the text to deliver, cleaned of the time words and status clauses.
        entity: the record the reminder is about or watches (a case, ticket, pull
            request): the one a status clause names, else the one in the message.
        when: the first occurrence, aware, in the user's zone, after now; ``None`` only
            for a status trigger, which has no time of its own.
        recurrence: the rule for a repeating reminder, else ``None``.
        tz: the IANA zone the phrase was read in.
        language: the word table that read it.
        occurrences: the first three of a series, every offset time still ahead of an
            event, the one time of a one-off; empty for a trigger.
        event_at: for offsets before an event (``1 day before Friday 3pm``), the event,
            aware, in the user's zone; else ``None``.
        offsets: minutes before ``event_at``, largest first, each once, including those
            already past (which ``occurrences`` leaves out).
        stop_statuses: statuses of ``entity`` that end the reminder (``until it is
            closed``), lower-case as written; empty for none.
        trigger_status: the status of ``entity`` that fires the reminder (``when case
            123 is closed``), or ``*`` for any change; ``None`` for a timed reminder.
        escalate: whom to tell if an occurrence is not done in time (``and tell @lead
            if it is not done by 11``), in minutes after the occurrence's time.
        until_done: a series that nags (``every 30 minutes until done``): completing
            one of its occurrences ends it.
        channels: the channels the phrase asks for (``email me …``, ``remind me by email
            and chat …``); empty when it names none (the person's default then).
        urgent: the phrase says ``urgent`` (``urgent: …``, ``… (urgent)``).
    """

    targets: tuple[Target, ...]
    message: str
    when: datetime | None
    tz: str
    entity: Entity | None = None
    recurrence: Recurrence | None = None
    language: str = "en"
    occurrences: tuple[datetime, ...] = field(default=())
    event_at: datetime | None = None
    offsets: tuple[int, ...] = ()
    stop_statuses: tuple[str, ...] = ()
    trigger_status: str | None = None
    escalate: tuple[Escalation, ...] = ()
    until_done: bool = False
    channels: tuple[str, ...] = ()
    urgent: bool = False

    ok: Literal[True] = True

    @property
    def target(self) -> Target:
        return self.targets[0]


ParseResult = Command | Refusal
