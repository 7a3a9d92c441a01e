"""``is_current`` without Alembic: the ``HEAD`` constant matches the migration files, and
the plain-SQL check agrees with Alembic on an empty, an older and a current database."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import is_current, upgrade_async
from storage.migrate import HEAD, alembic_config, downgrade_async
from tests.conftest import Database


def test_head_is_the_newest_migration_file() -> None:
    # A new migration under storage/migrations/versions must move HEAD with it, or every
    # start would think the database old (SQLite: migrate again; PostgreSQL: refuse).
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [HEAD]


async def _alembic_heads(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda c: set(MigrationContext.configure(c).get_current_heads())
        )


async def test_is_current_agrees_with_alembic_from_empty_to_head(database: Database) -> None:
    engine = database.engine()
    try:
        assert await _alembic_heads(engine) == set()
        assert not await is_current(engine)
        await upgrade_async(engine, "0004")
        assert await _alembic_heads(engine) == {"0004"}
        assert not await is_current(engine)
        await upgrade_async(engine)
        assert await _alembic_heads(engine) == {HEAD}
        assert await is_current(engine)
        await downgrade_async(engine, "0003")
        assert not await is_current(engine)
    finally:
        await engine.dispose()


async def test_upgrading_a_current_database_leaves_it_current(database: Database) -> None:
    engine = database.engine()
    try:
        await upgrade_async(engine)
        await upgrade_async(engine)  # the start-up path: is_current, then nothing
        assert await _alembic_heads(engine) == {HEAD}
    finally:
        await engine.dispose()
