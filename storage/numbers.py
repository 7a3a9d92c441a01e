"""The owners' own reminder numbers (#1, #2 …), handed out inside the insert itself.

The number is ``max + 1`` of the owner's numbers, computed by a subquery of the INSERT,
so no read happens between choosing it and taking it. On SQLite the statement runs under
the one write lock; on PostgreSQL two concurrent inserts for one owner may pick the same
number, and the unique (owner, number) constraint refuses the second, which is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.selectable import ScalarSelect

from bot.core.model import NewReminder
from storage.mapping import new_reminder_values
from storage.models import REMINDERS

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 8


def next_number(owner: str) -> ScalarSelect[Any]:
    mine = REMINDERS.alias("mine")
    return (
        select(func.coalesce(func.max(mine.c.number), 0) + 1)
        .where(mine.c.owner == owner)
        .scalar_subquery()
    )


def inserted(new: NewReminder, now: datetime) -> dict[str, Any]:
    """The values of a new reminder's row, with the owner's next number (run the insert
    under ``numbered``)."""
    return {
        **new_reminder_values(new),
        "created_at": now,
        "updated_at": now,
        "attempts": 0,
        "number": next_number(new.owner),
    }


def _number_taken(error: IntegrityError) -> bool:
    # SQLite: "UNIQUE constraint failed: reminders.owner, reminders.number";
    # PostgreSQL: 'duplicate key ... violates unique constraint "uq_reminders_owner_number"'.
    text = str(error.orig)
    return "reminders.number" in text or "uq_reminders_owner_number" in text


async def numbered(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` (one transaction that inserts reminders), again when a concurrent
    insert took the number it chose."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await work()
        except IntegrityError as error:
            if not _number_taken(error) or attempt == ATTEMPTS:
                raise
            log.debug("reminder number taken meanwhile, attempt %d", attempt)
    raise AssertionError("unreachable")
