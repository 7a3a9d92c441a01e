"""What a database outage looks like from here: which exceptions mean "the database is
not answering", and a ``SELECT 1`` that gives up after a short time.

The chat front and the health check need to tell an outage from a bug, but core may not
know SQLAlchemy's or the drivers' exception types; the wiring hands it ``unavailable``.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

# DBAPIError covers the drivers' wrapped errors (OperationalError, InterfaceError: the
# server went away, a connection was cut); OSError and TimeoutError what a driver lets
# through unwrapped while connecting (refused, reset, no route); sqlalchemy's own
# TimeoutError the pool waiting for a connection that never comes back.
_OUTAGE = (exc.DBAPIError, exc.TimeoutError, OSError, TimeoutError, ConnectionError)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what it was raised from) means the database is not answering.

    A constraint violation or a programming error is a ``DBAPIError`` too, but a bug, not
    an outage: those are not counted.
    """
    seen: BaseException | None = error
    for _ in range(5):  # the chain: a wrapped driver error carries the original
        if seen is None:
            return False
        if isinstance(seen, exc.IntegrityError | exc.ProgrammingError | exc.DataError):
            return False
        if isinstance(seen, _OUTAGE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


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
