"""Mattermost: a delivery posted and not recorded is found by its post props
(posts since) and not posted twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.model import OccurrenceState, ReminderState
from tests.adapters.mattermost.conftest import MattermostBot
from tests.adapters.outage import post_then_lose_it, quick_retries


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    quick_retries(monkeypatch)


async def test_mattermost_finds_its_post_and_records_it(
    bot: MattermostBot, engine: AsyncEngine
) -> None:
    mm = bot.mm
    mm.world.now_ms = int(bot.clock.now().timestamp() * 1000)  # one clock for both
    draft = await bot.dm("remind me in 10 minutes to stretch")
    await bot.click(draft, "Confirm")
    bot.clock.advance(timedelta(minutes=10))
    mm.world.now_ms = int(bot.clock.now().timestamp() * 1000)
    await post_then_lose_it(engine, bot.clock, {"mattermost": bot.adapter.gateway})
    channel = mm.dm_with(bot.alice)
    posted = [q for q in bot.bot_posts(channel) if q["message"].startswith("Reminder:")]
    assert len(posted) == 1
    assert await bot.tick(timedelta(minutes=3)) == 1
    again = [q for q in bot.bot_posts(channel) if q["message"].startswith("Reminder:")]
    assert [q["id"] for q in again] == [posted[0]["id"]]
    [rem] = await bot.repo.list_for(None, [ReminderState.COMPLETED])
    [occ] = await bot.repo.occurrences(rem.id)
    assert (occ.state, occ.message_ref) == (OccurrenceState.SENT, posted[0]["id"])
