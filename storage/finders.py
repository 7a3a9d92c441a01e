"""Reads that find a person's reminders: by their number, the last one delivered to them,
the one they deleted last, and their lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.model import Occurrence, OccurrenceState, Reminder, ReminderState, UserRef
from storage.base import MAX_ID
from storage.batches import completed_by
from storage.mapping import to_occurrence, to_reminder
from storage.models import OccurrenceRow, ReminderRow


class Finders:
    """The reading half of ``SqlReminderRepository`` that looks for someone's reminders."""

    _sessions: async_sessionmaker[AsyncSession]

    async def by_number(self, owner: str, number: int) -> Reminder | None:
        if not 0 < number <= MAX_ID:
            return None
        stmt = select(ReminderRow).where(
            ReminderRow.owner == owner,
            ReminderRow.number == number,
            ReminderRow.deleted_at.is_(None),
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        return None if row is None else to_reminder(row)

    async def last_delivered(
        self, person: UserRef, channel: str | None = None
    ) -> tuple[Reminder, Occurrence] | None:
        stmt = (
            select(ReminderRow, OccurrenceRow)
            .join(OccurrenceRow, OccurrenceRow.reminder_id == ReminderRow.id)
            .where(
                OccurrenceRow.state == OccurrenceState.SENT.value,
                ReminderRow.deleted_at.is_(None),
                ReminderRow.kind == "reminder",  # a digest is not done or snoozed
                _delivered_to(person, channel),
            )
            .order_by(OccurrenceRow.sent_at.desc(), OccurrenceRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            found = (await session.execute(stmt)).first()
            if found is None:
                return None
            rem, occ = found
            completed = await completed_by(session, [occ.id])
        return to_reminder(rem), to_occurrence(occ, completed[occ.id])

    async def last_sent(self, reminder_id: int) -> Occurrence | None:
        stmt = (
            select(OccurrenceRow)
            .where(
                OccurrenceRow.reminder_id == reminder_id,
                OccurrenceRow.state == OccurrenceState.SENT.value,
            )
            .order_by(OccurrenceRow.sent_at.desc().nulls_last(), OccurrenceRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt)
            if row is None:
                return None
            completed = await completed_by(session, [row.id])
        return to_occurrence(row, completed[row.id])

    async def last_deleted(self, owner: str, since: datetime) -> Reminder | None:
        stmt = (
            select(ReminderRow)
            .where(ReminderRow.owner == owner, ReminderRow.deleted_at >= since)
            .order_by(ReminderRow.deleted_at.desc(), ReminderRow.id.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        return None if row is None else to_reminder(row)

    async def list_for(
        self,
        owner: str | None,
        states: Sequence[ReminderState],
        limit: int = 100,
        *,
        offset: int = 0,
        numbered: bool = False,
    ) -> list[Reminder]:
        stmt = (
            select(ReminderRow)
            .where(
                ReminderRow.state.in_([state.value for state in states]),
                ReminderRow.deleted_at.is_(None),
            )
            .order_by(ReminderRow.next_due.asc().nulls_last(), ReminderRow.id)
            .limit(limit)
            .offset(offset)
        )
        if owner is not None:
            stmt = stmt.where(ReminderRow.owner == owner)
        if numbered:
            stmt = stmt.where(ReminderRow.number.is_not(None))
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
        return [to_reminder(row) for row in rows]

    async def snoozed_copy(self, occurrence_id: int) -> Reminder | None:
        stmt = select(ReminderRow).where(ReminderRow.snoozed_occurrence_id == occurrence_id)
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        return None if row is None else to_reminder(row)

    async def snoozed_copies(self, reminder_id: int) -> list[Reminder]:
        stmt = select(ReminderRow).where(
            ReminderRow.parent_id == reminder_id,
            ReminderRow.snoozed_occurrence_id.is_not(None),
            ReminderRow.state == ReminderState.SCHEDULED.value,
            ReminderRow.deleted_at.is_(None),
        )
        async with self._sessions() as session:
            rows = (await session.scalars(stmt.order_by(ReminderRow.id))).all()
        return [to_reminder(row) for row in rows]


def _delivered_to(person: UserRef, channel: str | None) -> ColumnElement[bool]:
    """Reminders that reach ``person`` by DM, or, with ``channel``, that channel's."""
    same_place = and_(
        ReminderRow.platform == person.platform, ReminderRow.workspace == person.workspace
    )
    if channel is not None:
        return and_(
            same_place, ReminderRow.target_kind == "channel", ReminderRow.target_ref == channel
        )
    theirs = and_(ReminderRow.owner == person.key, ReminderRow.target_kind == "me")
    for_them = and_(
        same_place, ReminderRow.target_kind == "user", ReminderRow.target_ref == person.user
    )
    return or_(theirs, for_them)
