"""What the dispatcher and the Slack gateway do when chat.postMessage fails.

Temporary failures (429 with ``Retry-After``, 5xx) are retried and never deliver twice;
permanent ones fail the occurrence and tell the owner
(https://api.slack.com/methods/chat.postMessage#errors).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.model import OccurrenceState
from bot.pacing import SLACK_LIMITS, Pacer
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import schedule


def _delivered(bot: SlackBot, channel: str) -> list[str]:
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args["text"] for c in calls if c.status == 200 and c.args["channel"] == channel]


async def test_rate_limited_post_waits_out_retry_after_and_delivers_once(bot: SlackBot) -> None:
    rid = await schedule(bot, "me in 10 minutes to stretch")
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)

    assert await bot.tick(timedelta(minutes=10)) == 1

    posts = bot.slack.calls_to("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    # slack_sdk's rate-limit handler waits Retry-After (+ up to 1 s of jitter) before retrying.
    assert posts[1].at - posts[0].at >= 1.0
    assert _delivered(bot, "D1") == ["Reminder: stretch"]
    history = await bot.repo.occurrences(rid)
    assert [o.state for o in history] == [OccurrenceState.SENT]


async def test_burst_of_server_errors_loses_nothing_and_duplicates_nothing(bot: SlackBot) -> None:
    rid = await schedule(bot, "me in 10 minutes to stretch")
    for _ in range(3):
        bot.slack.fail_next("chat.postMessage", status=500)

    # slack_sdk does not retry chat.postMessage (a 500 may come after the write); the
    # pacer backs off and retries in place, each time after looking for the post in the DM.
    await bot.tick(timedelta(minutes=10))

    assert [c.status for c in bot.slack.calls_to("chat.postMessage")] == [500, 500, 500, 200]
    assert len(bot.slack.calls_to("conversations.history")) == 3
    assert _delivered(bot, "D1") == ["Reminder: stretch"]
    history = await bot.repo.occurrences(rid)
    assert [o.state for o in history] == [OccurrenceState.SENT]
    assert history[0].attempts == 1


async def test_an_outage_longer_than_the_pacers_patience_goes_back_to_the_dispatcher(
    bot: SlackBot,
) -> None:
    rid = await schedule(bot, "me in 10 minutes to stretch")
    bot.adapter.gateway.pacer = Pacer(replace(SLACK_LIMITS, patience=0.2))
    bot.slack.fail_next("chat.postMessage", status=500)  # its first backoff outlasts 0.2 s

    await bot.tick(timedelta(minutes=10))
    assert _delivered(bot, "D1") == []
    [deferred] = await bot.repo.occurrences(rid)
    assert deferred.state is OccurrenceState.DEFERRED
    for _ in range(2):  # past the dispatcher's first retry delay (30 s)
        await bot.tick(timedelta(minutes=1))

    assert _delivered(bot, "D1") == ["Reminder: stretch"]
    history = await bot.repo.occurrences(rid)
    assert [(o.state, o.attempts) for o in history] == [(OccurrenceState.SENT, 2)]


async def test_missing_channel_fails_the_occurrence_and_tells_the_owner(bot: SlackBot) -> None:
    rid = await schedule(bot, "<#C9|gone> in 10 minutes to post the standup notes")
    bot.slack.fail_next("chat.postMessage", error="channel_not_found")

    assert await bot.tick(timedelta(minutes=10)) == 1

    assert [c.args["channel"] for c in bot.slack.calls_to("chat.postMessage")] == ["C9", "D1"]
    history = await bot.repo.occurrences(rid)
    assert [(o.state, o.error) for o in history] == [(OccurrenceState.FAILED, "channel_not_found")]
    [told] = _delivered(bot, "D1")
    assert "channel_not_found" in told
    assert f"#{rid}" in told
    assert await bot.tick(timedelta(hours=1)) == 0
