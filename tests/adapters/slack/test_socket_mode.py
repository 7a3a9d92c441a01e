"""The whole loop over Socket Mode against the local Slack stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.core import actions
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import deliver, element
from tests.servers import slack_payloads as p


def _texts(blocks: list[dict[str, Any]]) -> str:
    parts = [str(b.get("text", {}).get("text", "")) for b in blocks]
    parts += [str(f["text"]) for b in blocks for f in b.get("fields", [])]
    return " ".join(parts)


async def test_slash_confirm_fire_snooze_fire_complete(bot: SlackBot) -> None:
    slack = bot.slack
    slack.users["U1"] = {"tz": "Europe/Copenhagen"}
    command = p.slash_command(
        "me in 10 minutes about case 123", response_url=slack.response_url("cmd")
    )
    await bot.send("slash_commands", command)
    confirmation = (await slack.wait_for_response("cmd"))[0]
    assert confirmation["response_type"] == "ephemeral"
    assert "10:10 (Europe/Copenhagen), in 10 minutes" in _texts(confirmation["blocks"])
    confirm = element(confirmation["blocks"], actions.CONFIRM)

    click = p.block_actions(
        actions.CONFIRM,
        confirm["value"],
        channel_id="C1",
        is_ephemeral=True,
        response_url=slack.response_url("click"),
    )
    await bot.send("interactive", click)
    scheduled = (await slack.wait_for_response("click"))[0]
    assert scheduled["replace_original"] is True
    assert scheduled["text"].startswith("Scheduled #1")

    assert await bot.tick(timedelta(minutes=10)) == 1
    post = (await slack.wait_for_call("chat.postMessage"))[0]
    assert post.args["channel"] == "D1"
    assert post.args["text"] == "Reminder: case 123"
    snooze = element(post.args["blocks"], actions.SNOOZE)
    fifteen = next(o for o in snooze["options"] if o["text"]["text"] == "15 minutes")
    pick = p.block_actions(
        actions.SNOOZE,
        "",
        channel_id="D1",
        message_ts="1700000000.000001",
        selected_option=fifteen,
    )
    await bot.send("interactive", pick)
    update = (await slack.wait_for_call("chat.update"))[0]
    assert (update.args["channel"], update.args["ts"]) == ("D1", "1700000000.000001")
    assert update.args["text"] == "Reminder: case 123 \u2014 Snoozed until 10:25"

    assert await bot.tick(timedelta(minutes=15)) == 1
    again = (await slack.wait_for_call("chat.postMessage", count=2))[1]
    complete = element(again.args["blocks"], actions.COMPLETE)
    await bot.send(
        "interactive",
        p.block_actions(
            actions.COMPLETE, complete["value"], channel_id="D1", message_ts="1700000000.000002"
        ),
    )
    done = (await slack.wait_for_call("chat.update", count=2))[1]
    assert done.args["text"] == "Reminder: case 123 \u2014 Completed"


async def test_direct_message_and_a_retried_event_answer_once(bot: SlackBot) -> None:
    event = p.message_im_event("remind me tomorrow at 9 to call the bank", event_id="Ev1")
    ack = await bot.send("events_api", event)
    assert ack["envelope_id"]
    post = (await bot.slack.wait_for_call("chat.postMessage"))[0]
    assert post.args["channel"] == "D1"
    assert "call the bank" in _texts(post.args["blocks"])
    retry_ack = await bot.send("events_api", event, retry=1)
    assert retry_ack["envelope_id"]
    await bot.send("events_api", p.message_im_event("list", event_id="Ev2"))
    posts = await bot.slack.wait_for_call("chat.postMessage", count=2)
    assert len(posts) == 2
    assert posts[1].args["text"] == "You have no upcoming reminders."


async def test_mention_answers_in_the_thread_to_the_author_only(bot: SlackBot) -> None:
    event = p.app_mention_event("<@UBOT> remind here every Friday at 4pm to post wins")
    await bot.send("events_api", event)
    answer = (await bot.slack.wait_for_call("chat.postEphemeral"))[0]
    assert answer.args["user"] == "U1"
    assert answer.args["thread_ts"] == event["event"]["ts"]
    assert "every Friday at 16:00" in _texts(answer.args["blocks"])


async def test_user_text_never_pings_or_formats(bot: SlackBot) -> None:
    command = p.slash_command(
        "me in 1 minute &lt;!channel&gt; @here &amp; *lunch*",
        response_url=bot.slack.response_url("c"),
    )
    await bot.send("slash_commands", command)
    blocks = (await bot.slack.wait_for_response("c"))[0]["blocks"]
    text = _texts(blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert all(b["text"].get("verbatim") for b in blocks if "text" in b)
    await bot.send(
        "interactive",
        p.block_actions(
            actions.CONFIRM,
            element(blocks, actions.CONFIRM)["value"],
            is_ephemeral=True,
            response_url=bot.slack.response_url("k"),
        ),
    )
    await bot.slack.wait_for_response("k")
    await bot.tick(timedelta(minutes=1))
    post = (await bot.slack.wait_for_call("chat.postMessage"))[0]
    assert "<!channel>" not in post.args["text"] and "link_names" not in post.args


async def test_someone_else_cannot_snooze_my_reminder(bot: SlackBot) -> None:
    post = await deliver(bot, "me in 1 minute to stretch", timedelta(minutes=1))
    complete = element(post.args["blocks"], actions.COMPLETE)
    await bot.send(
        "interactive",
        p.block_actions(
            actions.COMPLETE,
            complete["value"],
            user_id="U2",
            channel_id="D1",
            response_url=bot.slack.response_url("u2"),
        ),
    )
    refused = (await bot.slack.wait_for_response("u2"))[0]
    assert refused["text"].startswith("Only the person who set this reminder")
    assert bot.slack.calls_to("chat.update") == []
