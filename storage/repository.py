"""``ReminderRepository`` over SQLAlchemy: one short transaction per method."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.model import (
    ChannelDelivery,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Reminder,
    ReminderState,
    UserPrefs,
    as_new,
)
from bot.core.ports import Outcome
from storage.api_state import ApiState
from storage.base import MAX_ID
from storage.batches import completed_by, deliveries_of, open_all, record_all
from storage.calendar import CalendarState
from storage.chat_state import ChatState
from storage.claims import claim_statement, release_statement
from storage.digests import DigestState
from storage.escalations import Escalations
from storage.finders import Finders
from storage.limits import Limits
from storage.mapping import (
    PREFS_COLUMNS,
    changed_values,
    new_reminder_values,
    prefs_from_row,
    prefs_values,
    reminder_from_row,
    to_occurrence,
    to_prefs,
    to_reminder,
)
from storage.models import (
    USERS,
    AuditRow,
    CompletionRow,
    OccurrenceRow,
    ReminderRow,
    UserRow,
    WorkspaceSettingRow,
)
from storage.numbers import inserted, numbered
from storage.reports import ReportReads
from storage.templates_state import TemplateState


class SqlReminderRepository(
    Finders,
    Limits,
    DigestState,
    ChatState,
    ApiState,
    CalendarState,
    ReportReads,
    TemplateState,
    Escalations,
):
    """The storage port on SQLite or PostgreSQL; the same statements serve both.

    ``clock`` stamps ``users.created_at/updated_at``, the one write whose port method
    takes no ``now``. The methods the dispatcher calls for every batch (``claim_due``,
    ``open_occurrences``, ``get_users``, ``record_outcomes``, ``next_due``) run Core
    statements on a plain connection; the rest use ORM sessions. What the chat front and
    the REST API keep besides reminders lives in ``ChatState`` and ``ApiState``; the
    calendar feed's tokens in ``CalendarState``; history and statistics in ``ReportReads``.
    """

    # -- users -------------------------------------------------------------------------

    async def get_user(self, key: str) -> UserPrefs | None:
        async with self._sessions() as session:
            row = await session.scalar(select(UserRow).where(UserRow.key == key))
        return None if row is None else to_prefs(row)

    async def get_users(self, keys: Collection[str]) -> dict[str, UserPrefs]:
        if not keys:
            return {}
        stmt = select(*PREFS_COLUMNS).where(USERS.c.key.in_(list(keys)))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return {prefs.key: prefs for prefs in map(prefs_from_row, rows)}

    async def save_user(self, prefs: UserPrefs) -> UserPrefs:
        now = self._clock.now()
        values = {**prefs_values(prefs), "updated_at": now}
        stmt = (
            self._upsert(UserRow)
            .values(key=prefs.key, created_at=now, **values)
            .on_conflict_do_update(index_elements=[UserRow.key], set_=values)
            .returning(UserRow)
        )
        async with self._write_session() as session:
            row = (await session.scalars(stmt)).one()
        return to_prefs(row)

    # -- reminders ---------------------------------------------------------------------

    async def add(
        self, new: NewReminder, now: datetime, *, audit: tuple[str, str] | None = None
    ) -> Reminder:
        stmt = insert(ReminderRow).values(**inserted(new, now)).returning(ReminderRow)

        async def work() -> Reminder:
            async with self._write_session() as session:
                row = (await session.scalars(stmt)).one()
                if audit is not None:
                    actor, action = audit
                    line = {"at": now, "actor": actor, "action": action, "reminder_id": row.id}
                    await session.execute(insert(AuditRow).values(**line))
                return to_reminder(row)

        return await numbered(work)

    async def get(self, reminder_id: int) -> Reminder | None:
        if not 0 < reminder_id <= MAX_ID:
            return None
        async with self._sessions() as session:
            row = await session.get(ReminderRow, reminder_id)
        return None if row is None else to_reminder(row)

    async def save(self, reminder: Reminder, now: datetime) -> Reminder:
        stmt = (
            update(ReminderRow)
            .where(ReminderRow.id == reminder.id)
            .values(**changed_values(reminder), lease_until=None, updated_at=now)
            .returning(ReminderRow)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            row = (await session.scalars(stmt)).one_or_none()
        if row is None:
            raise LookupError(f"reminder {reminder.id} does not exist")
        return to_reminder(row)

    async def confirm_draft(self, reminder: Reminder, now: datetime) -> list[Reminder] | None:
        rem = replace(reminder, co_targets=())
        stmt = (
            update(ReminderRow)
            .where(
                ReminderRow.id == rem.id,
                ReminderRow.state == ReminderState.DRAFT.value,
                ReminderRow.deleted_at.is_(None),
            )
            .values(**changed_values(rem), lease_until=None, updated_at=now)
            .returning(ReminderRow)
            .execution_options(synchronize_session=False)
        )
        copies = [
            insert(ReminderRow)
            .values(
                **inserted(
                    replace(as_new(rem), target_kind=t.kind, target_ref=t.ref, target_name=t.name),
                    now,
                )
            )
            .returning(ReminderRow)
            for t in reminder.co_targets
        ]

        async def work() -> list[Reminder] | None:
            async with self._write_session() as session:
                row = (await session.scalars(stmt)).one_or_none()
                if row is None:
                    return None
                # In order, in this transaction: each copy's number follows the last one's.
                made = [to_reminder(row)]
                made += [to_reminder((await session.scalars(copy)).one()) for copy in copies]
            return made

        return await numbered(work)

    async def snooze_occurrence(self, copy: NewReminder, now: datetime) -> Reminder:
        if copy.snoozed_occurrence_id is None:
            raise ValueError("a snoozed copy names the occurrence it stands in for")
        values = new_reminder_values(copy)
        moved = {
            name: values[name]
            for name in ("state", "next_due", "occurrence_due", "draft_expires_at")
        }
        stmt = (
            self._upsert(ReminderRow)
            .values(**inserted(copy, now))
            .on_conflict_do_update(
                index_elements=[ReminderRow.snoozed_occurrence_id],
                set_={**moved, "deleted_at": None, "lease_until": None, "updated_at": now},
            )
            .returning(ReminderRow)
        )

        async def work() -> Reminder:
            async with self._write_session() as session:
                return to_reminder((await session.scalars(stmt)).one())

        return await numbered(work)

    async def expire_drafts(self, now: datetime) -> int:
        stmt = (
            update(ReminderRow)
            .where(
                ReminderRow.state == ReminderState.DRAFT.value,
                ReminderRow.draft_expires_at <= now,
            )
            # An expired draft gives its number back, as a cancelled one does.
            .values(state=ReminderState.CANCELLED.value, number=None, updated_at=now)
            .returning(ReminderRow.id)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            expired = (await session.scalars(stmt)).all()
        return len(expired)

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        *,
        platforms: Collection[str] | None = None,
    ) -> list[Reminder]:
        if platforms is not None and not platforms:
            return []
        which = tuple(sorted(platforms)) if platforms is not None else None
        stmt = claim_statement(self._dialect, limit, which)
        async with self._write_conn() as conn:
            rows = (await conn.execute(stmt, {"now": now, "lease_until": lease_until})).all()
        # RETURNING gives no order; the caller gets the most overdue first.
        return sorted(map(reminder_from_row, rows), key=lambda r: (r.next_due, r.id))

    async def release_leases(self, held: Sequence[tuple[int, datetime]], now: datetime) -> int:
        released = 0
        for start in range(0, len(held), 500):  # a bounded statement, whatever the batch
            stmt = release_statement(held[start : start + 500], now)
            async with self._write_conn() as conn:
                released += len((await conn.execute(stmt)).all())
        return released

    async def next_due(self, *, platforms: Collection[str] | None = None) -> datetime | None:
        stmt = select(func.min(ReminderRow.next_due)).where(
            ReminderRow.state == ReminderState.SCHEDULED.value,
            ReminderRow.deleted_at.is_(None),
        )
        if platforms is not None:
            stmt = stmt.where(ReminderRow.platform.in_(list(platforms)))
        async with self._engine.connect() as conn:
            return (await conn.execute(stmt)).scalar()

    # -- occurrences -------------------------------------------------------------------

    async def open_occurrence(
        self, reminder_id: int, due_at: datetime, now: datetime
    ) -> Occurrence:
        (occurrence,) = await self.open_occurrences([(reminder_id, due_at)], now)
        return occurrence

    async def open_occurrences(
        self, items: Sequence[tuple[int, datetime]], now: datetime
    ) -> list[Occurrence]:
        if not items:
            return []
        # One upsert: concurrent openers of the same occurrence serialise on the unique key.
        try:
            async with self._write_conn() as conn:
                return await open_all(conn, self._dialect, items, now)
        except IntegrityError as exc:
            ids = sorted({reminder_id for reminder_id, _ in items})
            which = f"reminder {ids[0]}" if len(ids) == 1 else f"one of reminders {ids}"
            raise LookupError(f"{which} does not exist") from exc

    async def channel_deliveries(
        self, occurrence_ids: Sequence[int]
    ) -> dict[int, dict[str, ChannelDelivery]]:
        async with self._engine.connect() as conn:
            return await deliveries_of(conn, occurrence_ids)

    async def workspace_defaults(self, workspaces: Collection[str]) -> dict[str, dict[str, Any]]:
        return await self.per_workspace(WorkspaceSettingRow.__table__, "value", workspaces)

    async def set_workspace_default(
        self, workspace: str, name: str, value: Any, now: datetime
    ) -> None:
        table = WorkspaceSettingRow.__table__
        where = (table.c.workspace == workspace) & (table.c.name == name)
        async with self._write_conn() as conn:
            if value is None:
                await conn.execute(delete(WorkspaceSettingRow).where(where))
                return
            stmt = (
                self._upsert(WorkspaceSettingRow)
                .values(workspace=workspace, name=name, value=value, updated_at=now)
                .on_conflict_do_update(
                    index_elements=[table.c.workspace, table.c.name],
                    set_={"value": value, "updated_at": now},
                )
            )
            await conn.execute(stmt)

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if not outcomes:
            return
        async with self._write_conn() as conn:
            await record_all(conn, outcomes, now)

    async def finish_occurrence(
        self,
        occurrence_id: int,
        state: OccurrenceState,
        now: datetime,
        message_ref: str | None = None,
        error: str | None = None,
    ) -> Occurrence:
        values: dict[str, Any] = {"state": state.value, "error": error}
        if message_ref is not None:
            values["message_ref"] = message_ref
        if state is OccurrenceState.SENT:
            values["sent_at"] = now
        stmt = (
            update(OccurrenceRow)
            .where(OccurrenceRow.id == occurrence_id)
            .values(**values)
            .returning(OccurrenceRow)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            row = (await session.scalars(stmt)).one_or_none()
            if row is None:
                raise LookupError(f"occurrence {occurrence_id} does not exist")
            completed = await completed_by(session, [row.id])
        return to_occurrence(row, completed[row.id])

    async def get_occurrence(self, occurrence_id: int) -> Occurrence | None:
        if not 0 < occurrence_id <= MAX_ID:
            return None
        async with self._sessions() as session:
            row = await session.get(OccurrenceRow, occurrence_id)
            if row is None:
                return None
            completed = await completed_by(session, [row.id])
        return to_occurrence(row, completed[row.id])

    async def add_completion(self, occurrence_id: int, user: str, now: datetime) -> Occurrence:
        stmt = (
            self._upsert(CompletionRow)
            .values(occurrence_id=occurrence_id, user_key=user, at=now)
            .on_conflict_do_nothing(
                index_elements=[CompletionRow.occurrence_id, CompletionRow.user_key]
            )
        )
        try:
            async with self._write_session() as session:
                await session.execute(stmt)
                row = await session.get_one(OccurrenceRow, occurrence_id)
                completed = await completed_by(session, [occurrence_id])
        except IntegrityError as exc:
            raise LookupError(f"occurrence {occurrence_id} does not exist") from exc
        return to_occurrence(row, completed[row.id])

    async def occurrences(self, reminder_id: int) -> list[Occurrence]:
        stmt = (
            select(OccurrenceRow)
            .where(OccurrenceRow.reminder_id == reminder_id)
            .order_by(OccurrenceRow.due_at, OccurrenceRow.id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
            completed = await completed_by(session, [row.id for row in rows])
        return [to_occurrence(row, completed[row.id]) for row in rows]
