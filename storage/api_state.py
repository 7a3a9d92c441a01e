"""What the REST API keeps: tokens (their hashes), idempotency keys, the status of other
systems' records, and the queries it lists reminders, histories and pending ones with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, insert, select, update

from bot.core.model import (
    ApiToken,
    AuditLine,
    KeyedRequest,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Reminder,
    ReminderKind,
    ReminderQuery,
    ReminderState,
    StatusChange,
    StatusOutcome,
)
from storage.base import Store
from storage.batches import completed_by
from storage.mapping import (
    REMINDER_COLUMNS,
    reminder_from_row,
    to_occurrence,
    to_reminder,
)
from storage.models import (
    AuditRow,
    CompletionRow,
    EntityStateRow,
    IdempotencyRow,
    OccurrenceRow,
    ReminderRow,
    TokenRow,
)
from storage.numbers import inserted, numbered

_ACTIVE = (ReminderState.DRAFT.value, ReminderState.SCHEDULED.value, ReminderState.PAUSED.value)


def _token(row: TokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        owner=row.owner,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class ApiState(Store):
    # -- tokens ------------------------------------------------------------------------------

    async def add_token(self, name: str, owner: str, token_hash: str, now: datetime) -> ApiToken:
        row = TokenRow(name=name, owner=owner, token_hash=token_hash, created_at=now)
        async with self._write_session() as session:
            session.add(row)
        return _token(row)

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        stmt = select(TokenRow).where(TokenRow.token_hash == token_hash)
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        return None if row is None else _token(row)

    async def tokens(self) -> list[ApiToken]:
        async with self._sessions() as session:
            rows = (await session.scalars(select(TokenRow).order_by(TokenRow.id))).all()
        return [_token(row) for row in rows]

    async def revoke_token(self, ident: int | str, now: datetime) -> ApiToken | None:
        which = TokenRow.id == ident if isinstance(ident, int) else TokenRow.name == ident
        stmt = (
            update(TokenRow)
            .where(which, TokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(TokenRow)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            rows = (await session.scalars(stmt)).all()
        return _token(rows[0]) if rows else None

    # -- idempotency keys ----------------------------------------------------------------------

    async def claim_key(
        self, token_id: int, key: str, request_hash: str, now: datetime
    ) -> KeyedRequest:
        claim = (
            self._upsert(IdempotencyRow)
            .values(token_id=token_id, key=key, request_hash=request_hash, created_at=now)
            .on_conflict_do_nothing(index_elements=[IdempotencyRow.token_id, IdempotencyRow.key])
            .returning(IdempotencyRow.id)
        )
        async with self._write_session() as session:
            if await session.scalar(claim) is not None:
                return KeyedRequest(fresh=True, request_hash=request_hash)
        return await self.keyed(token_id, key)

    async def keyed(self, token_id: int, key: str) -> KeyedRequest:
        stmt = select(IdempotencyRow).where(
            IdempotencyRow.token_id == token_id, IdempotencyRow.key == key
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        if row is None:  # released meanwhile: the caller claims it again
            return KeyedRequest(fresh=False, request_hash="")
        return KeyedRequest(
            fresh=False,
            request_hash=row.request_hash,
            status_code=row.status_code,
            response=row.response,
        )

    async def finish_key(
        self, token_id: int, key: str, status_code: int, response: dict[str, Any]
    ) -> None:
        stmt = (
            update(IdempotencyRow)
            .where(IdempotencyRow.token_id == token_id, IdempotencyRow.key == key)
            .values(status_code=status_code, response=response)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            await session.execute(stmt)

    async def release_key(self, token_id: int, key: str) -> None:
        stmt = delete(IdempotencyRow).where(
            IdempotencyRow.token_id == token_id,
            IdempotencyRow.key == key,
            IdempotencyRow.status_code.is_(None),
        )
        async with self._write_session() as session:
            await session.execute(stmt.execution_options(synchronize_session=False))

    async def forget_keys(self, before: datetime) -> int:
        stmt = delete(IdempotencyRow).where(IdempotencyRow.created_at < before)
        async with self._write_session() as session:
            done = await session.execute(stmt.execution_options(synchronize_session=False))
        return int(getattr(done, "rowcount", 0) or 0)

    # -- records of other systems --------------------------------------------------------------

    async def set_status(
        self,
        entity_type: str,
        entity_id: str,
        status: str,
        now: datetime,
        fire: Callable[[Reminder, StatusChange], NewReminder],
    ) -> StatusOutcome | None:
        """Record a status; ``None`` when it already was that (nothing changed).

        A compare-and-set: of two callers reporting the same change, one gets it, and in
        the same transaction the entity's reminders that stop at this status are
        completed and each trigger it matches gets ``fire``'s new reminder.
        """

        async def work() -> StatusOutcome | None:
            async with self._write_session() as session:
                change = await self._record_status(session, entity_type, entity_id, status, now)
                if change is None:
                    return None
                about = await self._about(session, entity_type, entity_id)
                stopped = await self._stop(session, about, change, now)
                fired = await self._fire(session, about, change, now, fire)
            return StatusOutcome(change=change, stopped=tuple(stopped), fired=tuple(fired))

        # A fired reminder takes its owner's next number: retried whole if another took it.
        return await numbered(work)

    async def _about(self, session: Any, entity_type: str, entity_id: str) -> list[Reminder]:
        stmt = select(ReminderRow).where(
            ReminderRow.entity_type == entity_type,
            ReminderRow.entity_id == entity_id,
            ReminderRow.state.in_(_ACTIVE),
            ReminderRow.deleted_at.is_(None),
        )
        return [to_reminder(row) for row in (await session.scalars(stmt.with_for_update())).all()]

    async def _stop(
        self, session: Any, about: list[Reminder], change: StatusChange, now: datetime
    ) -> list[Reminder]:
        ids = [r.id for r in about if change.new in r.stop_statuses]
        if not ids:
            return []
        stmt = (
            update(ReminderRow)
            .where(ReminderRow.id.in_(ids))
            .values(state=ReminderState.COMPLETED.value, next_due=None, lease_until=None)
            .values(updated_at=now)
            .returning(ReminderRow)
            .execution_options(synchronize_session=False)
        )
        stopped = [to_reminder(row) for row in (await session.scalars(stmt)).all()]
        detail = {"status": change.new, "entity": f"{change.entity_type} {change.entity_id}"}
        for rem in stopped:
            await session.execute(
                insert(AuditRow).values(
                    at=now, actor="status", action="stopped", reminder_id=rem.id, detail=detail
                )
            )
        return stopped

    async def _fire(
        self,
        session: Any,
        about: list[Reminder],
        change: StatusChange,
        now: datetime,
        fire: Callable[[Reminder, StatusChange], NewReminder],
    ) -> list[Reminder]:
        fired = []
        for trigger in about:
            if trigger.trigger_status not in (change.new, "*"):
                continue
            stmt = insert(ReminderRow).values(**inserted(fire(trigger, change), now))
            row = (await session.scalars(stmt.returning(ReminderRow))).one()
            line = {"fired": row.id}
            await session.execute(
                insert(AuditRow).values(
                    at=now, actor="status", action="fired", reminder_id=trigger.id, detail=line
                )
            )
            fired.append(to_reminder(row))
        return fired

    async def _record_status(
        self, session: Any, entity_type: str, entity_id: str, status: str, now: datetime
    ) -> StatusChange | None:
        insert_first = (
            self._upsert(EntityStateRow)
            .values(entity_type=entity_type, entity_id=entity_id, status=status, changed_at=now)
            .on_conflict_do_nothing(
                index_elements=[EntityStateRow.entity_type, EntityStateRow.entity_id]
            )
            .returning(EntityStateRow.status)
        )
        if await session.scalar(insert_first) is not None:
            return StatusChange(
                entity_type=entity_type, entity_id=entity_id, old=None, new=status, at=now
            )
        return await self._change_status(session, entity_type, entity_id, status, now)

    async def _change_status(
        self, session: Any, entity_type: str, entity_id: str, status: str, now: datetime
    ) -> StatusChange | None:
        which = and_(
            EntityStateRow.entity_type == entity_type, EntityStateRow.entity_id == entity_id
        )
        old = await session.scalar(select(EntityStateRow.status).where(which).with_for_update())
        if old is None or old == status:
            return None
        changed = (
            update(EntityStateRow)
            .where(which, EntityStateRow.status == old)
            .values(status=status, changed_at=now)
            .returning(EntityStateRow.status)
            .execution_options(synchronize_session=False)
        )
        if await session.scalar(changed) is None:
            return None
        return StatusChange(
            entity_type=entity_type, entity_id=entity_id, old=old, new=status, at=now
        )

    async def status_of(self, entity_type: str, entity_id: str) -> StatusChange | None:
        stmt = select(EntityStateRow).where(
            EntityStateRow.entity_type == entity_type, EntityStateRow.entity_id == entity_id
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt)
        if row is None:
            return None
        return StatusChange(
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            old=None,
            new=row.status,
            at=row.changed_at,
        )

    # -- queries -------------------------------------------------------------------------------

    async def find(self, query: ReminderQuery) -> list[Reminder]:
        # Core rows, not ORM objects: a page of 200 is read a few times faster this way.
        stmt = select(*REMINDER_COLUMNS).where(ReminderRow.id > query.after_id)
        for condition in _conditions(query):
            stmt = stmt.where(condition)
        stmt = stmt.order_by(ReminderRow.id).limit(query.limit)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [reminder_from_row(row) for row in rows]

    async def active_about(
        self, owner: str, entity_type: str, entity_id: str, event_type: str | None
    ) -> Reminder | None:
        """The owner's active reminder on this entity, of this event type, if any."""
        stmt = select(ReminderRow).where(
            ReminderRow.owner == owner,
            ReminderRow.entity_type == entity_type,
            ReminderRow.entity_id == entity_id,
            ReminderRow.state.in_(_ACTIVE),
            ReminderRow.deleted_at.is_(None),
            ReminderRow.parent_id.is_(None),
        )
        stmt = stmt.where(
            ReminderRow.event_type.is_(None)
            if event_type is None
            else ReminderRow.event_type == event_type
        )
        async with self._sessions() as session:
            row = await session.scalar(stmt.order_by(ReminderRow.id).limit(1))
        return None if row is None else to_reminder(row)

    async def audit_for(self, reminder_id: int) -> list[AuditLine]:
        stmt = select(AuditRow).where(AuditRow.reminder_id == reminder_id).order_by(AuditRow.id)
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
        return [
            AuditLine(
                at=r.at, actor=r.actor, action=r.action, reminder_id=r.reminder_id, detail=r.detail
            )
            for r in rows
        ]

    async def pending_for(
        self, owner: str, reminder_id: int | None = None
    ) -> list[tuple[Reminder, Occurrence]]:
        """Delivered occurrences nobody completed or dismissed, oldest first."""
        completed = exists().where(CompletionRow.occurrence_id == OccurrenceRow.id)
        stmt = (
            select(ReminderRow, OccurrenceRow)
            .join(OccurrenceRow, OccurrenceRow.reminder_id == ReminderRow.id)
            .where(
                ReminderRow.owner == owner,
                ReminderRow.deleted_at.is_(None),
                OccurrenceRow.state == OccurrenceState.SENT.value,
                OccurrenceRow.dismissed_at.is_(None),
                ~completed,
            )
            .order_by(OccurrenceRow.due_at, OccurrenceRow.id)
        )
        if reminder_id is not None:
            stmt = stmt.where(ReminderRow.id == reminder_id)
        else:  # a digest or an escalation is never done by its owner: not "pending"
            stmt = stmt.where(ReminderRow.kind == ReminderKind.REMINDER.value)
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [(to_reminder(rem), to_occurrence(occ)) for rem, occ in rows]

    async def dismiss(self, occurrence_ids: Sequence[int], now: datetime) -> None:
        if not occurrence_ids:
            return
        stmt = (
            update(OccurrenceRow)
            .where(OccurrenceRow.id.in_(list(occurrence_ids)), OccurrenceRow.dismissed_at.is_(None))
            .values(dismissed_at=now)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            await session.execute(stmt)

    async def occurrences_of(self, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """Who completed each of these occurrences."""
        async with self._sessions() as session:
            return dict(await completed_by(session, list(ids)))


def _conditions(query: ReminderQuery) -> list[Any]:
    found: list[Any] = []
    if query.owner is not None:
        found.append(ReminderRow.owner == query.owner)
    if not query.with_deleted:
        found.append(ReminderRow.deleted_at.is_(None))
    if query.states:
        found.append(ReminderRow.state.in_([s.value for s in query.states]))
    if query.entity_type is not None:
        found.append(ReminderRow.entity_type == query.entity_type)
    if query.entity_id is not None:
        found.append(ReminderRow.entity_id == query.entity_id)
    if query.target_ref is not None:
        found.append(ReminderRow.target_ref == query.target_ref)
    if query.due_before is not None:
        found.append(ReminderRow.next_due < query.due_before)
    if query.due_after is not None:
        found.append(ReminderRow.next_due >= query.due_after)
    if query.kinds:
        found.append(ReminderRow.kind.in_([k.value for k in query.kinds]))
    return found
