"""Slack: a delivery posted and not recorded is found by its message metadata
(conversations.history) and not posted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.model import OccurrenceState
from tests.adapters.outage import post_then_lose_it, quick_retries
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import schedule


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_retries(monkeypatch)


async def test_slack_finds_its_post_and_records_it(bot: SlackBot, engine: AsyncEngine) -> None:
    rid = await schedule(bot, "me in 10 minutes to stretch")
    bot.clock.advance(timedelta(minutes=10))
    # Slack stamps a message with the time it is posted; the stand-in's clock agrees.
    bot.slack.web.first_ts_micros = int(bot.clock.now().timestamp() * 1_000_000)
    await post_then_lose_it(engine, bot.clock, {"slack": bot.adapter.gateway})
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert await bot.tick(timedelta(minutes=3)) == 1  # past the lease: claimed again
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    history = bot.slack.calls_to("conversations.history")
    assert history and history[-1].args["include_all_metadata"] in (True, "true", "1")
    [occ] = await bot.repo.occurrences(rid)
    assert (occ.state, occ.attempts) == (OccurrenceState.SENT, 2)
    assert occ.message_ref == f"D1:{bot.slack.web.messages['D1'][0]['ts']}"


@pytest.mark.parametrize("status", [500, 503, 0], ids=["500", "503", "dropped"])
async def test_a_post_slack_stored_before_failing_is_found_not_posted_again(
    bot: SlackBot, status: int
) -> None:
    """Slack stored the message, then answered 5xx or the connection dropped: slack_sdk's
    own retries must not post it again (they skip chat.postMessage); the gateway looks in
    the conversation first, finds it by its occurrence tag and records it."""
    rid = await schedule(bot, "me in 10 minutes to stretch")
    bot.clock.advance(timedelta(minutes=10))
    bot.slack.web.first_ts_micros = int(bot.clock.now().timestamp() * 1_000_000)
    bot.slack.fail_next("chat.postMessage", status=status, stored=True)
    assert await bot.tick() == 1
    assert len(bot.slack.web.messages["D1"]) == 1  # one message, whatever was asked
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert bot.slack.calls_to("conversations.history")
    [occ] = await bot.repo.occurrences(rid)
    assert occ.state is OccurrenceState.SENT
    assert occ.message_ref == f"D1:{bot.slack.web.messages['D1'][0]['ts']}"
