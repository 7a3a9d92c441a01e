"""Escalation rows: inserted with the sent outcome that makes them, cancelled on Complete.

See ``bot.core.escalation``. An escalation is a reminder row of kind ``escalation`` that
watches one occurrence (``watch_occurrence_id``, indexed); it has no owner's number, as
it is the bot's doing and never typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.model import NewReminder, ReminderKind, ReminderState
from storage.base import Store
from storage.mapping import new_reminder_values
from storage.models import AUDIT, REMINDERS

_KIND = ReminderKind.ESCALATION.value


async def insert_escalations(
    conn: AsyncConnection, steps: Sequence[NewReminder], now: datetime
) -> None:
    """Insert ``steps`` in the caller's transaction, except for occurrences that have
    their escalations already (an outcome written twice makes them once)."""
    watched = {step.watch_occurrence_id for step in steps}
    have = select(REMINDERS.c.watch_occurrence_id).where(
        REMINDERS.c.watch_occurrence_id.in_(list(watched)), REMINDERS.c.kind == _KIND
    )
    existing = set((await conn.execute(have)).scalars())
    rows: list[dict[str, Any]] = [
        {**new_reminder_values(step), "created_at": now, "updated_at": now, "attempts": 0}
        for step in steps
        if step.watch_occurrence_id not in existing
    ]
    if rows:
        await conn.execute(insert(REMINDERS), rows)


class Escalations(Store):
    """The repository's part for cancelling escalations."""

    async def cancel_escalations(
        self, actor: str, now: datetime, occurrence_ids: Sequence[int], parent_id: int | None = None
    ) -> list[int]:
        which: list[ColumnElement[bool]] = [
            REMINDERS.c.watch_occurrence_id.in_(list(occurrence_ids))
        ]
        if parent_id is not None:
            which.append(REMINDERS.c.parent_id == parent_id)
        stmt = (
            update(REMINDERS)
            .where(
                REMINDERS.c.kind == _KIND,
                REMINDERS.c.state == ReminderState.SCHEDULED.value,
                or_(*which),
            )
            .values(state=ReminderState.CANCELLED.value, next_due=None, updated_at=now)
            .returning(REMINDERS.c.id, REMINDERS.c.watch_occurrence_id)
        )
        async with self._write_conn() as conn:
            cancelled = (await conn.execute(stmt)).all()
            if cancelled:
                lines = [
                    {
                        "at": now,
                        "actor": actor,
                        "action": "escalation_cancelled",
                        "reminder_id": ident,
                        "detail": {"occurrence": watching, "reason": "completed"},
                    }
                    for ident, watching in cancelled
                ]
                await conn.execute(insert(AUDIT), lines)
        return sorted(ident for ident, _ in cancelled)
