"""Core values -> the API's answers. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.api.models import (
    AuditOut,
    EntityOut,
    EscalateOut,
    OccurrenceOut,
    ReminderOut,
    TargetOut,
)
from bot.core import schedule
from bot.core.model import AuditLine, Occurrence, Reminder


def reminder(rem: Reminder, now: datetime, skipped: Sequence[datetime] = ()) -> ReminderOut:
    entity = (
        EntityOut(type=rem.entity_type, id=rem.entity_id)
        if rem.entity_type and rem.entity_id
        else None
    )
    return ReminderOut(
        id=rem.id,
        state=rem.state.value,
        owner=rem.owner,
        target=TargetOut(
            kind=rem.target_kind.value,
            id=rem.target_ref,
            name=rem.target_name,
            platform=rem.platform,
        ),
        message=rem.message,
        entity=entity,
        event_type=rem.event_type,
        tz=rem.tz,
        next_due=rem.next_due,
        occurrences=_coming(rem, now),
        rrule=rem.rrule,
        dtstart=rem.dtstart,
        event_at=rem.event_at,
        offsets=list(rem.offsets),
        stop_when=list(rem.stop_statuses),
        trigger=rem.trigger_status,
        channels=list(rem.channels),
        webhook_url=rem.webhook_url,
        escalate=[
            EscalateOut(
                after_minutes=step.after_minutes,
                to=TargetOut(
                    kind=step.target.kind.value,
                    id=step.target.ref,
                    name=step.target.name,
                    platform=rem.platform,
                ),
            )
            for step in rem.escalate
        ],
        until_done=rem.until_done,
        kind=rem.kind.value,
        urgent=rem.urgent,
        created_at=rem.created_at,
        deleted_at=rem.deleted_at,
        skipped=[t.astimezone(UTC) for t in skipped],
    )


def _coming(rem: Reminder, now: datetime) -> list[datetime]:
    """Its next three times (the first is its next due time)."""
    if rem.next_due is None or rem.deleted_at is not None:
        return []
    found = [rem.next_due, *schedule.following(rem, rem.next_due, 2)]
    return [t.astimezone(UTC) for t in found]  # every time in answers is UTC


def occurrence(occ: Occurrence) -> OccurrenceOut:
    return OccurrenceOut(
        id=occ.id,
        due_at=occ.due_at,
        state=occ.state.value,
        attempts=occ.attempts,
        sent_at=occ.sent_at,
        error=occ.error,
        completed_by=list(occ.completed_by),
        dismissed_at=occ.dismissed_at,
    )


def audit(line: AuditLine) -> AuditOut:
    channel = (line.detail or {}).get("channel")
    return AuditOut(
        at=line.at,
        actor=line.actor,
        action=line.action,
        channel=None if channel is None else str(channel),
        detail=line.detail,
    )
