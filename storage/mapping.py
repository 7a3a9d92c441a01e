"""Rows to core values and back. Core never sees an ORM object."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import Column, Row

from bot.core.model import (
    Destination,
    Escalation,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Origin,
    Reminder,
    ReminderKind,
    ReminderState,
    TargetKind,
    UserPrefs,
)
from storage.models import REMINDERS, USERS, OccurrenceRow, ReminderRow, UserRow

_REMINDER_FIELDS = tuple(f.name for f in fields(Reminder))
# Every column a Reminder is made of, in field order: RETURNING these gives rows that
# reminder_from_row turns into Reminders without an ORM object in between.
REMINDER_COLUMNS: tuple[Column[Any], ...] = tuple(REMINDERS.c[name] for name in _REMINDER_FIELDS)
_PREFS_FIELDS = tuple(f.name for f in fields(UserPrefs) if f.name != "key")
# The columns a UserPrefs is made of, key first: what the dispatcher reads of each
# recipient (prefs_from_row), and nothing else of the row.
PREFS_COLUMNS: tuple[Column[Any], ...] = (USERS.c.key, *(USERS.c[n] for n in _PREFS_FIELDS))

# What save() writes back; the rest (who, where, origin, lineage, created_*) is fixed.
CHANGEABLE = (
    "state",
    "next_due",
    "occurrence_due",
    "message",
    "target_kind",
    "target_ref",
    "target_name",
    "rrule",
    "dtstart",
    "tz",
    "entity_type",
    "entity_id",
    "draft_expires_at",
    "deleted_at",
    "phrase",
    "attempts",
    "co_targets",
    "event_at",
    "offsets",
    "stop_statuses",
    "trigger_status",
    "channels",
    "event_type",
    "language",
    "kind",
    "urgent",
    "escalate",
    "until_done",
    "webhook_url",
    "watch_occurrence_id",
    "digest_empty",
)
_TUPLES = ("offsets", "stop_statuses", "channels")


def to_reminder(row: ReminderRow) -> Reminder:
    return _reminder({name: getattr(row, name) for name in _REMINDER_FIELDS})


def reminder_from_row(row: Row[Any]) -> Reminder:
    """A Reminder from a Core row of ``REMINDER_COLUMNS`` (in field order, by position:
    cheaper than ``Row._asdict``, which the dispatcher would pay for every claimed row)."""
    return _reminder(dict(zip(_REMINDER_FIELDS, row, strict=True)))


# Enum members by value: a dict lookup, where calling the enum costs a Python call each.
_STATES = {member.value: member for member in ReminderState}
_ORIGINS = {member.value: member for member in Origin}
_TARGET_KINDS = {member.value: member for member in TargetKind}
_KINDS = {member.value: member for member in ReminderKind}
_OCCURRENCE_STATES = {member.value: member for member in OccurrenceState}


def _reminder(values: dict[str, Any]) -> Reminder:
    values["state"] = _STATES[values["state"]]
    values["origin"] = _ORIGINS[values["origin"]]
    values["target_kind"] = _TARGET_KINDS[values["target_kind"]]
    values["kind"] = _KINDS[values["kind"]]
    values["escalate"] = tuple(
        Escalation(
            after_minutes=after, target=Destination(kind=TargetKind(kind), ref=ref, name=name)
        )
        for after, kind, ref, name in values["escalate"] or ()
    )
    values["co_targets"] = tuple(
        Destination(kind=TargetKind(kind), ref=ref, name=name)
        for kind, ref, name in values["co_targets"] or ()
    )
    for name in _TUPLES:
        values[name] = tuple(values[name] or ())
    return Reminder(**values)


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Enums as their values and targets as JSON lists, as the columns hold them."""
    for name in ("state", "origin", "target_kind", "kind"):
        if name in values:
            values[name] = str(values[name])  # a StrEnum, or already its value
    if "co_targets" in values:
        targets = values["co_targets"]
        values["co_targets"] = [[t.kind.value, t.ref, t.name] for t in targets] or None
    if "escalate" in values:
        steps = values["escalate"]
        values["escalate"] = [
            [s.after_minutes, s.target.kind.value, s.target.ref, s.target.name] for s in steps
        ] or None
    for name in _TUPLES:
        if name in values:
            values[name] = list(values[name]) or None
    return values


def new_reminder_values(new: NewReminder) -> dict[str, Any]:
    values = _columns({f.name: getattr(new, f.name) for f in fields(NewReminder)})
    values["occurrence_due"] = new.next_due
    return values


def changed_values(reminder: Reminder) -> dict[str, Any]:
    """What ``save`` writes. The number is only ever given back (a draft cancelled), never
    set: storage hands numbers out at insert, so a stale value cannot take one again."""
    values = _columns({name: getattr(reminder, name) for name in CHANGEABLE})
    if reminder.number is None:
        values["number"] = None
    return values


def to_occurrence(row: OccurrenceRow | Row[Any], completed_by: tuple[str, ...] = ()) -> Occurrence:
    return Occurrence(
        dismissed_at=row.dismissed_at,
        id=row.id,
        reminder_id=row.reminder_id,
        due_at=row.due_at,
        state=_OCCURRENCE_STATES[row.state],
        attempts=row.attempts,
        claimed_at=row.claimed_at,
        sent_at=row.sent_at,
        message_ref=row.message_ref,
        error=row.error,
        completed_by=completed_by,
    )


def to_prefs(row: UserRow | Row[Any]) -> UserPrefs:
    values = {name: getattr(row, name) for name in _PREFS_FIELDS}
    values["channels"] = tuple(values["channels"] or ())
    values["own"] = tuple(values["own"] or ())
    return UserPrefs(key=row.key, **values)


def prefs_from_row(row: Row[Any]) -> UserPrefs:
    """A UserPrefs from a Core row of ``PREFS_COLUMNS`` (by position, as reminders)."""
    values: dict[str, Any] = dict(zip(_PREFS_FIELDS, row[1:], strict=True))
    values["channels"] = tuple(values["channels"] or ())
    values["own"] = tuple(values["own"] or ())
    return UserPrefs(key=row[0], **values)


def prefs_values(prefs: UserPrefs) -> dict[str, Any]:
    values = {name: getattr(prefs, name) for name in _PREFS_FIELDS}
    values["channels"] = list(prefs.channels) or None
    values["own"] = list(prefs.own) or None
    return values
