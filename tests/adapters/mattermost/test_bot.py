"""The Mattermost bot end to end against the stand-in: DMs, buttons, slash command."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.core.model import ReminderState
from tests.adapters.mattermost.conftest import SLASH_TOKEN, MattermostBot, option_value
from tests.servers import mattermost_payloads as mp


async def test_whole_loop_from_a_dm(bot: MattermostBot) -> None:
    mm = bot.mm
    draft = await bot.dm("remind me in 10 minutes to file case 7")
    assert draft["message"].startswith("Remind you: ")
    assert "10:10 (Europe/Copenhagen), in 10 minutes" in draft["message"]
    assert "file case 7" in draft["message"]
    assert [a["name"] for a in mp.actions(mm.post(draft["id"]))] == ["Confirm", "Edit", "Cancel"]

    confirmed = await bot.click(draft, "Confirm")
    assert confirmed.status == 200 and confirmed.error is None
    shown = mm.post(draft["id"])
    assert shown["message"].startswith("Scheduled #1: ")
    assert mp.actions(shown) == []  # the buttons are gone with the draft

    assert await bot.tick(timedelta(minutes=9)) == 0
    assert await bot.tick(timedelta(minutes=1)) == 1
    delivered = bot.bot_posts(mm.dm_with(bot.alice))[-1]
    assert delivered["message"] == "Reminder: file case 7"
    names = [a["name"] for a in mp.actions(mm.post(delivered["id"]))]
    assert names == ["Complete", "Snooze"]
    assert delivered["props"]["remindbot_occurrence"]

    hour = option_value(mm.post(delivered["id"]), "Snooze", "1 hour")
    snoozed = await bot.click(delivered, "Snooze", option=hour)
    assert snoozed.error is None
    assert mm.post(delivered["id"])["message"] == "Reminder: file case 7 \u2014 Snoozed until 11:10"

    assert await bot.tick(timedelta(minutes=59)) == 0
    assert await bot.tick(timedelta(minutes=1)) == 1
    again = bot.bot_posts(mm.dm_with(bot.alice))[-1]
    assert again["id"] != delivered["id"] and again["message"] == "Reminder: file case 7"
    await bot.click(again, "Complete")
    assert mm.post(again["id"])["message"] == "Reminder: file case 7 \u2014 Completed"
    assert await bot.tick(timedelta(days=1)) == 0
    [rem] = await bot.repo.list_for(None, list(ReminderState))
    assert rem.state is ReminderState.COMPLETED


async def test_the_zone_comes_from_the_profile_and_the_users_setting_wins(
    bot: MattermostBot,
) -> None:
    manual = bot.mm.add_user("bob", tz=mp.timezone(manual="Asia/Tokyo", use_automatic=False))
    read = await bot.dm("remind me tomorrow at 9 to stretch", user=manual)
    assert "(Asia/Tokyo)" in read["message"]
    await bot.dm("set my timezone to Europe/Copenhagen", user=manual)
    again = await bot.dm("remind me tomorrow at 9 to stretch", user=manual)
    assert "(Europe/Copenhagen)" in again["message"]


async def test_edit_asks_in_the_conversation_and_the_next_message_answers(
    bot: MattermostBot,
) -> None:
    draft = await bot.dm("remind me tomorrow to call Bo")
    asked = await bot.click(draft, "Edit")
    assert asked.response is not None
    assert asked.response["ephemeral_text"].startswith("Send the new phrase for #1.")
    edited = await bot.dm("remind me tomorrow at 3pm to call Bo and Cy")
    assert "**Message:** call Bo and Cy" in edited["message"]
    assert "15:00" in edited["message"]


async def test_the_slash_command_answers_ephemerally_with_buttons(bot: MattermostBot) -> None:
    general = bot.mm.add_channel("general", bot.alice, bot.mm.bot_id)
    outcome = await bot.mm.run_command(
        "/remind me in 2 hours to stretch", user_id=bot.alice, channel_id=general
    )
    assert outcome.status == 200 and outcome.response is not None
    assert outcome.response["response_type"] == "ephemeral"
    assert outcome.response["text"].startswith("Remind you: ")
    names = [a["name"] for a in outcome.response["attachments"][0]["actions"]]
    assert names == ["Confirm", "Edit", "Cancel"]
    assert bot.mm.posts_in(general) == []  # nothing public


async def test_a_slash_command_with_a_wrong_token_is_refused_and_stores_nothing(
    bot: MattermostBot,
) -> None:
    form = {"user_id": bot.alice, "channel_id": "c", "text": "me in 1 hour to x", "token": "no"}
    async with httpx.AsyncClient(base_url=bot.url) as http:
        by_field = await http.post("/mattermost/command", data=form)
        by_header = await http.post(
            "/mattermost/command",
            data={**form, "token": ""},
            headers={"Authorization": "Token nope"},
        )
        mixed = await http.post(
            "/mattermost/command",
            data={**form, "token": SLASH_TOKEN},
            headers={"Authorization": "Token nope"},
        )
        good = await http.post(
            "/mattermost/command",
            data={**form, "token": ""},
            headers={"Authorization": f"Token {SLASH_TOKEN}"},
        )
    assert [r.status_code for r in (by_field, by_header, mixed)] == [401, 401, 401]
    assert good.status_code == 200 and good.json()["text"].startswith("Remind you")
    assert len(await bot.repo.list_for(None, list(ReminderState))) == 1


async def test_user_text_never_pings_the_channel(bot: MattermostBot) -> None:
    ops = bot.mm.add_channel("ops", bot.alice, bot.mm.bot_id)
    draft = await bot.dm("remind ~ops in 1 hour to tell @channel, \\@here and &#64;all about lunch")
    for word in ("@channel", "\\@here", "&#64;all"):
        assert word not in draft["message"]
    assert "@\u200dchannel" in draft["message"] and "&#64;\u200dall" in draft["message"]
    await bot.click(draft, "Confirm")
    assert await bot.tick(timedelta(hours=1)) == 1
    [posted] = [q for q in bot.mm.posts_in(ops) if q["user_id"] == bot.mm.bot_id]
    assert "@\u200dchannel" in posted["message"] and "@channel" not in posted["message"]
