"""The claim: one atomic UPDATE ... RETURNING, never a SELECT followed by an UPDATE."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.sql.dml import ReturningUpdate

from bot.core.model import ReminderState
from storage.mapping import REMINDER_COLUMNS
from storage.models import REMINDERS
from storage.types import UTCDateTime


def _claimable(
    table: FromClause,
    now: datetime | BindParameter[datetime],
    platforms: Collection[str] | None,
) -> ColumnElement[bool]:
    conditions = [
        table.c.state == ReminderState.SCHEDULED.value,
        table.c.deleted_at.is_(None),
        table.c.next_due <= now,
        or_(table.c.lease_until.is_(None), table.c.lease_until <= now),
    ]
    if platforms is not None:
        conditions.append(table.c.platform.in_(list(platforms)))
    return and_(*conditions)


def claim_statement(
    dialect: str, limit: int, platforms: tuple[str, ...] | None = None
) -> ReturningUpdate[tuple[Any, ...]]:
    """``UPDATE reminders SET lease_until ... WHERE id IN (due ids LIMIT n) RETURNING *``,
    executed with ``{"now": ..., "lease_until": ...}``.

    On PostgreSQL the ids are taken ``FOR UPDATE SKIP LOCKED``, so concurrent claimers
    pass over each other's rows instead of queueing. ``FOR UPDATE`` re-checks the WHERE
    against the newest version of each row it locks, so every id it yields is still
    claimable and stays ours until the statement commits. SQLite drops that clause; the
    statement is atomic under its single write lock.

    PostgreSQL gets the ids as ``id = ANY(ARRAY(SELECT ...))``: an InitPlan that runs once
    and then finds the rows by primary key. A plain ``id IN (SELECT ... LIMIT n)`` (even
    from a ``MATERIALIZED`` CTE) can be planned, with the stale statistics of a freshly
    filled table, as a nested-loop semi-join over every due row: 0.7 s per claim with
    10,000 due, and without the CTE the re-run subquery could even take more than ``n``.

    A Core statement: it returns plain rows (``mapping.reminder_from_row``), not ORM
    objects, because the claim is on the dispatcher's hot path. Built once per dialect,
    size and platforms (the times are parameters): building it anew for every batch cost
    as much as reading a tenth of its rows.
    """
    return _claim_statement(dialect, limit, platforms)


@lru_cache(maxsize=64)
def _claim_statement(
    dialect: str, limit: int, platforms: tuple[str, ...] | None
) -> ReturningUpdate[tuple[Any, ...]]:
    now = bindparam("now", type_=UTCDateTime())
    inner = REMINDERS.alias("due")
    ids = (
        select(inner.c.id)
        .where(_claimable(inner, now, platforms))
        .order_by(inner.c.next_due, inner.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    taken = (
        REMINDERS.c.id == any_(func.array(ids))
        if dialect == "postgresql"
        else REMINDERS.c.id.in_(ids)
    )
    lease_until = bindparam("lease_until", type_=UTCDateTime())
    return (
        update(REMINDERS).where(taken).values(lease_until=lease_until).returning(*REMINDER_COLUMNS)
    )


def release_statement(
    held: Collection[tuple[int, datetime]], now: datetime
) -> ReturningUpdate[tuple[Any, ...]]:
    """``UPDATE reminders SET lease_until = NULL WHERE (id, lease) in held RETURNING id``.

    Keyed on the exact lease each claim set, as ``record_all`` saves are: a reminder a
    user saved meanwhile (its lease cleared) or another process claimed anew (a newer
    lease) is left alone. The graceful shutdown gives its unstarted claims back so
    another replica takes them at once instead of after the lease runs out.
    """
    pairs = [
        and_(REMINDERS.c.id == ident, REMINDERS.c.lease_until == lease) for ident, lease in held
    ]
    return (
        update(REMINDERS)
        .where(or_(*pairs))
        .values(lease_until=None, updated_at=now)
        .returning(REMINDERS.c.id)
    )
