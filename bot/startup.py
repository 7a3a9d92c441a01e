"""Starting while the database is not there yet: try again with backoff, then give up.

Replicas are often started before their database (a compose file, a cluster restart);
exiting at the first refused connection made the orchestrator restart them in a tight
loop. Each attempt logs one line; after ``REMINDBOT_DB_START_TIMEOUT_SECONDS`` in all the
start ends with one sentence. A database that answers but is not migrated is not waited
for: nobody will migrate it while we wait.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 5.0


class Unreachable(Exception):
    """The database did not answer; ``str()`` is the sentence to end the start with."""


async def with_retries(
    attempt: Callable[[], Awaitable[None]],
    *,
    where: str,
    timeout: float,  # noqa: ASYNC109
    first_delay: float = FIRST_DELAY_S,
    max_delay: float = MAX_DELAY_S,
    monotonic: Callable[[], float] = time.monotonic,
    on_retry: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    """Run ``attempt`` until it does not raise ``Unreachable`` or ``timeout`` s have gone.
    ``on_retry`` hears each failed attempt's sentence before the wait (``/healthz``
    answers with it meanwhile, bot/waiting.py).

    Raises:
        Unreachable: the last attempt's, once the time is up, with how long we tried.
    """
    deadline = monotonic() + timeout
    delay = first_delay
    tries = 0
    while True:
        tries += 1
        try:
            await attempt()
        except Unreachable as error:
            left = deadline - monotonic()
            if left <= 0:
                if tries > 1:
                    raise Unreachable(f"{error} I tried {tries} times in {timeout:g} s.") from None
                raise
            wait = min(delay, left)
            log.warning("%s Attempt %d; trying again in %.1f s.", error, tries, wait)
            if on_retry is not None:
                await on_retry(str(error))
            await asyncio.sleep(wait)
            delay = min(delay * 2, max_delay)
            continue
        if tries > 1:
            log.info("database at %s reachable after %d attempts", where, tries)
        return
