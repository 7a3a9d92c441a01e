"""The whole loop from each way in: a DM, a mention and the message shortcut.

Each reaches a confirmation, Confirm schedules, the reminder fires as a DM, a Snooze
click moves it, it fires again and Complete closes it; what changes on Slack is checked
at every step (the slash command's loop is in test_socket_mode.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.adapters.slack.blocks import PHRASE_BLOCK, PHRASE_INPUT, SHORTCUT_VIEW
from bot.adapters.slack.listeners import SHORTCUT
from bot.core import actions
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import Block, element, words
from tests.servers import slack_payloads as p
from tests.servers.slack import nth_ts


async def _from_dm(bot: SlackBot) -> tuple[list[Block], dict[str, Any]]:
    await bot.send("events_api", p.message_im_event("remind me in 10 minutes to file case 7"))
    [post] = await bot.slack.wait_for_call("chat.postMessage")
    assert post.args["channel"] == "D1"
    # The confirmation is an ordinary DM message: the click replaces it with chat.update.
    return post.args["blocks"], {"channel_id": "D1", "message_ts": nth_ts(1)}


async def _from_mention(bot: SlackBot) -> tuple[list[Block], dict[str, Any]]:
    event = p.app_mention_event("<@UBOT> remind me in 10 minutes to file case 7")
    await bot.send("events_api", event)
    [answer] = await bot.slack.wait_for_call("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == ("C1", "U1")
    assert answer.args["thread_ts"] == event["event"]["ts"]
    return answer.args["blocks"], {"channel_id": "C1", "is_ephemeral": True}


async def _from_shortcut(bot: SlackBot) -> tuple[list[Block], dict[str, Any]]:
    await bot.send("interactive", p.message_shortcut(SHORTCUT, "file case 7", channel_id="C1"))
    [opened] = await bot.slack.wait_for_call("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == SHORTCUT_VIEW
    phrase = {PHRASE_BLOCK: {PHRASE_INPUT: p.text_input("in 10 minutes")}}
    await bot.send(
        "interactive", p.view_submission(SHORTCUT_VIEW, phrase, view["private_metadata"])
    )
    [answer] = await bot.slack.wait_for_call("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == ("C1", "U1")
    return answer.args["blocks"], {"channel_id": "C1", "is_ephemeral": True}


ENTRIES = {"dm": _from_dm, "mention": _from_mention, "shortcut": _from_shortcut}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
async def test_whole_loop_from_each_entry_point(bot: SlackBot, entry: str) -> None:
    slack = bot.slack
    slack.users["U1"] = {"tz": "Europe/Copenhagen"}
    blocks, where = await ENTRIES[entry](bot)
    assert "file case 7" in words(blocks)
    assert "10:10 (Europe/Copenhagen), in 10 minutes" in words(blocks)

    confirm = element(blocks, actions.CONFIRM)
    click = p.block_actions(
        actions.CONFIRM, confirm["value"], response_url=slack.response_url("click"), **where
    )
    await bot.send("interactive", click)
    if where.get("is_ephemeral"):
        [scheduled] = await slack.wait_for_response("click")
        assert scheduled["replace_original"] is True
        shown = str(scheduled["text"])
        posts_before = 0
    else:
        [update] = await slack.wait_for_call("chat.update")
        assert (update.args["channel"], update.args["ts"]) == ("D1", nth_ts(1))
        shown = str(update.args["text"])
        posts_before = 1
    assert shown.startswith("Scheduled #1"), shown

    assert await bot.tick(timedelta(minutes=9)) == 0
    assert await bot.tick(timedelta(minutes=1)) == 1
    post = (await slack.wait_for_call("chat.postMessage", count=posts_before + 1))[-1]
    assert post.args["channel"] == "D1"
    # The shortcut's reminder quotes the message and links to it.
    permalink = f" https://{p.TEAM_DOMAIN}.slack.com/archives/C1/p{p.DEFAULT_TS.replace('.', '')}"
    quoted = "\u201cfile case 7\u201d" + permalink
    msg = quoted if entry == "shortcut" else "file case 7"
    assert post.args["text"] == f"Reminder: {msg}"
    delivered_ts = nth_ts(posts_before + 1)

    menu = element(post.args["blocks"], actions.SNOOZE)
    hour = next(o for o in menu["options"] if o["text"]["text"] == "1 hour")
    pick = p.block_actions(
        actions.SNOOZE, "", channel_id="D1", message_ts=delivered_ts, selected_option=hour
    )
    await bot.send("interactive", pick)
    updates = 0 if where.get("is_ephemeral") else 1
    snoozed = (await slack.wait_for_call("chat.update", count=updates + 1))[-1]
    assert (snoozed.args["channel"], snoozed.args["ts"]) == ("D1", delivered_ts)
    assert snoozed.args["text"] == f"Reminder: {msg} \u2014 Snoozed until 11:10"

    assert await bot.tick(timedelta(minutes=59)) == 0
    assert await bot.tick(timedelta(minutes=1)) == 1
    again = (await slack.wait_for_call("chat.postMessage", count=posts_before + 2))[-1]
    assert again.args["text"] == f"Reminder: {msg}"
    complete = element(again.args["blocks"], actions.COMPLETE)
    again_ts = nth_ts(posts_before + 2)
    await bot.send(
        "interactive",
        p.block_actions(actions.COMPLETE, complete["value"], channel_id="D1", message_ts=again_ts),
    )
    done = (await slack.wait_for_call("chat.update", count=updates + 2))[-1]
    assert (done.args["ts"], done.args["text"]) == (
        again_ts,
        f"Reminder: {msg} \u2014 Completed",
    )
    assert await bot.tick(timedelta(days=1)) == 0
