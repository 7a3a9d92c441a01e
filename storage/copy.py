"""Moving a deployment's data: every table into a new PostgreSQL database, and a
consistent copy of a SQLite file while the bot keeps writing to it.

A team starts on SQLite and outgrows it; ``copy_database`` is how the data follows. It
copies every table of ``storage.models`` (the list comes from the metadata, so a table
added later is copied without anyone remembering to), refuses a target that holds any
row (a half-merged database is worse than none), and checks the counts at the end.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Integer, Table, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.migrate import is_current, upgrade_async
from storage.models import Base
from storage.urls import normalize_url

BATCH = 1000


class CopyRefused(Exception):
    """The copy or backup cannot be made; ``str()`` is the one sentence to show."""


@dataclass(frozen=True, slots=True)
class Counted:
    """One table's rows in the source and, after the copy, in the target."""

    table: str
    source: int
    target: int


def tables() -> list[Table]:
    """Every table, parents before the tables whose foreign keys point at them."""
    return list(Base.metadata.sorted_tables)


async def copy_database(source: AsyncEngine, target: AsyncEngine) -> list[Counted]:
    """Copy every row from ``source`` into ``target``, migrated to the newest schema first.

    Rows go in primary-key order, ``BATCH`` at a time, all in one target transaction,
    so a failure leaves the target empty. PostgreSQL's id sequences are then moved past
    the highest id, so the next insert does not collide with a copied row.

    Raises:
        CopyRefused: the source is not at the newest schema, or the target has rows;
            or the counts differ after the copy (the transaction is rolled back).
    """
    if not await is_current(source):
        raise CopyRefused(
            "The source database is not at the newest schema: run `remindbot db upgrade` first."
        )
    await _refuse_a_used_target(target)  # before anything is written into it
    await upgrade_async(target)
    async with source.connect() as src, target.begin() as dst:
        full = [t.name for t in tables() if await _count(dst, t)]
        if full:
            raise CopyRefused(
                f"The target database is not empty (rows in {', '.join(full)}): "
                "copy into a new, empty database."
            )
        counts = []
        for table in tables():
            await _copy_table(src, dst, table)
            counts.append(Counted(table.name, await _count(src, table), await _count(dst, table)))
        if dst.dialect.name == "postgresql":
            for table in tables():
                await _reset_sequence(dst, table)
        wrong = [c.table for c in counts if c.source != c.target]
        if wrong:
            raise CopyRefused(f"The copy did not match the source in {', '.join(wrong)}.")
    return counts


async def _refuse_a_used_target(target: AsyncEngine) -> None:
    """A target with tables of another application, or with rows in ours, is refused
    before the migrations touch it. Ours, empty (a target made by `db upgrade`), is fine.

    Raises:
        CopyRefused: with the tables that make it so.
    """
    async with target.connect() as conn:
        names = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        foreign = sorted(names - {t.name for t in tables()} - {"alembic_version"})
        if foreign:
            raise CopyRefused(
                f"The target database has tables of its own ({', '.join(foreign)}): "
                "copy into a new, empty database."
            )
        full = [t.name for t in tables() if t.name in names and await _count(conn, t)]
    if full:
        raise CopyRefused(
            f"The target database is not empty (rows in {', '.join(full)}): "
            "copy into a new, empty database."
        )


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _copy_table(src: AsyncConnection, dst: AsyncConnection, table: Table) -> None:
    order = list(table.primary_key.columns)
    result = await src.stream(select(table).order_by(*order))
    async for rows in result.partitions(BATCH):
        await dst.execute(insert(table), [dict(row._mapping) for row in rows])


async def _reset_sequence(dst: AsyncConnection, table: Table) -> None:
    """``setval`` to the highest id (or back to 1 for an empty table) for a serial id."""
    column = table.columns.get("id")
    if column is None or not column.primary_key or not isinstance(column.type, Integer):
        return
    await dst.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
        ),
        {"table": table.name},
    )


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL.

    Raises:
        CopyRefused: not SQLite, or an in-memory database.
    """
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise CopyRefused(
            "db backup copies a SQLite database; for PostgreSQL use pg_dump "
            "(REMINDBOT_DATABASE_URL is not SQLite)."
        )
    if not parsed.database or parsed.database == ":memory:":
        raise CopyRefused("db backup needs a SQLite file, not an in-memory database.")
    return Path(parsed.database).expanduser()


def backup_sqlite(url: str, file: Path) -> None:
    """A consistent copy of the SQLite database at ``url`` in ``file``, taken with
    SQLite's online backup API, so the bot may keep writing meanwhile.

    Raises:
        CopyRefused: ``file`` exists, the database is not a SQLite file, or not there.
    """
    source = sqlite_path(url)
    if file.exists():
        raise CopyRefused(f"{file} exists already: give a new file name.")
    if not source.is_file():
        raise CopyRefused(f"There is no SQLite database at {source}.")
    file.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(file)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
