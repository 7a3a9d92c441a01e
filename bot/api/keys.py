"""``Idempotency-Key``: the first request with a key does the work; a repeat gets the
first answer (kept for a day, per token), also while the first is still running (it
waits); the same key with another body is a mistake (422)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.core.errors import InvalidRequest
from bot.core.ports import ApiRepository, Clock

KEEP = timedelta(hours=24)
WAIT_S = 30.0
_POLL_S = 0.02
Work = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]


def body_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def once(
    repo: ApiRepository, clock: Clock, token_id: int, key: str, body: Any, work: Work
) -> tuple[int, dict[str, Any]]:
    """``work()``'s answer for the first request with ``key``; the same for the others.

    Raises:
        InvalidRequest: ``key_reused`` (another body), ``key_busy`` (the first did not
            finish within ``WAIT_S``).
    """
    wanted = body_hash(body)
    await repo.forget_keys(clock.now() - 2 * KEEP)
    async with asyncio.timeout(WAIT_S):
        while True:
            keyed = await repo.claim_key(token_id, key, wanted, clock.now())
            if keyed.fresh:
                return await _do(repo, token_id, key, work)
            if keyed.request_hash and keyed.request_hash != wanted:
                raise InvalidRequest("key_reused")
            if keyed.status_code is not None and keyed.response is not None:
                return keyed.status_code, keyed.response
            await asyncio.sleep(_POLL_S)  # the first is still at it (maybe elsewhere)


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
