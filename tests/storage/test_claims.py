"""claim_due: who gets a due reminder, and that nobody else gets it while leased."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.core.model import ReminderState
from storage import SqlReminderRepository
from storage.mapping import new_reminder_values
from storage.models import ReminderRow
from tests.conftest import Database
from tests.factories import DUE, new_reminder

LEASE = timedelta(minutes=5)


async def test_only_due_scheduled_live_reminders_are_claimed(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    due = await repo.add(new_reminder(next_due=DUE), now)
    await repo.add(new_reminder(next_due=DUE + timedelta(seconds=1)), now)
    await repo.add(new_reminder(next_due=None), now)
    for state in (ReminderState.DRAFT, ReminderState.PAUSED, ReminderState.COMPLETED):
        await repo.add(new_reminder(state=state), now)
    deleted = await repo.add(new_reminder(), now)
    await repo.save(replace(deleted, deleted_at=now), now)
    claimed = await repo.claim_due(DUE, DUE + LEASE, 10)
    assert [r.id for r in claimed] == [due.id]
    assert claimed[0].lease_until == DUE + LEASE


async def test_leased_reminder_is_not_claimed_until_lease_passes(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    added = await repo.add(new_reminder(), clock.now())
    assert len(await repo.claim_due(DUE, DUE + LEASE, 10)) == 1
    assert await repo.claim_due(DUE + LEASE - timedelta(seconds=1), DUE + 2 * LEASE, 10) == []
    retaken = await repo.claim_due(DUE + LEASE, DUE + 2 * LEASE, 10)
    assert [(r.id, r.lease_until) for r in retaken] == [(added.id, DUE + 2 * LEASE)]


async def test_saved_reminder_is_claimable_again_when_due(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.add(new_reminder(), clock.now())
    (claimed,) = await repo.claim_due(DUE, DUE + LEASE, 10)
    await repo.save(replace(claimed, next_due=DUE + timedelta(days=1)), DUE)
    assert await repo.claim_due(DUE + LEASE, DUE + 2 * LEASE, 10) == []
    tomorrow = DUE + timedelta(days=1)
    assert [r.id for r in await repo.claim_due(tomorrow, tomorrow + LEASE, 10)] == [claimed.id]


async def test_claim_and_next_due_can_be_limited_to_platforms(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    console = await repo.add(new_reminder(platform="console", next_due=DUE), now)
    slack = await repo.add(new_reminder(next_due=DUE + timedelta(minutes=1)), now)
    assert await repo.next_due(platforms=("slack",)) == DUE + timedelta(minutes=1)
    assert await repo.next_due(platforms=("console", "slack")) == DUE
    assert await repo.next_due(platforms=()) is None
    later = DUE + timedelta(minutes=1)
    assert await repo.claim_due(later, later + LEASE, 10, platforms=()) == []
    assert [r.id for r in await repo.claim_due(later, later + LEASE, 10, platforms=("slack",))] == [
        slack.id
    ]
    assert [r.id for r in await repo.claim_due(later, later + LEASE, 10)] == [console.id]


async def test_most_overdue_first_up_to_limit(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    offsets = [3, 1, 4, 0, 2]
    added = {
        n: await repo.add(new_reminder(next_due=DUE - timedelta(minutes=n)), clock.now())
        for n in offsets
    }
    first = await repo.claim_due(DUE, DUE + LEASE, 3)
    assert [r.id for r in first] == [added[n].id for n in (4, 3, 2)]
    rest = await repo.claim_due(DUE, DUE + LEASE, 3)
    assert [r.id for r in rest] == [added[n].id for n in (1, 0)]


async def test_two_engines_claim_every_reminder_exactly_once(
    engine: AsyncEngine, database: Database
) -> None:
    expected = await _seed_due(engine, 2000)
    other = database.engine()
    try:
        batches = await asyncio.gather(
            _claim_all(SqlReminderRepository(engine)),
            _claim_all(SqlReminderRepository(other)),
        )
    finally:
        await other.dispose()
    claimed = [reminder_id for batch in batches for reminder_id in batch]
    assert len(claimed) == len(set(claimed))
    assert sorted(claimed) == sorted(expected)


async def _seed_due(engine: AsyncEngine, count: int) -> list[int]:
    rows = [
        {
            **new_reminder_values(new_reminder(next_due=DUE - timedelta(seconds=n))),
            "created_at": DUE,
            "updated_at": DUE,
        }
        for n in range(count)
    ]
    async with engine.begin() as connection:
        result = await connection.execute(insert(ReminderRow).returning(ReminderRow.id), rows)
        return list(result.scalars())


async def _claim_all(repo: SqlReminderRepository) -> list[int]:
    claimed: list[int] = []
    while batch := await repo.claim_due(DUE, DUE + LEASE, 50):
        assert len(batch) <= 50
        claimed.extend(r.id for r in batch)
    return claimed
