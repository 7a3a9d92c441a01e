"""Alembic migrations: from empty to head and back, and in step with the models."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import upgrade, upgrade_async
from storage.migrate import downgrade_async
from storage.models import Base
from tests.conftest import Database

HEAD = "0005"
TABLES = {
    "alembic_version",
    "users",
    "reminders",
    "occurrences",
    "occurrence_completions",
    "inbound_events",
    "audit_log",
    "pending_prompts",
    "bot_secrets",
    "api_tokens",
    "idempotency_keys",
    "entity_states",
    "deliveries",
    "workspace_settings",
    "templates",
    "calendar_tokens",
}


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def _version(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list(
            (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars()
        )


async def test_sync_upgrade_from_empty_creates_all_tables(database: Database) -> None:
    # upgrade() runs its own loop, so it is called the way a CLI would: with none running.
    await asyncio.to_thread(upgrade, database.url, schema=database.schema)
    engine = database.engine()
    try:
        assert await _tables(engine) == TABLES
        assert await _version(engine) == [HEAD]
    finally:
        await engine.dispose()


async def test_upgrade_twice_is_a_no_op(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, action) VALUES "
                "('2026-11-23 09:00:00', 'me', 'kept')"
            )
        )
    await upgrade_async(engine)
    assert await _version(engine) == [HEAD]
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT action FROM audit_log"))).scalar() == "kept"


async def test_upgrade_inside_a_running_loop_is_refused(database: Database) -> None:
    try:
        upgrade(database.url, schema=database.schema)
    except RuntimeError as exc:
        assert "upgrade_async" in str(exc)
    else:
        raise AssertionError("upgrade() ran inside an event loop")


async def test_downgrade_to_base_drops_everything(engine: AsyncEngine) -> None:
    await downgrade_async(engine, "base")
    assert await _tables(engine) == {"alembic_version"}
    assert await _version(engine) == []


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(diff) == []
