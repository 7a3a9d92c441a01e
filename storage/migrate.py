"""Alembic, configured in code so it runs from an installed package without alembic.ini."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import make_engine
from storage.urls import normalize_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None, *, schema: str | None = None) -> Config:
    """An Alembic ``Config`` for our migrations; ``url`` is only needed without a connection.

    For the Alembic API (``command.revision(cfg, autogenerate=True)`` and the like).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # ConfigParser interpolation would eat the % of a percent-encoded password.
        config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    config.attributes["schema"] = schema
    return config


def upgrade(url: str, *, schema: str | None = None) -> None:
    """Migrate the database at ``url`` to the latest revision.

    For synchronous callers (``remindbot db upgrade``): it runs its own event loop, so it
    must not be called inside a running one; there, ``await upgrade_async(engine)``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_upgrade_url(url, schema))
        return
    raise RuntimeError("upgrade() was called inside an event loop; await upgrade_async()")


async def _upgrade_url(url: str, schema: str | None) -> None:
    engine = make_engine(url, schema=schema)
    try:
        await upgrade_async(engine)
    finally:
        await engine.dispose()


async def upgrade_async(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate from inside a running loop (the app's start-up), in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the database is at the newest revision (not: no tables yet, or older ones)."""
    async with engine.connect() as connection:
        found = await connection.run_sync(
            lambda c: set(MigrationContext.configure(c).get_current_heads())
        )
    return found == set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def downgrade_async(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, "downgrade", revision)


def _run(connection: Connection, direction: str, revision: str) -> None:
    # The Alembic cookbook recipe: env.py picks the connection up from the attributes.
    config = alembic_config()
    config.attributes["connection"] = connection
    step = command.upgrade if direction == "upgrade" else command.downgrade
    step(config, revision)
