"""Digests in storage: a person's one digest row, and the reminders a digest lists.

A digest is a reminder row of kind ``digest`` (bot/core/digests.py). The partial unique
index ``uq_reminders_one_digest`` (owner, where live) keeps one per person. On PostgreSQL
a transaction lock per owner makes replicas setting one person's digest at once take
turns, each ending the one before; should two still collide, the index refuses the second
insert and it is retried, ending the first one's instead.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, and_, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.model import NewReminder, Reminder, ReminderKind, ReminderState, UserRef
from storage.base import Store
from storage.mapping import new_reminder_values, to_reminder
from storage.models import AuditRow, ReminderRow

log = logging.getLogger(__name__)
ATTEMPTS = 8
_PG_LOCK = text("SELECT pg_advisory_xact_lock(7041, hashtext(:owner))")  # 7041: digests
_DIGEST = ReminderKind.DIGEST.value


def _live_digest(owner: str) -> ColumnElement[bool]:
    return and_(
        ReminderRow.owner == owner,
        ReminderRow.kind == _DIGEST,
        ReminderRow.deleted_at.is_(None),
    )


class DigestState(Store):
    """The digest half of ``SqlReminderRepository``."""

    async def replace_digest(self, new: NewReminder, now: datetime) -> Reminder:
        values = {
            **new_reminder_values(new),
            "created_at": now,
            "updated_at": now,
            "attempts": 0,
            "number": None,  # not one of the owner's numbered reminders
        }
        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._write_session() as session:
                    await self._lock_owner(session, new.owner)
                    await _end_digest(session, new.owner, now)
                    stmt = insert(ReminderRow).values(**values).returning(ReminderRow)
                    row = (await session.scalars(stmt)).one()
                    await _audit(session, new.owner, "digest_set", row.id, now, row.rrule)
                    return to_reminder(row)
            except IntegrityError:
                # Another replica inserted this owner's digest meanwhile: end that one.
                if attempt == ATTEMPTS:
                    raise
                log.debug("digest of %s set concurrently, attempt %d", new.owner, attempt)
        raise AssertionError("unreachable")

    async def _lock_owner(self, session: AsyncSession, owner: str) -> None:
        """On PostgreSQL, one digest write per owner at a time (a transaction lock), so
        racing replicas queue instead of colliding on the index; SQLite has one writer."""
        if self._dialect == "postgresql":
            await session.execute(_PG_LOCK, {"owner": owner})

    async def digest_of(self, owner: str) -> Reminder | None:
        stmt = select(ReminderRow).where(_live_digest(owner))
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        return None if row is None else to_reminder(row)

    async def stop_digest(self, owner: str, now: datetime) -> Reminder | None:
        async with self._write_session() as session:
            await self._lock_owner(session, owner)
            row = await _end_digest(session, owner, now)
            if row is not None:
                await _audit(session, owner, "digest_stopped", row.id, now, None)
        return None if row is None else to_reminder(row)

    async def day_reminders(
        self, person: UserRef, start: datetime, end: datetime
    ) -> list[Reminder]:
        same_place = and_(
            ReminderRow.platform == person.platform, ReminderRow.workspace == person.workspace
        )
        theirs = and_(
            ReminderRow.owner == person.key, ReminderRow.target_kind.in_(("me", "channel"))
        )
        for_them = and_(
            same_place, ReminderRow.target_kind == "user", ReminderRow.target_ref == person.user
        )
        in_span = or_(
            ReminderRow.next_due >= start,
            ReminderRow.rrule.is_not(None),
            ReminderRow.event_at.is_not(None),
        )
        stmt = (
            select(ReminderRow)
            .where(
                ReminderRow.state == ReminderState.SCHEDULED.value,
                ReminderRow.deleted_at.is_(None),
                ReminderRow.kind == ReminderKind.REMINDER.value,
                ReminderRow.next_due < end,
                in_span,
                or_(theirs, for_them),
            )
            .order_by(ReminderRow.next_due, ReminderRow.id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
        return [to_reminder(row) for row in rows]


async def _end_digest(session: AsyncSession, owner: str, now: datetime) -> ReminderRow | None:
    stmt = (
        update(ReminderRow)
        .where(_live_digest(owner))
        .values(
            state=ReminderState.CANCELLED.value,
            deleted_at=now,
            next_due=None,
            occurrence_due=None,
            lease_until=None,
            updated_at=now,
        )
        .returning(ReminderRow)
        .execution_options(synchronize_session=False)
    )
    return (await session.scalars(stmt)).one_or_none()


async def _audit(
    session: AsyncSession,
    owner: str,
    action: str,
    reminder_id: int,
    now: datetime,
    rrule: str | None,
) -> None:
    detail = {"rrule": rrule} if rrule is not None else None
    line = {"at": now, "actor": owner, "action": action, "reminder_id": reminder_id}
    await session.execute(insert(AuditRow).values(**line, detail=detail))
