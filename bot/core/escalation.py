"""Escalation: tell someone when a delivered occurrence is not done in time.

A reminder's ``escalate`` steps (``tell @lead if it is not done by 11``) become, when
one of its occurrences is sent, one reminder row each of kind ``escalation``: due the
step's minutes after the occurrence's due time, aimed at the step's target, watching
that occurrence (``watch_occurrence_id``). The rows ride on the sent ``Outcome``, so
storage inserts them in the transaction that records the delivery: a crash loses both
or neither.

Completing the occurrence cancels its escalations (``Followups.complete`` and
``Changes.complete``); the dispatcher also looks again when one is due and skips it
(reason ``done``) if the watched occurrence was completed or its reminder ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.model import (
    NewReminder,
    Occurrence,
    Reminder,
    ReminderKind,
    ReminderState,
)
from bot.core.ports import ReminderRepository


@dataclass(frozen=True, slots=True, kw_only=True)
class Watched:
    """What an escalation watches: the occurrence and its reminder (``None`` if gone)."""

    reminder: Reminder | None
    occurrence: Occurrence | None
    owner_name: str = ""  # how the platform shows the reminder's owner, if known

    @property
    def done(self) -> bool:
        """Nothing left to escalate: the occurrence was completed, or its reminder was
        deleted or stopped (a series also once completed: Complete ends a nag; a one-off
        is ``completed`` as soon as it is sent, so only its occurrence counts)."""
        rem, occ = self.reminder, self.occurrence
        if rem is None or occ is None or occ.completed_by or rem.deleted_at is not None:
            return True
        if rem.state is ReminderState.CANCELLED:
            return True
        return rem.rrule is not None and rem.state is ReminderState.COMPLETED


def steps_for(rem: Reminder, occ: Occurrence, sent_at: datetime) -> tuple[NewReminder, ...]:
    """The escalation rows a sent occurrence of ``rem`` makes (none for an escalation).

    Each is due ``after_minutes`` after the occurrence's due time, so ``by 11`` of a 9:00
    reminder is 11:00 even if the delivery went out a little late; one that went out
    after that moment (held by quiet hours) gets the whole span from when it was sent.
    """
    if rem.kind is not ReminderKind.REMINDER or not rem.escalate:
        return ()
    steps = []
    for step in rem.escalate:
        after = timedelta(minutes=step.after_minutes)
        due = occ.due_at + after
        if due <= sent_at:
            due = sent_at + after
        steps.append(
            NewReminder(
                owner=rem.owner,
                platform=rem.platform,
                workspace=rem.workspace,
                conversation=rem.conversation,
                target_kind=step.target.kind,
                target_ref=step.target.ref,
                target_name=step.target.name,
                message=rem.message,
                phrase="",
                tz=rem.tz,
                state=ReminderState.SCHEDULED,
                origin=rem.origin,
                next_due=due,
                entity_type=rem.entity_type,
                entity_id=rem.entity_id,
                parent_id=rem.id,
                created_by=rem.owner,
                language=rem.language,
                kind=ReminderKind.ESCALATION,
                watch_occurrence_id=occ.id,
            )
        )
    return tuple(steps)


async def watched(repo: ReminderRepository, claimed: Sequence[Reminder]) -> dict[int, Watched]:
    """What each claimed escalation watches, by the escalation's id (a few reads; only
    escalations are looked up, and they are few beside the reminders of a batch)."""
    found: dict[int, Watched] = {}
    for rem in claimed:
        if rem.kind is not ReminderKind.ESCALATION or rem.watch_occurrence_id is None:
            continue
        occ = await repo.get_occurrence(rem.watch_occurrence_id)
        parent = await repo.get(occ.reminder_id) if occ is not None else None
        owner = await repo.get_user(parent.owner) if parent is not None else None
        name = owner.display_name if owner is not None else ""
        found[rem.id] = Watched(reminder=parent, occurrence=occ, owner_name=name)
    return found
