"""Buttons, menus, modals, the message shortcut and App Home, over Socket Mode."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.adapters.slack.blocks import (
    EDIT_VIEW,
    PHRASE_BLOCK,
    PHRASE_INPUT,
    SHORTCUT_VIEW,
    SNOOZE_VIEW,
)
from bot.adapters.slack.listeners import SHORTCUT
from bot.core import actions
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import Block, deliver, draft, element, schedule, words
from tests.servers import slack_payloads as p

DELIVERED_TS = "1700000000.000100"  # the first ts the fake hands out


def _phrase(text: str) -> dict[str, dict[str, Any]]:
    return {PHRASE_BLOCK: {PHRASE_INPUT: p.text_input(text)}}


def _option(menu: Block, label: str) -> Block:
    return next(dict(o) for o in menu["options"] if o["text"]["text"] == label)


async def _opened_view(bot: SlackBot, count: int = 1) -> Block:
    call = (await bot.slack.wait_for_call("views.open", count=count))[count - 1]
    view: Block = call.args["view"]
    return view


def _home_event(user: str = "U1") -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": p.dm_channel_id(user),
        "tab": "home",
        "event_ts": "1700000100.000100",
    }
    return p.event_callback(event)


async def test_edit_opens_a_prefilled_modal_and_replaces_the_draft(bot: SlackBot) -> None:
    edit = element(await draft(bot, "me in 10 minutes about case 123"), actions.EDIT)
    click = p.block_actions(
        actions.EDIT,
        edit["value"],
        channel_id="C1",
        is_ephemeral=True,
        response_url=bot.slack.response_url("draft"),
    )
    await bot.send("interactive", click)
    view = await _opened_view(bot)
    assert view["callback_id"] == EDIT_VIEW
    assert view["blocks"][0]["element"]["initial_value"] == "me in 10 minutes about case 123"

    submit = p.view_submission(
        EDIT_VIEW, _phrase("me in 20 minutes about case 456"), view["private_metadata"]
    )
    await bot.send("interactive", submit)

    [replaced] = await bot.slack.wait_for_response("draft")
    assert replaced["replace_original"] is True
    assert "case 456" in words(replaced["blocks"])
    assert "case 123" not in words(replaced["blocks"])


async def test_message_shortcut_drafts_a_reminder_quoting_and_linking_the_message(
    bot: SlackBot,
) -> None:
    text = "Please review the quarterly report before Friday's meeting with the finance team"
    await bot.send("interactive", p.message_shortcut(SHORTCUT, text, channel_id="C1"))
    [permalink] = await bot.slack.wait_for_call("chat.getPermalink")
    assert permalink.args["channel"] == "C1"
    view = await _opened_view(bot)
    assert view["callback_id"] == SHORTCUT_VIEW

    submit = p.view_submission(SHORTCUT_VIEW, _phrase("tomorrow at 9"), view["private_metadata"])
    await bot.send("interactive", submit)

    [answer] = await bot.slack.wait_for_call("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == ("C1", "U1")
    shown = words(answer.args["blocks"])
    assert "\u201cPlease review the quarterly report" in shown
    link = f"https://{p.TEAM_DOMAIN}.slack.com/archives/C1/p{p.DEFAULT_TS.replace('.', '')}"
    assert f"<{link}>" in shown
    element(answer.args["blocks"], actions.CONFIRM)


async def test_app_home_lists_reminders_and_its_delete_button_deletes(bot: SlackBot) -> None:
    rid = await schedule(bot, "me tomorrow at 9 to water the plants")
    await bot.send("events_api", _home_event())
    [home] = await bot.slack.wait_for_call("views.publish")
    assert home.args["user_id"] == "U1"
    assert "water the plants" in words(home.args["view"]["blocks"])
    delete = element(home.args["view"]["blocks"], actions.DELETE)
    assert delete["value"] == str(rid)

    click = p.block_actions(actions.DELETE, delete["value"], channel_id="")
    click["container"] = {"type": "view", "view_id": "V1"}
    click["view"] = {"id": "V1", "type": "home"}
    del click["channel"], click["message"]
    await bot.send("interactive", click)

    republished = (await bot.slack.wait_for_call("views.publish", count=2))[1]
    assert "water the plants" not in words(republished.args["view"]["blocks"])
    deleted = await bot.repo.get(rid)
    assert deleted is not None and deleted.deleted_at is not None


async def test_channel_members_may_complete_a_channel_reminder_and_others_may_not(
    bot: SlackBot,
) -> None:
    bot.slack.channel_members["C2"] = ["U1", "U2", p.BOT_USER_ID]
    post = await deliver(
        bot, "<#C2|ops> in 10 minutes to check the dashboards", timedelta(minutes=10)
    )
    assert post.args["channel"] == "C2"
    complete = element(post.args["blocks"], actions.COMPLETE)

    by_member = p.block_actions(
        actions.COMPLETE, complete["value"], user_id="U2", channel_id="C2", message_ts=DELIVERED_TS
    )
    await bot.send("interactive", by_member)
    [update] = await bot.slack.wait_for_call("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C2", DELIVERED_TS)
    contexts = [b for b in update.args["blocks"] if b["type"] == "context"]
    assert [e["text"] for b in contexts for e in b["elements"]] == ["Done by <@U2>"]
    element(update.args["blocks"], actions.COMPLETE)

    by_outsider = p.block_actions(
        actions.COMPLETE,
        complete["value"],
        user_id="U3",
        channel_id="C2",
        message_ts=DELIVERED_TS,
        response_url=bot.slack.response_url("u3"),
    )
    await bot.send("interactive", by_outsider)
    [refused] = await bot.slack.wait_for_response("u3")
    assert refused["response_type"] == "ephemeral"
    assert refused["text"].startswith("Only the person who set this reminder")
    assert len(bot.slack.calls_to("chat.update")) == 1


async def test_custom_snooze_asks_in_a_modal_and_fires_again_then(bot: SlackBot) -> None:
    bot.slack.users["U1"] = {"tz": "UTC"}
    post = await deliver(bot, "me in 10 minutes to stretch", timedelta(minutes=10))
    custom = _option(element(post.args["blocks"], actions.SNOOZE), "Custom\u2026")
    pick = p.block_actions(
        actions.SNOOZE, "", channel_id="D1", message_ts=DELIVERED_TS, selected_option=custom
    )
    await bot.send("interactive", pick)
    view = await _opened_view(bot)
    assert view["callback_id"] == SNOOZE_VIEW

    submit = p.view_submission(SNOOZE_VIEW, _phrase("in 20 minutes"), view["private_metadata"])
    await bot.send("interactive", submit)

    [update] = await bot.slack.wait_for_call("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("D1", DELIVERED_TS)
    assert update.args["text"] == "Reminder: stretch \u2014 Snoozed until 09:30"
    assert await bot.tick(timedelta(minutes=19)) == 0
    assert await bot.tick(timedelta(minutes=1)) == 1
    again = (await bot.slack.wait_for_call("chat.postMessage", count=2))[1]
    assert again.args["text"] == "Reminder: stretch"


async def test_button_of_a_deleted_reminder_answers_politely(bot: SlackBot) -> None:
    post = await deliver(bot, "me in 10 minutes to stretch", timedelta(minutes=10))
    rid = element(post.args["blocks"], actions.COMPLETE)["value"].split(":")[0]
    await draft(bot, f"delete {rid}")

    stale = p.block_actions(
        actions.COMPLETE,
        element(post.args["blocks"], actions.COMPLETE)["value"],
        channel_id="D1",
        message_ts=DELIVERED_TS,
        response_url=bot.slack.response_url("stale"),
    )
    await bot.send("interactive", stale)

    [answer] = await bot.slack.wait_for_response("stale")
    assert answer["text"] == "That reminder no longer exists."
    assert bot.slack.calls_to("chat.update") == []
