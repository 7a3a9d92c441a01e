"""Shared fixtures: a manual clock, and a migrated database on SQLite and PostgreSQL.

PostgreSQL is looked for at 127.0.0.1:5432, database ``test`` (user ``postgres``, then the
current user; ``REMINDBOT_TEST_POSTGRES_URL`` overrides). Each test gets its own schema,
dropped afterwards. Without a server the PostgreSQL cases skip, except under ``CI=true``
or ``REMINDBOT_REQUIRE_POSTGRES=1``, where they fail.
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from storage import SqlReminderRepository, make_engine, upgrade_async

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
_postgres: dict[str, str] = {}  # "url" once found, "error" once given up


@dataclass(frozen=True, slots=True)
class Database:
    """Where a test's database lives: a URL, plus a schema on PostgreSQL."""

    url: str
    schema: str | None = None

    def engine(self) -> AsyncEngine:
        return make_engine(self.url, schema=self.schema)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        yield Database(url=f"sqlite:///{tmp_path / 'data' / 'bot.db'}")
        return
    url = await _postgres_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    await _admin(url, f'CREATE SCHEMA "{schema}"')
    try:
        yield Database(url=url, schema=schema)
    finally:
        await _admin(url, f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db_url(database: Database) -> str:
    return database.url


@pytest.fixture
async def engine(database: Database) -> AsyncIterator[AsyncEngine]:
    engine = database.engine()
    await upgrade_async(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def repo(engine: AsyncEngine, clock: ManualClock) -> SqlReminderRepository:
    return SqlReminderRepository(engine, clock=clock)


# Operations (db copy): a whole database, not a schema, as `remindbot db copy --to` takes.
@pytest.fixture
async def postgres_db() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database on the test server, dropped after."""
    server = await _postgres_url()
    name = f"copy_{uuid.uuid4().hex[:12]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


def _candidates() -> list[str]:
    if url := os.environ.get("REMINDBOT_TEST_POSTGRES_URL"):
        return [url]
    users = dict.fromkeys(["postgres", getpass.getuser()])
    return [f"postgresql://{user}@127.0.0.1:5432/test" for user in users]


async def _postgres_url() -> str:
    if "url" not in _postgres and "error" not in _postgres:
        errors = []
        for url in _candidates():
            try:
                await _admin(url, "SELECT 1")
            except (OSError, DBAPIError) as exc:
                errors.append(f"{url}: {exc.__class__.__name__}: {exc}".splitlines()[0])
                continue
            _postgres["url"] = url
            break
        else:
            _postgres["error"] = "; ".join(errors)
    if "url" in _postgres:
        return _postgres["url"]
    message = f"PostgreSQL is not reachable ({_postgres['error']})"
    required = os.environ.get("CI") == "true" or os.environ.get("REMINDBOT_REQUIRE_POSTGRES") == "1"
    if required:
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


async def _admin(url: str, sql: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(sql))
    finally:
        await engine.dispose()
