"""What the Mattermost stand-in saw, the faults it was told to inject, and waiting on both."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .limits import Outage, RateLimiter

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One REST request: ``route`` is the server handler's name in snake case
    (``create_post``, ``patch_post``, ...). Header keys are lower-case; ``at`` is monotonic."""

    route: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float
    status: int = 0


@dataclass(frozen=True, slots=True)
class Fault:
    """``status`` 429 answers ``limit exceeded`` with ``X-Ratelimit-*`` headers (``reset``
    seconds; ``None`` leaves them out) and ``Retry-After`` if given; other statuses answer
    an AppError; ``hang`` never answers (until the stand-in stops)."""

    status: int = 500
    reset: int | None = 1
    retry_after: int | None = None
    hang: bool = False


class Recorder:
    """Calls and queued faults, with waits that wake on every change (no polling)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        # The server's rate limiter (set one to enforce it on create_post), and outages.
        self.limiter: RateLimiter | None = None
        self.outage = Outage()
        # The clock of ``Call.at`` (and, with ``use_clock``, of the outage): monotonic.
        self.monotonic: Callable[[], float] = time.monotonic
        self._changed = asyncio.Event()

    def use_clock(self, monotonic: Callable[[], float]) -> None:
        """Read ``monotonic`` (a test's fake clock) for ``Call.at`` and the outage."""
        self.monotonic = monotonic
        self.outage.monotonic = monotonic

    def now(self) -> float:
        return self.monotonic()

    def changed(self) -> None:
        """Wake every waiter; call after any change a test may wait for."""
        self._changed.set()
        self._changed = asyncio.Event()

    def record(self, call: Call) -> None:
        self.calls.append(call)
        self.changed()

    def next_fault(self, route: str) -> Fault | None:
        queue = self.faults[route]
        return queue.popleft() if queue else None

    def calls_to(self, route: str) -> list[Call]:
        return [call for call in self.calls if call.route == route]

    async def wait(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        try:
            async with asyncio.timeout(seconds):
                while not ready():
                    await self._changed.wait()
        except TimeoutError:
            seen = [f"{c.route}:{c.status}" for c in self.calls[-20:]]
            count = len(self.calls)
            raise TimeoutError(
                f"no {what} within {seconds} s; {count} calls, the last: {seen}"
            ) from None


def now() -> float:
    return time.monotonic()
