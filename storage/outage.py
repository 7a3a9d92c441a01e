"""What a database outage looks like from here: which exceptions mean "the database is
not answering", and a ``SELECT 1`` that gives up after a short time.

The chat front and the health check need to tell an outage from a bug, but core may not
know SQLAlchemy's or the drivers' exception types; the wiring hands it ``unavailable``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys

from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

# What a driver lets through unwrapped while connecting (refused, reset, no route), and
# SQLAlchemy's pool waiting for a connection that never comes back.
_RAW = (OSError, TimeoutError, exc.TimeoutError)
# SQLite calls nearly everything OperationalError, "no such table" too: only these are
# the file being away or busy.
_SQLITE = ("database is locked", "unable to open database file", "disk i/o error")


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what it was raised from) means the database is not answering.

    A missing table, bad SQL or a constraint violation is a ``DBAPIError`` too, but a bug,
    not an outage: those are not counted, and the caller lets them raise.
    """
    seen: BaseException | None = error
    outage = (*_RAW, *_postgres())
    for _ in range(6):  # the chain: a wrapped driver error carries the original
        if seen is None:
            return False
        if isinstance(seen, outage):
            return True
        if isinstance(seen, exc.DBAPIError) and seen.connection_invalidated:
            return True  # SQLAlchemy saw the connection drop (is_disconnect)
        if isinstance(seen, sqlite3.OperationalError):
            return str(seen).lower().startswith(_SQLITE)
        seen = seen.__cause__ or seen.__context__
    return False


def _postgres() -> tuple[type[BaseException], ...]:
    """PostgreSQL's own words for "not now": the connection is gone (class 08), the server
    is shutting down or starting up (class 57: admin_shutdown, cannot_connect_now).

    Read from asyncpg only once something imported it (SQLAlchemy does, on the first
    PostgreSQL connection): a process on SQLite never loads the driver (2.7 MiB), and no
    asyncpg error can reach here before it is loaded.
    """
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is None:
        return ()
    errors = asyncpg.exceptions
    return (errors.PostgresConnectionError, errors.OperatorInterventionError)


async def ping(db: AsyncEngine, timeout: float) -> str | None:  # noqa: ASYNC109
    """``None`` when ``SELECT 1`` answers within ``timeout`` seconds, else why not.

    The timeout is what makes a frozen server (it accepts the connection, then never
    answers) a quick "no" instead of a health check that hangs. The query runs in a task
    of its own that is cancelled and left to finish in the background: awaiting the
    cancellation would wait on the frozen server again (the pool's cleanup of the
    connection talks to it), which measured 4 s for a 2 s timeout.
    """
    task = asyncio.create_task(_select_one(db), name="database-ping")
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        _abandoned.add(task)
        task.add_done_callback(_forget)
        return f"no answer to SELECT 1 within {timeout:g} s"
    error = task.exception()
    return None if error is None else reason(error)


# Pings given up on: held until they end, so they are not collected mid-flight.
_abandoned: set[asyncio.Task[None]] = set()


def _forget(task: asyncio.Task[None]) -> None:
    _abandoned.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: it was reported as the timeout already


async def _select_one(db: AsyncEngine) -> None:
    async with db.connect() as conn:
        await conn.execute(text("SELECT 1"))


def reason(error: BaseException) -> str:
    """The first line of what the driver said, without SQLAlchemy's wrapping."""
    said = str(getattr(error, "orig", None) or error).strip().splitlines()
    return said[0] if said and said[0] else type(error).__name__
