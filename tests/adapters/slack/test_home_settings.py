"""App Home's settings, through the local Slack stand-in over Socket Mode: the Home tab
shows each setting with where it came from and controls to change it, a click changes
the clicking person's own settings only, and a refusal is shown on Home."""

from __future__ import annotations

from typing import Any

from bot.core import actions
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import Block, element, words
from tests.servers import slack_payloads as p


def _opened(user: str = "U1") -> dict[str, Any]:
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": p.dm_channel_id(user),
        "tab": "home",
        "event_ts": "1700000100.000100",
    }
    return p.event_callback(event)


async def _published(bot: SlackBot, count: int) -> list[Block]:
    call = (await bot.slack.wait_for_call("views.publish", count=count))[count - 1]
    assert call.args["view"]["type"] == "home"
    blocks: list[Block] = call.args["view"]["blocks"]
    return blocks


def _ticked(box: Block) -> list[str]:
    return [o["value"] for o in box.get("initial_options", [])]


async def test_home_shows_settings_with_sources_and_controls(bot: SlackBot) -> None:
    await bot.send("events_api", _opened())
    blocks = await _published(bot, 1)
    shown = words(blocks)
    assert "Quiet hours" in shown and "off (built-in default)" in shown
    boxes = element(blocks, actions.SET_CHANNELS)
    assert boxes["type"] == "checkboxes"
    assert [o["value"] for o in boxes["options"]] == ["chat", "email", "webhook"]
    assert _ticked(boxes) == ["chat"]
    assert element(blocks, actions.SET_DEFAULT_TIME)["initial_time"] == "09:00"
    assert "initial_time" not in element(blocks, actions.SET_QUIET_START)
    assert bot.slack.web.homes["U1"]["blocks"] == blocks  # what the stand-in kept


async def test_clicks_change_the_clickers_own_settings_and_home_again(bot: SlackBot) -> None:
    await bot.send("events_api", _opened())
    await _published(bot, 1)
    ticked = {
        "type": "checkboxes",
        "action_id": actions.SET_CHANNELS,
        "block_id": "settings.channels",
        "selected_options": [
            {"text": {"type": "plain_text", "text": "chat"}, "value": "chat"},
            {"text": {"type": "plain_text", "text": "email"}, "value": "email"},
        ],
    }
    await bot.send("interactive", p.home_actions(ticked))
    blocks = await _published(bot, 2)
    assert _ticked(element(blocks, actions.SET_CHANNELS)) == ["chat", "email"]
    assert "chat and email (yours)" in words(blocks)
    picked = {
        "type": "timepicker",
        "action_id": actions.SET_QUIET_START,
        "block_id": "settings.quiet",
        "selected_time": "21:30",
    }
    await bot.send("interactive", p.home_actions(picked))
    blocks = await _published(bot, 3)
    assert element(blocks, actions.SET_QUIET_START)["initial_time"] == "21:30"
    assert element(blocks, actions.SET_QUIET_END)["initial_time"] == "07:00"
    default = {**picked, "action_id": actions.SET_DEFAULT_TIME, "selected_time": "08:45"}
    await bot.send("interactive", p.home_actions(default))
    blocks = await _published(bot, 4)
    assert element(blocks, actions.SET_DEFAULT_TIME)["initial_time"] == "08:45"
    ann = await bot.repo.get_user("slack:T1:U1")
    assert ann is not None and ann.channels == ("chat", "email")
    assert (f"{ann.quiet_start:%H:%M}", f"{ann.default_time:%H:%M}") == ("21:30", "08:45")
    off = {"type": "button", "action_id": actions.SET_QUIET_OFF, "value": "off", "block_id": "b"}
    await bot.send("interactive", p.home_actions(off, user_id="U2"))
    await _published(bot, 5)
    # U2's click changed U2's settings; U1's quiet hours are as they were.
    ann = await bot.repo.get_user("slack:T1:U1")
    assert ann is not None and ann.quiet_start is not None
    bo = await bot.repo.get_user("slack:T1:U2")
    assert bo is not None and bo.quiet_start is None and "quiet_hours" in bo.own
    assert bot.slack.web.homes["U2"] != bot.slack.web.homes["U1"]


async def test_unticking_every_channel_is_refused_on_home_and_stores_nothing(
    bot: SlackBot,
) -> None:
    none = {
        "type": "checkboxes",
        "action_id": actions.SET_CHANNELS,
        "block_id": "settings.channels",
        "selected_options": [],
    }
    await bot.send("interactive", p.home_actions(none))
    blocks = await _published(bot, 1)
    assert blocks[0]["text"]["text"] == "Name at least one channel: chat, email or webhook."
    stored = await bot.repo.get_user("slack:T1:U1")  # only the zone Slack reports
    assert stored is None or (stored.channels == () and stored.own == ())
