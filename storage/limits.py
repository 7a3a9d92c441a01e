"""The read the rate limit needs: what each of a batch's recipients was sent lately."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.model import TargetKind, UserRef
from storage.models import OCCURRENCES, REMINDERS


class Limits:
    """The part of ``SqlReminderRepository`` the rate limit reads, one query a batch."""

    _engine: AsyncEngine

    async def sent_since(
        self, recipients: Collection[str], since: datetime
    ) -> dict[str, list[tuple[datetime, str | None]]]:
        """Everything sent by DM to each of ``recipients`` after ``since``: one
        ``(sent_at, message_ref)`` per occurrence, oldest first.

        A recipient is the owner of a reminder for ``me`` and ``platform:workspace:ref``
        of one for a ``user`` (``Reminder.recipient``). The query starts from the index
        on ``occurrences.sent_at``, so it reads one hour of sends, not the history.
        Deleted reminders count too: their messages were sent all the same.
        """
        found: dict[str, list[tuple[datetime, str | None]]] = defaultdict(list)
        if not recipients:
            return found
        people = [UserRef.of(key) for key in recipients]
        owners = sorted({*recipients, *(person.key for person in people)})
        triples = sorted({(p.platform, p.workspace, p.user) for p in people})
        stmt = (
            select(
                OCCURRENCES.c.sent_at,
                OCCURRENCES.c.message_ref,
                REMINDERS.c.target_kind,
                REMINDERS.c.owner,
                REMINDERS.c.platform,
                REMINDERS.c.workspace,
                REMINDERS.c.target_ref,
            )
            .join(REMINDERS, REMINDERS.c.id == OCCURRENCES.c.reminder_id)
            .where(
                OCCURRENCES.c.sent_at > since,
                or_(
                    and_(
                        REMINDERS.c.target_kind == TargetKind.ME.value,
                        REMINDERS.c.owner.in_(owners),
                    ),
                    and_(
                        REMINDERS.c.target_kind == TargetKind.USER.value,
                        tuple_(
                            REMINDERS.c.platform, REMINDERS.c.workspace, REMINDERS.c.target_ref
                        ).in_(triples),
                    ),
                ),
            )
            .order_by(OCCURRENCES.c.sent_at, OCCURRENCES.c.id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        for row in rows:
            if row.target_kind == TargetKind.ME.value:
                key = UserRef.of(row.owner).key
            else:
                key = f"{row.platform}:{row.workspace}:{row.target_ref}"
            if key in recipients:
                found[key].append((row.sent_at, row.message_ref))
        return found
