"""A rate-limit summary on Mattermost: one post with a Complete and a Snooze button per
held reminder, each clicked through the stand-in server acting on its own reminder."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.dispatch import Dispatcher
from bot.core.model import ReminderState, as_new
from tests.adapters.mattermost.conftest import MattermostBot
from tests.servers import mattermost_payloads as mp

LIMIT = 5


async def test_a_summary_post_has_buttons_per_reminder_that_act_on_their_own(
    bot: MattermostBot,
) -> None:
    mm = bot.mm
    draft = await bot.dm("remind me in 10 minutes to task 1")
    await bot.click(draft, "Confirm")
    [first] = await bot.repo.list_for(None, [ReminderState.SCHEDULED])
    copies = [replace(as_new(first), message=f"task {n}") for n in range(2, 6)]
    copies.append(replace(as_new(first), message="task 6 @here \\@channel"))
    copies.append(replace(as_new(first), message="task 7"))

    rems = [first, *[await bot.repo.add(copy, bot.clock.now()) for copy in copies]]
    limited = Dispatcher(bot.repo, bot.dispatcher.gateways, bot.clock, max_per_hour=LIMIT)
    bot.clock.advance(timedelta(minutes=10))
    assert await limited.drain() == 7
    dm = mm.dm_with(bot.alice)
    before = len(bot.bot_posts(dm))
    bot.clock.advance(timedelta(hours=1))
    assert await limited.drain() == 2
    posts = bot.bot_posts(dm)
    assert len(posts) == before + 1
    summary = mm.post(posts[-1]["id"])
    six, seven = rems[5], rems[6]
    assert summary["message"].startswith("You have 2 reminders:\n")
    assert "task 6 @\u200dhere \\@\u200dchannel" in summary["message"]  # user text never pings
    names = [a["name"] for a in mp.actions(summary)]
    assert names == [
        f"Complete #{six.number}",
        f"Snooze #{six.number} 1 hour",
        f"Complete #{seven.number}",
        f"Snooze #{seven.number} 1 hour",
    ]
    assert len({a["id"] for a in mp.actions(summary)}) == 4

    done = await bot.click(summary, f"Complete #{seven.number}")
    assert done.status == 200 and done.error is None
    alice = (await bot.repo.occurrences(seven.id))[0].completed_by
    assert len(alice) == 1 and alice[0].endswith(f":{bot.alice}")
    assert (await bot.repo.occurrences(six.id))[0].completed_by == ()
    # The summary is left as it was: the other reminder's buttons still work.
    assert [a["name"] for a in mp.actions(mm.post(summary["id"]))] == names

    later = await bot.click(summary, f"Snooze #{six.number} 1 hour")
    assert later.status == 200 and later.error is None
    moved = await bot.repo.get(six.id)
    assert moved is not None and moved.next_due == bot.clock.now() + timedelta(hours=1)
    assert (await bot.repo.get(seven.id)) is not None
