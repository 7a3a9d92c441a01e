"""The pacer on a fake clock: buckets, pauses learnt from the platform, retries, order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.ports import DeliveryError
from bot.pacing import MATTERMOST_LIMITS, SLACK_LIMITS, Limits, Pacer


class FakeTime:
    """A monotonic clock that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the pacer never sleeps for nothing (no busy loop)"
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def _pacer(limits: Limits) -> tuple[Pacer, FakeTime]:
    fake = FakeTime()
    exact = replace(limits, headroom=1.0)  # the arithmetic below is of the exact rates
    return Pacer(exact, monotonic=fake.monotonic, sleep=fake.sleep), fake


async def _stamp(fake: FakeTime, seen: list[float], _n: int) -> float:
    seen.append(fake.now)
    return fake.now


async def test_a_conversation_gets_its_burst_then_one_call_per_second() -> None:
    pacer, fake = _pacer(Limits(per_conversation=1.0, conversation_burst=3))
    seen: list[float] = []
    for _ in range(6):
        await pacer.call("D1", lambda n: _stamp(fake, seen, n))
    assert [round(t - 100, 6) for t in seen] == [0, 0, 0, 1, 2, 3]


async def test_the_app_bucket_spans_conversations() -> None:
    pacer, fake = _pacer(Limits(app=10.0, app_burst=5))
    seen: list[float] = []
    await asyncio.gather(*(pacer.call(f"D{i}", lambda n: _stamp(fake, seen, n)) for i in range(25)))
    assert len(seen) == 25
    assert max(seen) - 100 == pytest.approx(Limits(app=10.0, app_burst=5).least_seconds(25, 25))
    assert max(seen) - 100 == pytest.approx(2.0)


async def test_retry_after_pauses_the_conversation_and_is_obeyed() -> None:
    pacer, fake = _pacer(Limits(per_conversation=100.0, conversation_burst=10))
    seen: list[float] = []

    async def limited(n: int) -> str:
        seen.append(fake.now)
        if n == 1:
            raise DeliveryError("ratelimited", temporary=True, retry_after=7)
        return "posted"

    assert await pacer.call("C1", limited) == "posted"
    assert seen[1] - seen[0] >= 7
    # Another conversation is not paused; the app is not.
    other: list[float] = []
    start = fake.now
    await pacer.call("C2", lambda n: _stamp(fake, other, n))
    assert other == [start]


async def test_an_app_wide_429_pauses_every_conversation() -> None:
    pacer, fake = _pacer(Limits(app=100.0, app_burst=10, rate_limited="app"))
    pacer.pause(None, 4)
    seen: list[float] = []
    await pacer.call("X", lambda n: _stamp(fake, seen, n))
    assert seen == [104.0]


async def test_spent_ratelimit_headers_pause_until_the_reset() -> None:
    pacer, fake = _pacer(Limits(app=100.0, app_burst=10))
    pacer.learn(limit="10", remaining="5", reset="9")
    assert pacer.paused_for("any") == 0
    # Spent: 10 tokens refill in 3 s, so the next one is there in 0.3 s.
    pacer.learn(limit="10", remaining="0", reset="3")
    assert pacer.paused_for("any") == pytest.approx(0.3)
    pacer.learn(limit=None, remaining="0", reset="2")  # no limit told: the whole reset
    assert pacer.paused_for("any") == 2
    pacer.learn(limit="10", remaining="junk", reset="9")  # unreadable: learnt nothing more
    seen: list[float] = []
    await pacer.call("any", lambda n: _stamp(fake, seen, n))
    assert seen == [102.0]


async def test_server_errors_back_off_then_give_up_after_patience() -> None:
    pacer, fake = _pacer(Limits(patience=3.0, first_backoff=0.5))
    tries: list[float] = []

    async def broken(_n: int) -> str:
        tries.append(fake.now)
        raise DeliveryError("server_error", temporary=True)

    with pytest.raises(DeliveryError, match="server_error"):
        await pacer.call("D1", broken)
    assert fake.sleeps == [0.5, 1.0]  # the next, 2 s, would pass the 3 s of patience
    assert len(tries) == 3


async def test_a_permanent_error_is_not_retried() -> None:
    pacer, _ = _pacer(Limits())
    tries = 0

    async def refused(_n: int) -> str:
        nonlocal tries
        tries += 1
        raise DeliveryError("channel_not_found", temporary=False)

    with pytest.raises(DeliveryError):
        await pacer.call("C1", refused)
    assert tries == 1


async def test_calls_to_one_conversation_keep_their_order_through_a_failure() -> None:
    pacer, fake = _pacer(SLACK_LIMITS)
    order: list[int] = []
    failed = False

    def attempt(k: int) -> Callable[[int], Awaitable[None]]:
        async def run(_n: int) -> None:
            nonlocal failed
            if k == 0 and not failed:
                failed = True
                raise DeliveryError("server_error", temporary=True)
            order.append(k)

        return run

    await asyncio.gather(*(pacer.call("D1", attempt(k)) for k in range(5)))
    assert order == [0, 1, 2, 3, 4]
    assert not pacer._turns  # the table of turns empties when nobody waits


def test_least_seconds_is_the_tighter_of_the_buckets() -> None:
    limits = Limits(per_conversation=1.0, conversation_burst=3, app=200.0, app_burst=20)
    assert limits.least_seconds(2000, 2000) == pytest.approx(1980 / 200)
    assert limits.least_seconds(10, 1) == pytest.approx(7.0)


def test_the_docs_state_the_defaults_the_code_has() -> None:
    root = Path(__file__).resolve().parent.parent
    slack = " ".join((root / "docs" / "slack.md").read_text().split())
    mattermost = " ".join((root / "docs" / "mattermost.md").read_text().split())
    per, burst = SLACK_LIMITS.per_conversation, SLACK_LIMITS.conversation_burst
    assert f"{per:g} per second, bursts of {burst}" in slack
    assert f"{SLACK_LIMITS.app:g} per second, bursts of {SLACK_LIMITS.app_burst}" in slack
    app, app_burst = MATTERMOST_LIMITS.app, MATTERMOST_LIMITS.app_burst
    assert f"{app:g} posts per second, bursts of {app_burst}" in mattermost
    for doc in (slack, mattermost):
        assert f"up to {SLACK_LIMITS.patience:g} seconds" in doc
    assert MATTERMOST_LIMITS.patience == SLACK_LIMITS.patience
    assert MATTERMOST_LIMITS.rate_limited == "app" and SLACK_LIMITS.rate_limited == "conversation"


async def test_headroom_sends_a_little_under_the_rate() -> None:
    fake = FakeTime()
    pacer = Pacer(Limits(app=10.0, app_burst=1), monotonic=fake.monotonic, sleep=fake.sleep)
    seen: list[float] = []
    for _ in range(3):
        await pacer.call("D1", lambda n: _stamp(fake, seen, n))
    assert seen[2] - seen[1] == pytest.approx(1 / (10.0 * 0.95))
