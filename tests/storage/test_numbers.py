"""The owners' own reminder numbers: given at insert, unique per owner, also when inserts
race from two engines, and given to reminders that existed before migration 0004."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.core.model import ReminderState
from storage import SqlReminderRepository, upgrade_async
from storage.migrate import downgrade_async
from tests.conftest import Database
from tests.factories import new_reminder


@pytest.fixture
async def replica(
    database: Database, repo: SqlReminderRepository
) -> AsyncIterator[SqlReminderRepository]:
    engine = database.engine()
    yield SqlReminderRepository(engine)
    await engine.dispose()


async def test_numbers_count_per_owner(repo: SqlReminderRepository, clock: ManualClock) -> None:
    ann = [await repo.add(new_reminder(owner="slack:T1:ann"), clock.now()) for _ in range(3)]
    bo = await repo.add(new_reminder(owner="slack:T1:bo"), clock.now())
    assert [r.number for r in ann] == [1, 2, 3] and bo.number == 1
    found = await repo.by_number("slack:T1:ann", 2)
    assert found is not None and found.id == ann[1].id
    assert await repo.by_number("slack:T1:bo", 2) is None
    assert await repo.by_number("slack:T1:ann", 2**40) is None


async def test_racing_inserts_of_one_owner_get_distinct_numbers(
    repo: SqlReminderRepository, replica: SqlReminderRepository, clock: ManualClock
) -> None:
    made = await asyncio.gather(
        *(r.add(new_reminder(owner="slack:T1:ann"), clock.now()) for r in [repo, replica] * 6)
    )
    assert sorted(r.number or 0 for r in made) == list(range(1, 13))


async def test_a_given_up_number_is_handed_out_again_and_a_stale_save_keeps_none(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    first = await repo.add(new_reminder(state=ReminderState.DRAFT), clock.now())
    given_up = await repo.save(
        replace(first, state=ReminderState.CANCELLED, number=None), clock.now()
    )
    assert given_up.number is None
    again = await repo.add(new_reminder(), clock.now())
    assert again.number == 1
    # Writing back the old value never takes the number again.
    await repo.save(replace(given_up, number=1), clock.now())
    stored = await repo.get(first.id)
    assert stored is not None and stored.number is None


async def test_migration_numbers_existing_reminders_by_owner(engine: AsyncEngine) -> None:
    await downgrade_async(engine, "0003")
    rows = [("ann", "scheduled"), ("bo", "completed"), ("ann", "cancelled"), ("ann", "draft")]
    async with engine.begin() as conn:
        for owner, state in rows:
            await conn.execute(
                text(
                    "INSERT INTO reminders (owner, platform, workspace, conversation,"
                    " target_kind, target_ref, target_name, message, phrase, tz, state, origin,"
                    " created_by, created_at, updated_at, attempts) VALUES (:o, 'slack', 'T1',"
                    " 'D1', 'me', '', '', 'm', 'p', 'UTC', :s, 'chat', :o,"
                    " '2026-11-23 09:00:00', '2026-11-23 09:00:00', 0)"
                ),
                {"o": owner, "s": state},
            )
    await upgrade_async(engine)
    async with engine.connect() as conn:
        found = (await conn.execute(text("SELECT owner, number FROM reminders ORDER BY id"))).all()
    assert [tuple(r) for r in found] == [("ann", 1), ("bo", 1), ("ann", None), ("ann", 2)]
