"""What every part of the repository shares: the engine, sessions and the dialect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.core.ports import Clock
from storage.models import Base

# Ids are INTEGER (int4 on PostgreSQL): a larger number names nothing, and asking the
# database for it would fail rather than find nothing.
MAX_ID = 2**31 - 1
_DIALECTS = ("postgresql", "sqlite")


class Store:
    """A connection to the database, for the repository's parts."""

    def __init__(self, engine: AsyncEngine, *, clock: Clock | None = None) -> None:
        if engine.dialect.name not in _DIALECTS:
            raise ValueError(f"unsupported database {engine.dialect.name!r}")
        self._dialect = engine.dialect.name
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._clock: Clock = clock or SystemClock()
        # SQLite has one writer at a time: queueing this process's writes here instead of
        # in SQLite's busy handler (which sleeps up to 100 ms a try) keeps their latency
        # even under load. PostgreSQL writes in parallel.
        self._one_writer = asyncio.Lock() if self._dialect == "sqlite" else None

    @asynccontextmanager
    async def _write_session(self) -> AsyncIterator[AsyncSession]:
        async with self._one_writer or nullcontext(), self._sessions.begin() as session:
            yield session

    @asynccontextmanager
    async def _write_conn(self) -> AsyncIterator[AsyncConnection]:
        async with self._one_writer or nullcontext(), self._engine.begin() as conn:
            yield conn

    def _upsert(self, entity: type[Base]) -> postgresql.Insert | sqlite.Insert:
        # ON CONFLICT lives on the dialects' own INSERT constructs.
        if self._dialect == "postgresql":
            return postgresql.insert(entity)
        return sqlite.insert(entity)
