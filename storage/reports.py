"""The reads behind history and statistics (``bot.core.reports``): grouped counts in
SQL, the lateness values for Python to rank (SQLite has no percentile function)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, or_, select

from bot.core.model import OccurrenceState
from bot.core.tallies import HistoryEntry, PeriodCounts
from storage.base import Store
from storage.models import AuditRow, DeliveryRow, OccurrenceRow, ReminderRow

_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


class ReportReads(Store):
    """The reporting half of ``SqlReminderRepository``."""

    async def reminders_by_state(self) -> dict[str, int]:
        """How many reminders (not deleted) are in each state, in one grouped COUNT;
        for the ``remindbot_reminders`` gauge (bot/metrics.py). States with none are
        absent."""
        stmt = (
            select(ReminderRow.state, func.count())
            .where(ReminderRow.deleted_at.is_(None))
            .group_by(ReminderRow.state)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return {str(state): int(count) for state, count in rows}

    async def period_counts(
        self, owner: str | None, since: datetime, until: datetime, limit: int
    ) -> PeriodCounts:
        def scoped(stmt: _Q) -> _Q:
            stmt = stmt.where(OccurrenceRow.due_at >= since, OccurrenceRow.due_at < until)
            if owner is not None:
                stmt = stmt.join(ReminderRow, ReminderRow.id == OccurrenceRow.reminder_id).where(
                    ReminderRow.owner == owner
                )
            return stmt

        by_state = scoped(select(OccurrenceRow.state, func.count()).group_by(OccurrenceRow.state))
        by_channel = scoped(
            select(DeliveryRow.channel, DeliveryRow.state, func.count())
            .select_from(DeliveryRow)
            .join(OccurrenceRow, OccurrenceRow.id == DeliveryRow.occurrence_id)
            .group_by(DeliveryRow.channel, DeliveryRow.state)
        )
        has_records = exists().where(DeliveryRow.occurrence_id == OccurrenceRow.id)
        chat_only = scoped(
            select(OccurrenceRow.state, func.count())
            .where(~has_records)
            .group_by(OccurrenceRow.state)
        )
        sent = scoped(
            select(OccurrenceRow.due_at, OccurrenceRow.sent_at)
            .where(
                OccurrenceRow.state == OccurrenceState.SENT.value,
                OccurrenceRow.sent_at.is_not(None),
            )
            .order_by(OccurrenceRow.due_at.desc(), OccurrenceRow.id.desc())
            .limit(limit + 1)
        )
        deliveries: dict[str, dict[str, int]] = defaultdict(dict)
        async with self._engine.connect() as conn:
            occurrences: dict[str, int] = {row[0]: row[1] for row in await conn.execute(by_state)}
            for channel, state, n in await conn.execute(by_channel):
                deliveries[channel][state] = n
            for state, n in await conn.execute(chat_only):
                deliveries["chat"][state] = deliveries["chat"].get(state, 0) + n
            times = (await conn.execute(sent)).all()
        lateness = [
            (sent_at - due_at).total_seconds() for due_at, sent_at in times[:limit] if sent_at
        ]
        return PeriodCounts(
            occurrences=occurrences,
            deliveries=dict(deliveries),
            lateness=lateness,
            capped=len(times) > limit,
        )

    async def history(
        self, reminder_id: int | None, user: str | None, limit: int
    ) -> list[HistoryEntry]:
        stmt = select(AuditRow, ReminderRow.number).outerjoin(
            ReminderRow, ReminderRow.id == AuditRow.reminder_id
        )
        if reminder_id is not None:
            stmt = stmt.where(AuditRow.reminder_id == reminder_id)
        if user is not None:
            stmt = stmt.where(or_(AuditRow.actor == user, ReminderRow.owner == user))
        stmt = stmt.order_by(AuditRow.id.desc()).limit(limit)
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [_entry(line, number) for line, number in reversed(rows)]


def _entry(line: AuditRow, number: int | None) -> HistoryEntry:
    detail = line.detail or {}
    channel, reason = detail.get("channel"), detail.get("reason")
    return HistoryEntry(
        at=line.at,
        actor=line.actor,
        action=line.action,
        reminder_id=line.reminder_id,
        number=number,
        channel=None if channel is None else str(channel),
        reason=None if reason is None else str(reason),
    )
