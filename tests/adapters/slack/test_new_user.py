"""Issue 11 on Slack, end to end over Socket Mode against the stand-in (whose people live
in America/Los_Angeles): both recipients confirmed at once, typed snooze and done,
numbers, Danish, and App Home's Edit button."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.adapters.slack.blocks import EDIT_VIEW, PHRASE_BLOCK, PHRASE_INPUT
from bot.core import actions
from bot.core.model import ReminderState
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import deliver, draft, element, schedule, words
from tests.servers import slack_payloads as p


async def _dm(bot: SlackBot, text: str, count: int) -> Any:
    """U1 writes ``text`` in the DM; the ``count``-th chat.postMessage (the answer)."""
    await bot.send("events_api", p.message_im_event(text, event_id=p.new_event_id()))
    return (await bot.slack.wait_for_call("chat.postMessage", count=count))[count - 1]


def _ts(bot: SlackBot, post: Any) -> str:
    """The ts the stand-in gave the delivery ``post`` made (found by its occurrence tag)."""
    [ts] = [
        m["ts"]
        for m in bot.slack.web.messages[post.args["channel"]]
        if m.get("metadata") == post.args["metadata"]
    ]
    return str(ts)


def _buttons(call: Any) -> list[str]:
    blocks = call.args.get("blocks") or []
    return [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e]


async def test_two_people_are_both_in_the_confirmation(bot: SlackBot) -> None:
    blocks = await draft(bot, "<@U2> and <@U3> Friday 9am about case 123")
    shown = words(blocks)
    assert (
        "Remind @U2 and @U3: Friday 27 November 2026 at 09:00 (America/Los_Angeles), in 4 days?"
        in shown
    )
    assert [e["action_id"] for b in blocks for e in b.get("elements", [])] == [
        actions.CONFIRM,
        actions.EDIT,
        actions.CANCEL,
    ]


async def test_typed_snooze_and_done_after_a_delivery_and_a_number_nobody_has(
    bot: SlackBot,
) -> None:
    first = await deliver(bot, "me in 10 minutes to stretch", timedelta(minutes=10))
    snoozed = await _dm(bot, "snooze 20m", 2)
    assert snoozed.args["text"] == "Reminder: stretch \u2014 Snoozed until 01:30"
    # The delivered message loses its buttons, as when Snooze is pressed on it.
    [changed] = await bot.slack.wait_for_call("chat.update")
    assert (changed.args["channel"], changed.args["ts"]) == (first.args["channel"], _ts(bot, first))
    assert changed.args["text"] == snoozed.args["text"] and not _buttons(changed)
    assert await bot.tick(timedelta(minutes=20)) == 1
    second = (await bot.slack.wait_for_call("chat.postMessage", count=3))[2]
    assert _buttons(second)
    done = await _dm(bot, "done", 4)
    assert done.args["text"] == "Reminder: stretch \u2014 Completed"
    changed = (await bot.slack.wait_for_call("chat.update", count=2))[1]
    assert changed.args["ts"] == _ts(bot, second) and changed.args["ts"] != _ts(bot, first)
    assert changed.args["text"] == done.args["text"] and not _buttons(changed)
    nobody = await _dm(bot, "delete 99", 5)
    assert nobody.args["text"] == "You have no reminder #99."
    thanks = await _dm(bot, "thanks!", 6)
    assert thanks.args["text"] == "You're welcome!"


async def test_a_danish_phrase_is_answered_in_danish(bot: SlackBot) -> None:
    blocks = await draft(bot, "påmind mig i morgen kl 9 om at ringe til Bo")
    assert (
        "Påmind dig: tirsdag 24. november 2026 kl. 09:00 (America/Los_Angeles), i morgen?"
        in words(blocks)
    )
    assert element(blocks, actions.CONFIRM)["text"]["text"] == "Bekræft"


async def test_app_home_has_an_edit_button_that_changes_the_reminder_in_place(
    bot: SlackBot,
) -> None:
    rid = await schedule(bot, "me tomorrow at 9 to water the plants")
    home_event = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": p.dm_channel_id("U1"),
        "tab": "home",
        "event_ts": "1700000100.000100",
    }
    await bot.send("events_api", p.event_callback(home_event))
    [home] = await bot.slack.wait_for_call("views.publish")
    edit = element(home.args["view"]["blocks"], actions.EDIT)
    assert edit["text"]["text"] == "Edit #1" and edit["value"] == str(rid)

    click = p.block_actions(actions.EDIT, edit["value"], channel_id="")
    click["container"] = {"type": "view", "view_id": "V1"}
    click["view"] = {"id": "V1", "type": "home"}
    del click["channel"], click["message"]
    await bot.send("interactive", click)
    [opened] = await bot.slack.wait_for_call("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == EDIT_VIEW
    values = {PHRASE_BLOCK: {PHRASE_INPUT: p.text_input("Friday 10am")}}
    await bot.send("interactive", p.view_submission(EDIT_VIEW, values, view["private_metadata"]))

    republished = (await bot.slack.wait_for_call("views.publish", count=2))[1]
    shown = words(republished.args["view"]["blocks"])
    assert "#1  Fri 27 Nov 2026 10:00  to you \u2014 water the plants" in shown
    rem = await bot.repo.get(rid)
    assert rem is not None and rem.state is ReminderState.SCHEDULED


async def test_a_new_users_session_in_a_dm(bot: SlackBot) -> None:
    """Issue 11's typed rows in a Slack DM (times in the stand-in's America/Los_Angeles)."""
    steps = [
        ("set my timezone to UTC", "Time zone: UTC"),
        ("delete", "To delete a reminder, write 'delete' and its number"),
        ("edit 7", "You have no reminder #7."),
        ("undo", "There is nothing to undo"),
        ("what's my timezone?", "Your time zone is UTC (you set it)"),
        ("quiet hours 22:00-07:00", "Quiet hours: 22:00-07:00"),
        ("remind me at 11pm to check the backups", "so it will arrive Tuesday 24 November"),
        ("list", "You have no upcoming reminders."),
        ("sprog dansk", "Sprog: dansk"),
        ("hjælp", "Fortæl mig, hvad jeg skal minde dig om"),
        ("set my language to english", "Language: English"),
    ]
    for n, (typed, expected) in enumerate(steps, 1):
        answer = await _dm(bot, typed, n)
        assert expected in words(answer.args["blocks"]), (typed, words(answer.args["blocks"]))
    await schedule(bot, "me in 10 minutes to stretch")
    await schedule(bot, "me tomorrow at 9 to call Bob")
    assert await bot.tick(timedelta(minutes=10)) == 1
    base = len(bot.slack.calls_to("chat.postMessage"))
    more = [  # #1 is the 11pm draft, still waiting for its Confirm
        ("edit 3 Friday 10am", "Changed #3: Friday 27 November 2026 at 10:00 (UTC)"),
        ("move #3 to 4pm", "Changed #3: Monday 23 November 2026 at 16:00 (UTC)"),
        ("snooze 2 1h", "Reminder: stretch \u2014 Snoozed until 10:10"),
        ("list", "#3  Mon 23 Nov 2026 16:00  to you \u2014 call Bob"),
        ("list all", "#2  Mon 23 Nov 2026 10:10  to you \u2014 stretch"),
        ("done 2", "Reminder: stretch \u2014 Completed"),
        ("list done", "#2  completed Mon 23 Nov 2026 09:10  to you \u2014 stretch"),
    ]
    for n, (typed, expected) in enumerate(more, base + 1):
        answer = await _dm(bot, typed, n)
        assert expected in words(answer.args["blocks"]), (typed, words(answer.args["blocks"]))
