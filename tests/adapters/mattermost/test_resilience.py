"""What must hold when things go wrong: dropped websockets, replicas, platform errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.adapters.mattermost import MattermostAdapter
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState, ReminderState
from storage import SqlReminderRepository
from tests.adapters.mattermost.conftest import MattermostBot, start_bot
from tests.conftest import Database
from tests.servers.asgi import serve


async def _answers(bot: MattermostBot, count: int) -> list[str]:
    channel = bot.mm.dm_with(bot.alice)
    await bot.mm.wait_until(lambda: len(bot.bot_posts(channel)) >= count, f"{count} answers")
    return [q["message"] for q in bot.bot_posts(channel)]


async def _drafts(repo: SqlReminderRepository) -> int:
    return len(await repo.list_for(None, [ReminderState.DRAFT]))


async def test_a_drop_right_after_a_dm_loses_nothing_and_answers_once(
    bot: MattermostBot,
) -> None:
    bot.mm.user_posts_dm(bot.alice, "remind me in 1 hour to stretch")
    await bot.mm.drop_connections()  # the event may or may not have gone out
    await bot.mm.wait_connected(count=2)
    assert len(await _answers(bot, 1)) == 1
    with pytest.raises(TimeoutError):
        await _answers(bot, 2)  # answered once, not again by the catch-up
    assert await _drafts(bot.repo) == 1


async def test_what_is_posted_while_disconnected_is_read_back_after(bot: MattermostBot) -> None:
    await bot.dm("remind me in 1 hour to stretch")
    bot.mm.refuse_connections()
    await bot.mm.drop_connections()
    bot.mm.user_posts_dm(bot.alice, "remind me in 2 hours to walk")
    bot.mm.user_posts_dm(bot.alice, "remind me in 3 hours to read")
    bot.mm.accept_connections()
    answers = await _answers(bot, 3)
    assert ["walk" in a for a in answers] == [False, True, False]
    assert "read" in answers[2]
    with pytest.raises(TimeoutError):
        await _answers(bot, 4)
    assert await _drafts(bot.repo) == 3


@pytest.fixture
async def second(
    bot: MattermostBot, database: Database, clock: ManualClock
) -> AsyncIterator[tuple[MattermostAdapter, Dispatcher, SqlReminderRepository]]:
    """A second replica of the bot: its own engine, websocket and HTTP app, one database."""
    engine = database.engine()
    repo = SqlReminderRepository(engine, clock=clock)
    adapter, _core, dispatcher, app = await start_bot(bot.mm, repo, clock)
    async with serve(app) as url:
        adapter.gateway.actions_url = f"{url}/mattermost/actions"
        await adapter.connect()
        await bot.mm.wait_connected(count=2)
        try:
            yield adapter, dispatcher, repo
        finally:
            await adapter.close()
            await engine.dispose()


async def test_two_replicas_answer_each_dm_once_and_deliver_each_occurrence_once(
    bot: MattermostBot,
    second: tuple[MattermostAdapter, Dispatcher, SqlReminderRepository],
) -> None:
    _adapter, other_dispatcher, _repo = second
    phrases = [f"remind me in {n} minutes to drink water {n}" for n in range(10, 20)]
    for phrase in phrases:
        bot.mm.user_posts_dm(bot.alice, phrase)
    answers = await _answers(bot, len(phrases))
    with pytest.raises(TimeoutError):
        await _answers(bot, len(phrases) + 1)
    assert sorted(a.split("drink water ")[-1][:2] for a in answers) == [
        str(n) for n in range(10, 20)
    ]
    for post in bot.bot_posts(bot.mm.dm_with(bot.alice)):
        assert (await bot.click(post, "Confirm")).error is None
    bot.clock.advance(timedelta(minutes=20))
    counts = await asyncio.gather(bot.dispatcher.drain(), other_dispatcher.drain())
    assert sum(counts) == len(phrases)
    delivered = [
        q for q in bot.bot_posts(bot.mm.dm_with(bot.alice)) if q["message"].startswith("Reminder:")
    ]
    assert len(delivered) == len(phrases)
    assert len({q["props"]["remindbot_occurrence"] for q in delivered}) == len(phrases)


async def test_rate_limits_and_server_errors_during_delivery_lose_and_repeat_nothing(
    bot: MattermostBot,
) -> None:
    for n in (1, 2):
        draft = await bot.dm(f"remind me in 10 minutes to stretch {n}")
        await bot.click(draft, "Confirm")
    bot.mm.fail_next("create_post", 429, reset=2)
    bot.mm.fail_next("create_post", 500, times=2)
    await bot.tick(timedelta(minutes=10))
    for _ in range(6):  # past Retry-After, then the dispatcher's 30 s, 60 s backoff
        await bot.tick(timedelta(seconds=61))
    posts = [
        q["message"].split(" (due at")[0]  # a retried one says it is late
        for q in bot.bot_posts(bot.mm.dm_with(bot.alice))
        if q["message"].startswith("Reminder:")
    ]
    assert sorted(posts) == ["Reminder: stretch 1", "Reminder: stretch 2"]
    statuses = [c.status for c in bot.mm.calls_to("create_post")]
    assert statuses.count(429) == 1 and statuses.count(500) == 2
    for rem in await bot.repo.list_for(None, list(ReminderState)):
        [occ] = await bot.repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.SENT
