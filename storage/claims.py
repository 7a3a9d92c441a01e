"""The claim: one atomic UPDATE ... RETURNING, never a SELECT followed by an UPDATE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql.dml import ReturningUpdate

from bot.core.model import ReminderState
from storage.models import ReminderRow


def _claimable(row: type[ReminderRow], now: datetime) -> ColumnElement[bool]:
    return and_(
        row.state == ReminderState.SCHEDULED.value,
        row.deleted_at.is_(None),
        row.next_due <= now,
        or_(row.lease_until.is_(None), row.lease_until <= now),
    )


def claim_statement(
    now: datetime, lease_until: datetime, limit: int
) -> ReturningUpdate[ReminderRow]:
    """``WITH due AS (ids LIMIT n) UPDATE reminders SET lease_until ... RETURNING *``.

    On PostgreSQL the ids are taken ``FOR UPDATE SKIP LOCKED``, so concurrent claimers
    pass over each other's rows instead of queueing; SQLite drops that clause and the
    statement is atomic under its single write lock. The outer WHERE repeats the
    conditions so a row changed meanwhile is never taken.

    The ids sit in a ``MATERIALIZED`` CTE because PostgreSQL may plan a plain
    ``id IN (SELECT ... LIMIT n)`` as a nested-loop semi-join that re-runs the subquery
    for every outer row; each re-run skips the rows just updated and locks the next ones,
    so one claim could take far more than ``n`` rows.
    """
    inner = aliased(ReminderRow)
    due = (
        select(inner.id)
        .where(_claimable(inner, now))
        .order_by(inner.next_due, inner.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    return (
        update(ReminderRow)
        .where(ReminderRow.id.in_(select(due.c.id)), _claimable(ReminderRow, now))
        .values(lease_until=lease_until)
        .returning(ReminderRow)
        .execution_options(synchronize_session=False)
    )
