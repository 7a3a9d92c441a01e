"""Async engines for SQLite (the default) and PostgreSQL, configured for concurrent use."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.urls import normalize_url

# UPDATE ... RETURNING, which the claim needs, arrived in SQLite 3.35.
MIN_SQLITE = (3, 35)
SQLITE_BUSY_TIMEOUT_S = 15


def make_engine(url: str, *, schema: str | None = None) -> AsyncEngine:
    """An async engine for ``url`` (plain URLs are accepted, see ``normalize_url``).

    SQLite gets WAL, a busy timeout and foreign keys, and its parent directory is
    created. ``schema`` (PostgreSQL only) becomes the connection's ``search_path``,
    so every table, including Alembic's, lives in that schema.
    """
    parsed = make_url(normalize_url(url))
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise ValueError("schema= is for PostgreSQL; SQLite has one schema per file")
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        connect_args = {"server_settings": {"search_path": schema}} if schema else {}
        return create_async_engine(parsed, connect_args=connect_args)
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def _sqlite_engine(url: URL) -> AsyncEngine:
    check_sqlite_version(sqlite3.sqlite_version_info)
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def check_sqlite_version(version: tuple[int, ...]) -> None:
    if version < MIN_SQLITE:
        found = ".".join(map(str, version))
        raise RuntimeError(
            f"SQLite {found} is too old: remindbot needs 3.35 or newer (for RETURNING). "
            "Use a Python built against a newer SQLite, or PostgreSQL."
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer; the claim relies on single statements.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
