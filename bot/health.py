"""What ``/healthz`` reports: the process, the database and each platform connection.

Each check is ``{"ok": true}`` or ``{"ok": false, "reason": "..."}``; the answer is
``{"status": "ok" | "unhealthy", "checks": {...}}``, 200 only when every check is ok
(``bot.http``). The database check is ``SELECT 1`` under a short timeout, so a frozen
database makes the answer a quick 503, never a health check that hangs until the
container's own timeout kills it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import ping

log = logging.getLogger(__name__)
DATABASE_TIMEOUT_S = 2.0
# A platform connection's check: None when connected, else why not.
Problem = Callable[[], Awaitable[str | None]]


class Health:
    """The health check ``bot.http`` serves; ``platforms`` may grow after it is made."""

    def __init__(
        self,
        db: AsyncEngine,
        platforms: dict[str, Problem],
        *,
        timeout: float = DATABASE_TIMEOUT_S,
        process: Callable[[], str | None] | None = None,
    ) -> None:
        self.db = db
        self.platforms = platforms
        self.timeout = timeout
        self.process = process  # the process's own problem (its scheduler), if any

    async def __call__(self) -> tuple[bool, dict[str, Any]]:
        checks = {"process": _check(self.process() if self.process is not None else None)}
        checks["database"] = _check(await ping(self.db, self.timeout))
        for name, problem in sorted(self.platforms.items()):
            try:
                checks[name] = _check(await problem())
            except Exception as error:  # a broken check is an unhealthy platform
                checks[name] = _check(f"the check failed ({type(error).__name__})")
        ok = all(check["ok"] for check in checks.values())
        if not ok:
            failing = {name: c["reason"] for name, c in checks.items() if not c["ok"]}
            log.warning("unhealthy: %s", failing)
        return ok, {"status": "ok" if ok else "unhealthy", "checks": checks}


def _check(problem: str | None) -> dict[str, Any]:
    return {"ok": True} if problem is None else {"ok": False, "reason": problem}
