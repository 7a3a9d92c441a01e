"""Alembic, configured in code so it runs from an installed package without alembic.ini.

Alembic (with Mako and Pygments, about 11 MiB) is imported only to migrate. Every start
asks ``is_current`` first, which reads the ``alembic_version`` table with plain SQL and
compares it with ``HEAD``, so a process whose database is already at the newest schema
(every start but the first after an upgrade) never loads it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import make_engine
from storage.urls import normalize_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions, known without Alembic's script machinery.
# A new migration must change it: tests/storage/test_head.py checks it against the files.
HEAD = "0005"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None, *, schema: str | None = None) -> Config:
    """An Alembic ``Config`` for our migrations; ``url`` is only needed without a connection.

    For the Alembic API (``command.revision(cfg, autogenerate=True)`` and the like).
    """
    from alembic.config import Config

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
    """Migrate from inside a running loop (the app's start-up), in one transaction.

    A database already at the head is left alone without importing Alembic.
    """
    if revision == "head" and await is_current(engine):
        return
    async with engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the database is at the newest revision (not: no tables yet, or older ones)."""
    async with engine.connect() as connection:
        found = await connection.run_sync(stamped)
    return found == {HEAD}


def stamped(connection: Connection) -> set[str]:
    """The revisions the database says it is at (what Alembic's ``current`` reads);
    none when it has no ``alembic_version`` table yet. The table is looked up unqualified,
    as Alembic does, so a PostgreSQL ``search_path`` schema (``make_engine(schema=)``)
    is honoured."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
    return set(rows.scalars())


async def downgrade_async(engine: AsyncEngine, revision: str) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, "downgrade", revision)


def _run(connection: Connection, direction: str, revision: str) -> None:
    # The Alembic cookbook recipe: env.py picks the connection up from the attributes.
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    step = command.upgrade if direction == "upgrade" else command.downgrade
    step(config, revision)
