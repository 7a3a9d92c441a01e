"""Client-side pacing: stay inside a chat platform's rate limits instead of hitting them.

A platform limits posts per conversation (Slack: about one message per second per
channel, short bursts allowed) and per app (Slack's workspace-wide limit, Mattermost's
per-user/IP limiter). A 09:00 herd of thousands of reminders would otherwise run into 429s
and come back as retries minutes later, out of order. ``Pacer`` keeps a token bucket per
conversation and one for the app, waits for both before each call, and learns from the
platform: ``Retry-After`` pauses the conversation (or the whole app) that long, and
``X-Ratelimit-*`` pause the app until its next token when its budget is spent.

Calls to one conversation go one at a time, in the order they asked (a FIFO lock), and a
temporary failure is retried in place for up to ``patience`` seconds: the later reminders of
that conversation wait behind it, so a person gets them in order even through a short
outage. After that the error goes to the dispatcher, which defers the occurrence.

Neutral on purpose (no platform imports): both adapters use it and stay independent.
The clock (``monotonic``) and ``sleep`` are injectable, so tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from bot.core.ports import DeliveryError

T = TypeVar("T")
Scope = Literal["conversation", "app"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bucket parameters: ``rate`` tokens per second refill a bucket of ``burst``.

    Args:
        per_conversation: calls per second to one conversation (``None``: no limit).
        conversation_burst: how many may go at once to an idle conversation.
        app: calls per second for the whole app (``None``: no limit).
        app_burst: how many may go at once when the app has been idle.
        rate_limited: what a 429 pauses: the conversation it was for, or the whole app.
        patience: seconds a call keeps retrying temporary failures before giving up.
        first_backoff: the first wait after a failure that named no wait (doubles).
        headroom: the share of each rate the pacer uses. The platform counts a call when
            it arrives, the pacer when it leaves; on an empty bucket a few milliseconds of
            network jitter bunch two calls into one token's time and earn a 429. Sending
            at 95% lets the platform's bucket keep a little in hand.
    """

    per_conversation: float | None = None
    conversation_burst: int = 1
    app: float | None = None
    app_burst: int = 1
    rate_limited: Scope = "conversation"
    patience: float = 20.0
    first_backoff: float = 0.5
    headroom: float = 0.95

    def least_seconds(self, calls: int, conversations: int) -> float:
        """The shortest time ``calls`` spread evenly over ``conversations`` can take
        within these limits (the platform's, without headroom), starting with full
        buckets (for benchmarks)."""
        least = 0.0
        if self.app is not None:
            least = max(least, max(0, calls - self.app_burst) / self.app)
        if self.per_conversation is not None and conversations:
            each = -(-calls // conversations)
            least = max(least, max(0, each - self.conversation_burst) / self.per_conversation)
        return least


# https://api.slack.com/methods/chat.postMessage#rate_limiting: "1 message per second per
# channel, short bursts allowed"; the workspace-wide limit is not published as a number,
# so the app bucket is a cautious guess that a 429 corrects (REMINDBOT_SLACK_APP_RATE and
# REMINDBOT_SLACK_APP_BURST set it).
SLACK_LIMITS = Limits(per_conversation=1.0, conversation_burst=3, app=10.0, app_burst=30)
# Mattermost's RateLimitSettings defaults: PerSec 10, MaxBurst 100, per user (the bot);
# the server has no per-channel limit, and its 429 is for the bot as a whole (a server
# configured otherwise: REMINDBOT_MATTERMOST_RATE and REMINDBOT_MATTERMOST_BURST).
MATTERMOST_LIMITS = Limits(app=10.0, app_burst=100, rate_limited="app")


def slack_limits(app_rate: float, app_burst: int) -> Limits:
    """Slack's limits with the app-wide bucket an operator set."""
    return dataclasses.replace(SLACK_LIMITS, app=app_rate, app_burst=app_burst)


def mattermost_limits(rate: float, burst: int) -> Limits:
    """Mattermost's limits as the server's RateLimitSettings say."""
    return dataclasses.replace(MATTERMOST_LIMITS, app=rate, app_burst=burst)


class _Bucket:
    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.at = float(burst), now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now), after refilling to ``now``."""
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        # A hair short of a token counts: float rounding must not make a sleep of 1e-15 s.
        return 0.0 if self.tokens >= 1 - 1e-9 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class Pacer:
    """Waits for the budget before each call and learns the platform's answers."""

    def __init__(
        self,
        limits: Limits,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._now = monotonic
        self._sleep = sleep
        now = monotonic()
        app = limits.app * limits.headroom if limits.app else None
        self._app = _Bucket(app, limits.app_burst, now) if app else None
        self._buckets: dict[str, _Bucket] = {}
        self._paused: dict[str, float] = {}
        self._app_paused = 0.0
        self._turns: dict[str, _Turn] = {}
        self.waited = 0.0  # seconds spent waiting for budget, in total (for benchmarks)

    # --- learning ----------------------------------------------------------------------------

    def pause(self, conversation: str | None, seconds: float) -> None:
        """No call to ``conversation`` (``None``: to anything) for ``seconds``."""
        until = self._now() + max(0.0, seconds)
        if conversation is None:
            self._app_paused = max(self._app_paused, until)
        else:
            self._paused[conversation] = max(self._paused.get(conversation, 0.0), until)

    def learn(self, limit: str | None, remaining: str | None, reset: str | None) -> None:
        """Mattermost's ``X-Ratelimit-Limit``, ``-Remaining`` and ``-Reset`` (whole seconds
        until the bucket is full again, as its limiter sends them): with nothing left, the
        next token comes in about ``reset / limit`` seconds; wait that long."""
        most, left, full = _number(limit), _number(remaining), _number(reset)
        if left is not None and left < 1 and full is not None:
            self.pause(None, full / most if most and most >= 1 else full)

    def paused_for(self, conversation: str) -> float:
        """Seconds until ``conversation`` may be called (0: now)."""
        until = max(self._app_paused, self._paused.get(conversation, 0.0))
        return max(0.0, until - self._now())

    # --- calling -----------------------------------------------------------------------------

    async def call(
        self,
        conversation: str,
        attempt: Callable[[int], Awaitable[T]],
    ) -> T:
        """Run ``attempt(n)`` (n = 1, 2, ...) within the limits, in ``conversation``'s turn.

        A temporary ``DeliveryError`` is retried: after its ``retry_after`` (which pauses the
        conversation or the app, as ``Limits.rate_limited`` says), else after a doubling
        backoff, until ``patience`` is spent; then, or on a permanent error, it is raised.
        """
        async with self.turn(conversation):
            give_up = self._now() + self.limits.patience
            backoff = self.limits.first_backoff
            n = 0
            while True:
                await self._budget(conversation)
                n += 1
                try:
                    return await attempt(n)
                except DeliveryError as error:
                    if not error.temporary:
                        raise
                    wait = error.retry_after
                    if wait is not None:
                        scope = conversation if self.limits.rate_limited == "conversation" else None
                        self.pause(scope, wait)
                    else:
                        wait, backoff = backoff, backoff * 2
                    if self._now() + wait > give_up:
                        raise
                    if error.retry_after is None:
                        await self._sleep(wait)

    async def _budget(self, conversation: str) -> None:
        """Sleep until the conversation and the app have a token and no pause; take them."""
        while True:
            now = self._now()
            wait = max(self._app_paused, self._paused.get(conversation, 0.0)) - now
            bucket = self._bucket(conversation, now)
            if bucket is not None:
                wait = max(wait, bucket.wait(now))
            if self._app is not None:
                wait = max(wait, self._app.wait(now))
            if wait <= 0:
                if bucket is not None:
                    bucket.take()
                if self._app is not None:
                    self._app.take()
                return
            self.waited += wait
            await self._sleep(wait)

    def _bucket(self, conversation: str, now: float) -> _Bucket | None:
        rate = self.limits.per_conversation
        if rate is None:
            return None
        if conversation not in self._buckets:
            if len(self._buckets) > 10_000:  # forget idle, full buckets: a herd is big
                self._forget_full(now)
            paced = rate * self.limits.headroom
            self._buckets[conversation] = _Bucket(paced, self.limits.conversation_burst, now)
        return self._buckets[conversation]

    def _forget_full(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            if bucket.wait(now) == 0 and bucket.tokens >= bucket.burst:
                del self._buckets[key]
        self._paused = {k: v for k, v in self._paused.items() if v > now}

    @contextlib.asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        """``key``'s FIFO lock (``call`` takes the conversation's). Take it for a
        recipient before any I/O to keep their deliveries in order when finding the
        conversation itself is a call (opening a DM). Dropped when nobody wants it."""
        turn = self._turns.setdefault(key, _Turn())
        turn.users += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._turns[key]


class _Turn:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
