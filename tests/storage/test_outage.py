"""Which errors count as "the database is not answering" (storage/outage.py), from real
SQLite and PostgreSQL errors: an outage is, a bug (a constraint, bad SQL) is not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import make_engine, ping, unavailable
from tests.pg_private import free_port


async def _raised(db: AsyncEngine, sql: str) -> Exception:
    with pytest.raises(Exception) as raised:
        async with db.begin() as conn:
            await conn.execute(text(sql))
    assert isinstance(raised.value, Exception)
    return raised.value


async def test_a_bug_is_not_an_outage(engine: AsyncEngine) -> None:
    assert not unavailable(await _raised(engine, "SELECT * FROM no_such_table"))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t_outage (id INTEGER PRIMARY KEY)"))
        await conn.execute(text("INSERT INTO t_outage VALUES (1)"))
    assert not unavailable(await _raised(engine, "INSERT INTO t_outage VALUES (1)"))
    assert not unavailable(ValueError("not ours"))


async def test_a_server_not_there_is_an_outage() -> None:
    db = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres")
    try:
        error = await _raised(db, "SELECT 1")
        assert unavailable(error)
        assert (await ping(db, 2)) is not None
    finally:
        await db.dispose()


async def test_a_sqlite_file_that_cannot_be_opened_is_an_outage(tmp_path: Path) -> None:
    (tmp_path / "bot.db").mkdir()  # a directory where the file should be
    db = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        assert unavailable(await _raised(db, "SELECT 1"))
        assert (await ping(db, 2)) == "unable to open database file"
    finally:
        await db.dispose()


async def test_ping_answers_none_when_the_database_answers(engine: AsyncEngine) -> None:
    assert await ping(engine, 2) is None
