"""A rate-limit summary on Slack: one message, a row of buttons per held reminder (each
action_id once per actions block, as Slack requires), and each button acting on its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import actions
from bot.core.dispatch import Dispatcher
from bot.core.model import Reminder, as_new
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import schedule
from tests.servers import slack_payloads as p

LIMIT = 5


async def _seven_due(bot: SlackBot) -> list[Reminder]:
    """Seven reminders for U1, due in ten minutes: one made by the slash command, the
    others copies of it."""
    rid = await schedule(bot, "me in 10 minutes to task 1")
    first = await bot.repo.get(rid)
    assert first is not None
    copies = [replace(as_new(first), message=f"task {n}") for n in range(2, 6)]
    copies.append(replace(as_new(first), message="task 6 <!here> @channel"))
    copies.append(replace(as_new(first), message="task 7"))
    made = [first, *[await bot.repo.add(copy, bot.clock.now()) for copy in copies]]
    return made


async def test_a_summary_has_a_row_per_reminder_and_each_button_acts_on_its_own(
    bot: SlackBot,
) -> None:
    rems = await _seven_due(bot)
    limited = Dispatcher(bot.repo, bot.dispatcher.gateways, bot.clock, max_per_hour=LIMIT)
    bot.clock.advance(timedelta(minutes=10))
    assert await limited.drain() == 7
    assert len(await bot.slack.wait_for_call("chat.postMessage", count=LIMIT)) == LIMIT
    bot.clock.advance(timedelta(hours=1))
    assert await limited.drain() == 2
    posts = await bot.slack.wait_for_call("chat.postMessage", count=LIMIT + 1)
    assert len(posts) == LIMIT + 1
    summary = posts[-1].args
    six, seven = rems[5], rems[6]
    assert summary["text"].startswith("You have 2 reminders:\n")
    assert "task 6 &lt;!here&gt; @channel" in summary["text"]
    assert "<!here>" not in str(summary["blocks"])  # user text never pings
    rows = [b for b in summary["blocks"] if b["type"] == "actions"]
    assert [[e["action_id"] for e in row["elements"]] for row in rows] == [
        [actions.COMPLETE, actions.SNOOZE],
        [actions.COMPLETE, actions.SNOOZE],
    ]
    assert len({row["block_id"] for row in rows}) == 2
    assert [e["text"]["text"] for row in rows for e in row["elements"]] == [
        f"Complete #{six.number}",
        f"Snooze #{six.number} 1 hour",
        f"Complete #{seven.number}",
        f"Snooze #{seven.number} 1 hour",
    ]
    (occ_six,) = await bot.repo.occurrences(six.id)
    (occ_seven,) = await bot.repo.occurrences(seven.id)
    assert occ_six.message_ref == occ_seven.message_ref is not None

    channel = summary["channel"]
    complete = rows[1]["elements"][0]
    click = p.block_actions(
        actions.COMPLETE,
        complete["value"],
        channel_id=channel,
        response_url=bot.slack.response_url("done"),
    )
    await bot.send("interactive", click)
    [answer] = await bot.slack.wait_for_response("done")
    assert answer["text"] == "Reminder: task 7 \u2014 Completed"
    assert not answer.get("replace_original")
    assert bot.slack.calls_to("chat.update") == []  # the summary keeps every button
    assert (await bot.repo.occurrences(seven.id))[0].completed_by == ("slack:T1:U1",)
    assert (await bot.repo.occurrences(six.id))[0].completed_by == ()

    snooze = rows[0]["elements"][1]
    click = p.block_actions(
        actions.SNOOZE,
        snooze["value"],
        channel_id=channel,
        response_url=bot.slack.response_url("later"),
    )
    await bot.send("interactive", click)
    [answer] = await bot.slack.wait_for_response("later")
    assert answer["text"].startswith("Reminder: task 6 &lt;!here&gt; @channel \u2014 Snoozed")
    moved = await bot.repo.get(six.id)
    assert moved is not None and moved.next_due == bot.clock.now() + timedelta(hours=1)
