"""Bursts of due reminders through the real Dispatcher and the real adapters, against
stand-ins that enforce rate limits and go down for a few seconds (429 with Retry-After,
500, held requests): everything arrives once, in order of due time per user, and the
pacer never calls a paused conversation before its time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.clock import ManualClock
from bot.core.model import ReminderState
from bot.pacing import MATTERMOST_LIMITS, SLACK_LIMITS, Limits, Pacer
from storage import SqlReminderRepository
from tests.herd import (
    Seen,
    add_herd,
    drain,
    expected_order,
    mattermost_gateway,
    mattermost_seen,
    slack_gateway,
    slack_seen,
)
from tests.servers.limits import RateLimiter
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack

USERS, PER_USER = 8, 3


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as fake:
        yield fake


def _all_once_in_order(seen: Seen, conversations: list[str], total: int) -> None:
    assert sum(seen.occurrences.values()) == total
    assert seen.duplicated == 0
    for i, channel in enumerate(conversations):
        assert seen.posts.get(channel) == expected_order(PER_USER, i), channel


def _retry_after_obeyed(calls: list[tuple[str, float, int, float]], in_flight: float = 0) -> int:
    """(conversation, at, status, retry_after) in order: no call to a conversation before
    the Retry-After of its last 429 ran out, but for calls that arrive within ``in_flight``
    seconds of the 429 (sent before its answer came back). Returns how many 429s."""
    paused: dict[str, tuple[float, float]] = {}
    limited = 0
    for channel, at, status, wait in calls:
        refused_at, until = paused.get(channel, (0.0, 0.0))
        early = 0.0 if at - refused_at <= in_flight else until - at
        assert early <= 0, f"{channel} called {early:.3f} s before its Retry-After ran out"
        if status == 429:
            limited += 1
            paused[channel] = (at, at + wait)
    return limited


async def test_slack_burst_through_429s_and_500s_arrives_once_in_order(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> None:
    # The stand-in allows 1 post per second per channel (burst 2); the pacer is told it
    # may send 10 per second, so it must learn from the 429s' Retry-After.
    slack.limiter = RateLimiter(per_channel=1.0, channel_burst=2, app=50.0, app_burst=20)
    users = [f"U{i}" for i in range(1, USERS + 1)]
    total = await add_herd(repo, clock, "slack", users, PER_USER)
    pacer = Pacer(replace(SLACK_LIMITS, per_conversation=10.0, conversation_burst=10))
    slack.outage.start("error", 1.0)

    await drain(repo, clock, slack_gateway(slack, pacer))

    seen = slack_seen(slack)
    _all_once_in_order(seen, [f"D{u[1:]}" for u in users], total)
    assert seen.statuses[500] > 0 and seen.statuses[429] > 0
    calls = slack.calls_to("chat.postMessage")
    timeline = [
        (str(c.args["channel"]), c.at, c.status, 1.0 if c.status == 429 else 0.0) for c in calls
    ]
    assert _retry_after_obeyed(timeline) == seen.statuses[429]
    for occ in await _occurrences(repo):
        assert occ == "sent"


async def test_slack_posts_that_time_out_are_retried_without_duplicates(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> None:
    users = [f"U{i}" for i in range(1, 4)]
    total = await add_herd(repo, clock, "slack", users, PER_USER)
    slack.outage.seconds_held = 3.0
    slack.outage.start("hold", 1.5)

    await drain(repo, clock, slack_gateway(slack, Pacer(SLACK_LIMITS), timeout=1))

    seen = slack_seen(slack)
    assert seen.statuses[0] > 0  # held, timed out by the client
    _all_once_in_order(seen, [f"D{u[1:]}" for u in users], total)
    # Every retry after a time-out looked for the post first.
    assert len(slack.calls_to("conversations.history")) >= seen.statuses[0]


async def test_mattermost_burst_through_429s_500s_and_timeouts_arrives_once_in_order(
    mm: FakeMattermost, repo: SqlReminderRepository, clock: ManualClock
) -> None:
    # The server's limiter: 20 per second, burst 5, for the bot; the pacer is told 100.
    mm.recorder.limiter = RateLimiter(app=20.0, app_burst=5)
    users = [mm.add_user(f"user{i}") for i in range(USERS)]
    channels = [mm.dm_with(u) for u in users]
    total = await add_herd(repo, clock, "mattermost", users, PER_USER)
    pacer = Pacer(replace(MATTERMOST_LIMITS, app=100.0, app_burst=50))
    gateway = await mattermost_gateway(mm, clock, pacer, http_timeout=1.0)
    mm.recorder.outage.seconds_held = 2.0
    mm.recorder.outage.start("hold", 1.0)
    try:
        await drain(repo, clock, gateway)
    finally:
        await gateway.client.close()

    seen = mattermost_seen(mm, channels)
    _all_once_in_order(seen, channels, total)
    assert seen.statuses[0] > 0 and seen.statuses[429] > 0
    # A 429 pauses the whole bot (the limiter is per user): nothing sent after it came back
    # arrives before its reset (up to 16 posts are in flight at once: those sent before).
    calls = mm.calls_to("create_post")
    timeline = [("bot", c.at, c.status, 1.0 if c.status == 429 else 0.0) for c in calls]
    assert _retry_after_obeyed(timeline, in_flight=0.25) == seen.statuses[429]


async def test_mattermost_server_errors_for_a_second_lose_and_repeat_nothing(
    mm: FakeMattermost, repo: SqlReminderRepository, clock: ManualClock
) -> None:
    users = [mm.add_user(f"user{i}") for i in range(4)]
    channels = [mm.dm_with(u) for u in users]
    total = await add_herd(repo, clock, "mattermost", users, PER_USER)
    gateway = await mattermost_gateway(mm, clock, Pacer(MATTERMOST_LIMITS))
    mm.recorder.outage.start("error", 1.0)
    try:
        await drain(repo, clock, gateway)
    finally:
        await gateway.client.close()

    seen = mattermost_seen(mm, channels)
    assert seen.statuses[500] > 0
    _all_once_in_order(seen, channels, total)


@pytest.mark.parametrize("platform", ["slack", "mattermost"])
async def test_a_herd_of_200_against_small_buckets_has_under_2_percent_429s(
    platform: str,
    slack: FakeSlack,
    mm: FakeMattermost,
    repo: SqlReminderRepository,
    clock: ManualClock,
) -> None:
    limits = Limits(per_conversation=1.0, conversation_burst=3, app=100.0, app_burst=20)
    limiter = RateLimiter(per_channel=1.0, channel_burst=3, app=100.0, app_burst=20)
    if platform == "slack":
        slack.limiter = limiter
        users = [f"U{i}" for i in range(1, 201)]
        await add_herd(repo, clock, "slack", users, 1)
        await drain(repo, clock, slack_gateway(slack, Pacer(limits)))
        seen = slack_seen(slack)
    else:
        mm.recorder.limiter = limiter
        users = [mm.add_user(f"user{i}") for i in range(200)]
        channels = [mm.dm_with(u) for u in users]
        await add_herd(repo, clock, "mattermost", users, 1)
        gateway = await mattermost_gateway(mm, clock, Pacer(replace(limits, rate_limited="app")))
        try:
            await drain(repo, clock, gateway)
        finally:
            await gateway.client.close()
        seen = mattermost_seen(mm, channels)
    assert sum(seen.occurrences.values()) == 200 and seen.duplicated == 0
    assert seen.share_429 < 0.02, seen.statuses
    if platform == "slack":
        # Paced, not slow: within 1.5 x what the app bucket allows (1.8 s), plus 1 s.
        # (The Mattermost stand-in alone takes longer than its bucket on this machine.)
        assert seen.seconds < limits.least_seconds(200, 200) * 1.5 + 1.0


async def _occurrences(repo: SqlReminderRepository) -> list[str]:
    states: list[str] = []
    for rem in await repo.list_for(None, list(ReminderState)):
        states.extend(o.state.value for o in await repo.occurrences(rem.id))
    return states
