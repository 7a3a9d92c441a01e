"""Writers racing from two engines (two replicas): unique keys decide, nobody errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from storage import SqlReminderRepository
from tests.conftest import Database
from tests.factories import DUE, new_reminder


@pytest.fixture
async def replica(
    database: Database, repo: SqlReminderRepository
) -> AsyncIterator[SqlReminderRepository]:
    """A second repository on its own engine, over the same (already migrated) database."""
    engine = database.engine()
    yield SqlReminderRepository(engine)
    await engine.dispose()


async def test_racing_opens_share_one_occurrence(
    repo: SqlReminderRepository, replica: SqlReminderRepository, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    opened = await asyncio.gather(
        *(r.open_occurrence(reminder.id, DUE, clock.now()) for r in [repo, replica] * 5)
    )
    assert len({o.id for o in opened}) == 1
    assert sorted(o.attempts for o in opened) == list(range(1, 11))


async def test_racing_duplicate_events_are_new_exactly_once(
    repo: SqlReminderRepository, replica: SqlReminderRepository, clock: ManualClock
) -> None:
    seen = await asyncio.gather(
        *(r.mark_event_seen("slack", "Ev1", clock.now()) for r in [repo, replica] * 5)
    )
    assert sorted(seen) == [False] * 9 + [True]
