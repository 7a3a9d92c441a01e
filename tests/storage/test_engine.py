"""Engines and column types: SQLite settings, schemas, and UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage import make_engine
from storage.engine import check_sqlite_version
from storage.types import UTCDateTime

CPH = timezone(timedelta(hours=1))
POSTGRESQL = create_engine("postgresql+asyncpg://u@h/db").dialect  # never connects
SQLITE = create_engine("sqlite://").dialect  # never connects


async def test_sqlite_gets_its_directory_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "bot.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
            timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await engine.dispose()
    assert path.exists()
    assert (mode, keys, timeout) == ("wal", 1, 15000)


def test_schema_is_refused_on_sqlite(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="schema"):
        make_engine(f"sqlite:///{tmp_path}/bot.db", schema="other")


def test_old_sqlite_is_refused_clearly() -> None:
    check_sqlite_version((3, 35, 0))
    with pytest.raises(RuntimeError, match=r"SQLite 3\.31\.1 is too old.*RETURNING"):
        check_sqlite_version((3, 31, 1))


def test_utc_datetime_stores_naive_utc_on_sqlite_and_aware_on_postgresql() -> None:
    local = datetime(2026, 11, 23, 10, 0, tzinfo=CPH)
    column = UTCDateTime()
    assert column.process_bind_param(local, SQLITE) == datetime(2026, 11, 23, 9, 0)
    stored = column.process_bind_param(local, POSTGRESQL)
    assert stored is not None and stored.tzinfo is UTC and stored == local


def test_utc_datetime_refuses_naive_input() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 11, 23, 9, 0), SQLITE)


def test_utc_datetime_returns_aware_utc() -> None:
    column = UTCDateTime()
    naive = column.process_result_value(datetime(2026, 11, 23, 9, 0), SQLITE)
    aware = column.process_result_value(datetime(2026, 11, 23, 10, 0, tzinfo=CPH), POSTGRESQL)
    assert naive == aware == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert naive is not None and aware is not None
    assert naive.tzinfo is UTC and aware.tzinfo is UTC
    assert column.process_result_value(None, SQLITE) is None
