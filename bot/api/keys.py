"""``Idempotency-Key``: the first request with a key does the work; a repeat gets the
first answer (kept for a day, per token), also while the first is still running (it
waits); the same key with another body is a mistake (422)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core.errors import InvalidRequest
from bot.core.ports import ApiRepository, Clock

KEEP = timedelta(hours=24)
SWEEP = timedelta(hours=1)
WAIT_S = 30.0
_POLL_S = 0.02
Work = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]


def body_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Keys:
    """The keys of every token; expired ones are forgotten at most once per ``SWEEP``."""

    def __init__(self, repo: ApiRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock
        self._swept: datetime | None = None

    async def once(
        self, token_id: int, key: str, body: Any, work: Work
    ) -> tuple[int, dict[str, Any]]:
        """``work()``'s answer for the first request with ``key``; the same for the others.

        Raises:
            InvalidRequest: ``key_reused`` (another body), ``key_busy`` (the first did not
                finish within ``WAIT_S``).
        """
        repo, wanted = self.repo, body_hash(body)
        await self._sweep()
        async with asyncio.timeout(WAIT_S):
            keyed = await repo.claim_key(token_id, key, wanted, self.clock.now())
            while True:
                if keyed.fresh:
                    return await _do(repo, token_id, key, work)
                if keyed.request_hash and keyed.request_hash != wanted:
                    raise InvalidRequest("key_reused")
                if keyed.status_code is not None and keyed.response is not None:
                    return keyed.status_code, keyed.response
                await asyncio.sleep(_POLL_S)  # the first is still at it (maybe elsewhere)
                keyed = await repo.keyed(token_id, key)  # a read; a claim only if released
                if not keyed.request_hash:
                    keyed = await repo.claim_key(token_id, key, wanted, self.clock.now())

    async def _sweep(self) -> None:
        now = self.clock.now()
        if self._swept is None or now - self._swept >= SWEEP:
            self._swept = now
            await self.repo.forget_keys(now - 2 * KEEP)


async def _do(
    repo: ApiRepository, token_id: int, key: str, work: Work
) -> tuple[int, dict[str, Any]]:
    try:
        status, answer = await work()
    except BaseException:
        await repo.release_key(token_id, key)  # a failed first try leaves the key free
        raise
    if status < 500:
        await repo.finish_key(token_id, key, status, answer)
    else:
        await repo.release_key(token_id, key)
    return status, answer
