"""What the calendar feed keeps: each owner's feed token (only its SHA-256), and the
reminders a feed shows."""

from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import select, update

from bot.core.model import Reminder, ReminderState
from storage.base import Store
from storage.mapping import to_reminder
from storage.models import CalendarTokenRow, ReminderRow

# A feed lists at most this many reminders (the soonest first): a calendar app polls the
# feed every few hours, and nobody reads thousands of events in one.
FEED_LIMIT = 1000


class CalendarState(Store):
    """The calendar half of ``SqlReminderRepository``."""

    async def replace_calendar_token(self, owner: str, token_hash: str, now: datetime) -> None:
        """Revoke the owner's active feed token, if any, and store the new one's hash, in
        one transaction: an owner has one working feed URL at most."""
        revoke = (
            update(CalendarTokenRow)
            .where(CalendarTokenRow.owner == owner, CalendarTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            await session.execute(revoke)
            session.add(CalendarTokenRow(owner=owner, token_hash=token_hash, created_at=now))

    async def revoke_calendar_token(self, owner: str, now: datetime) -> bool:
        """Revoke the owner's active feed token; ``False`` if there was none."""
        stmt = (
            update(CalendarTokenRow)
            .where(CalendarTokenRow.owner == owner, CalendarTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(CalendarTokenRow.id)
            .execution_options(synchronize_session=False)
        )
        async with self._write_session() as session:
            return bool((await session.scalars(stmt)).all())

    async def calendar_owner(self, token_hash: str) -> str | None:
        """The owner of the active feed token with this hash, or ``None``.

        The database finds the row by its unique hash; the hash found is compared again
        in constant time, so how long an answer takes says nothing about the token.
        """
        stmt = select(CalendarTokenRow.owner, CalendarTokenRow.token_hash).where(
            CalendarTokenRow.token_hash == token_hash, CalendarTokenRow.revoked_at.is_(None)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        if row is None or not hmac.compare_digest(row.token_hash, token_hash):
            return None
        return str(row.owner)

    async def feed_reminders(self, owner: str) -> list[Reminder]:
        """The owner's scheduled reminders with a next time, soonest first, at most
        ``FEED_LIMIT``: no drafts, paused, completed or deleted ones, and no snoozed
        copies (the series they stand in for is in the feed itself)."""
        stmt = (
            select(ReminderRow)
            .where(
                ReminderRow.owner == owner,
                ReminderRow.state == ReminderState.SCHEDULED.value,
                ReminderRow.deleted_at.is_(None),
                ReminderRow.snoozed_occurrence_id.is_(None),
                ReminderRow.next_due.is_not(None),
            )
            .order_by(ReminderRow.next_due, ReminderRow.id)
            .limit(FEED_LIMIT)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
        return [to_reminder(row) for row in rows]
