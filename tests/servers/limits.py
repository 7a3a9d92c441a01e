"""Rate limits and outages for the stand-ins, as the real platforms enforce them.

``RateLimiter`` keeps a token bucket per channel (Slack's chat.postMessage: about one
message per second per channel, short bursts allowed) and one for the whole app (Slack's
workspace limit; Mattermost's per-user/IP limiter, which answers 429 with
``X-Ratelimit-Limit``, ``X-Ratelimit-Remaining`` and ``X-Ratelimit-Reset``). ``Outage``
switches a stand-in to answering 500, 429 with ``Retry-After``, or holding requests
unanswered, for a period or until the test ends it. Both use the real monotonic clock: the
stand-ins are real servers, and periods are seconds. An outage can read a test's fake
clock instead (``Outage(monotonic=...)``), so a minute of it passes without a minute's wait.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["error", "ratelimit", "hold"]


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    at: float

    def wait(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True, slots=True)
class Verdict:
    """A refused call: ``retry_after`` seconds (fractional), and the app bucket's state."""

    retry_after: float
    limit: int
    remaining: int
    reset: float

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, rounded up, as Slack and Mattermost send ``Retry-After``."""
        return str(max(1, math.ceil(self.retry_after)))


class RateLimiter:
    """Per-channel and app-wide token buckets; ``check`` takes a token or refuses."""

    def __init__(
        self,
        *,
        per_channel: float | None = None,
        channel_burst: int = 1,
        app: float | None = None,
        app_burst: int = 1,
    ) -> None:
        now = time.monotonic()
        self.per_channel, self.channel_burst = per_channel, channel_burst
        self.app = _Bucket(app, app_burst, app_burst, now) if app else None
        self.channels: dict[str, _Bucket] = {}
        self.allowed = 0
        self.refused = 0

    def check(self, channel: str) -> Verdict | None:
        """``None`` (a token of the channel and of the app taken), or why not."""
        now = time.monotonic()
        wait = 0.0
        bucket = None
        if self.per_channel is not None:
            bucket = self.channels.setdefault(
                channel,
                _Bucket(self.per_channel, self.channel_burst, self.channel_burst, now),
            )
            wait = bucket.wait(now)
        if self.app is not None:
            wait = max(wait, self.app.wait(now))
        if wait > 0:
            self.refused += 1
            return Verdict(wait, *self.app_state(now))
        if bucket is not None:
            bucket.tokens -= 1
        if self.app is not None:
            self.app.tokens -= 1
        self.allowed += 1
        return None

    def app_state(self, now: float | None = None) -> tuple[int, int, float]:
        """The app bucket as ``X-Ratelimit-*`` tells it: limit (the burst), remaining, and
        reset: seconds until the bucket is full again (the throttled library's meaning)."""
        if self.app is None:
            return 0, 0, 0.0
        at = time.monotonic() if now is None else now
        self.app.wait(at)
        remaining = int(self.app.tokens)
        reset = (self.app.burst - self.app.tokens) / self.app.rate
        return int(self.app.burst), remaining, reset


class Outage:
    """Until ``until`` (on ``monotonic``), answer ``kind``: 500, 429 with ``Retry-After:
    retry_after`` (and, on Mattermost, ``X-Ratelimit-Reset`` alike), or hold the request.

    ``monotonic`` is the real clock unless a test passes its fake one; ``start`` without
    ``seconds`` lasts until ``end()``.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self.kind: Kind = "error"
        self.until = 0.0
        self.seconds_held = 5.0
        self.retry_after = 1

    def start(self, kind: Kind, seconds: float = math.inf, *, retry_after: int = 1) -> None:
        if retry_after < 1:
            raise ValueError("Retry-After is whole seconds, at least 1")
        self.kind, self.until = kind, self.monotonic() + seconds
        self.retry_after = retry_after

    def end(self) -> None:
        """Over now, however long it was meant to last."""
        self.until = -math.inf

    def now(self) -> Kind | None:
        return self.kind if self.monotonic() < self.until else None
