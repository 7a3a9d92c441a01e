"""Button calls: only the ones we signed, for the person they were made for, once.

Mattermost does not sign the calls its server makes, so these are POSTed straight to
our HTTP app as an attacker would, next to the stand-in's own (real) clicks.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.core.model import ReminderState
from tests.adapters.mattermost.conftest import MattermostBot, action_named
from tests.servers import mattermost_payloads as mp

JSON = dict[str, Any]


async def _draft(bot: MattermostBot) -> tuple[JSON, JSON]:
    """A draft in alice's DM, and the call the server made when she pressed Confirm."""
    draft = await bot.dm("remind me in 10 minutes to stretch")
    stored = bot.mm.post(draft["id"])
    confirm = action_named(stored, "Confirm")
    channel = bot.mm.world.channel(stored["channel_id"])
    call = mp.action_request(
        stored, confirm, bot.mm.world.user(bot.alice), channel, trigger_id="trigger-0001"
    )
    return draft, call


async def _post(bot: MattermostBot, call: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=bot.url) as http:
        return await http.post("/mattermost/actions", json=call)


async def _states(bot: MattermostBot) -> list[ReminderState]:
    return [r.state for r in await bot.repo.list_for(None, list(ReminderState))]


async def test_a_genuine_call_is_answered_once_and_a_replay_changes_nothing(
    bot: MattermostBot,
) -> None:
    draft, call = await _draft(bot)
    first = await _post(bot, call)
    assert first.status_code == 200
    assert first.json()["update"]["message"].startswith("Scheduled #1")
    replay = await _post(bot, call)  # the same request, trigger id and all
    assert replay.status_code == 200 and replay.json() == {}
    assert await _states(bot) == [ReminderState.SCHEDULED]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda c: c.pop("context"), id="no_context"),
        pytest.param(lambda c: c["context"].update(sig="0" * 64), id="forged_signature"),
        pytest.param(lambda c: c["context"].update(value="2"), id="altered_value"),
        pytest.param(lambda c: c["context"].update(action="reminder.delete"), id="altered_action"),
        pytest.param(lambda c: c["context"].update(exp=c["context"]["exp"] + 1), id="longer_life"),
        pytest.param(lambda c: c.update(context=[1, 2]), id="not_an_object"),
    ],
)
async def test_forged_or_altered_calls_are_refused_and_change_nothing(
    bot: MattermostBot, tamper: Any
) -> None:
    _draft_post, call = await _draft(bot)
    forged = copy.deepcopy(call)
    tamper(forged)
    answer = await _post(bot, forged)
    assert answer.status_code == 403
    assert await _states(bot) == [ReminderState.DRAFT]


async def test_a_call_for_someone_else_is_refused(bot: MattermostBot) -> None:
    mallory = bot.mm.add_user("mallory")
    _draft_post, call = await _draft(bot)
    answer = await _post(bot, {**call, "user_id": mallory, "trigger_id": "trigger-0002"})
    assert answer.status_code == 403
    assert await _states(bot) == [ReminderState.DRAFT]


async def test_an_expired_button_says_so_and_changes_nothing(bot: MattermostBot) -> None:
    _draft_post, call = await _draft(bot)
    bot.clock.advance(timedelta(days=31))
    answer = await _post(bot, call)
    assert answer.status_code == 200
    assert answer.json()["ephemeral_text"].startswith("This button has expired")
    assert await _states(bot) == [ReminderState.DRAFT]


async def test_a_menu_pick_must_be_one_of_the_menus_options(bot: MattermostBot) -> None:
    draft = await bot.dm("remind me in 10 minutes to stretch")
    await bot.click(draft, "Confirm")
    await bot.tick(timedelta(minutes=10))
    delivered = bot.bot_posts(bot.mm.dm_with(bot.alice))[-1]
    stored = bot.mm.post(delivered["id"])
    snooze = action_named(stored, "Snooze")
    channel = bot.mm.world.channel(stored["channel_id"])
    alice = bot.mm.world.user(bot.alice)
    occurrence = delivered["props"]["remindbot_occurrence"]
    for n, pick in enumerate([f"1:{int(occurrence) + 1}:1h", f"1:{occurrence}:never", "x"]):
        call = mp.action_request(
            stored, snooze, alice, channel, trigger_id=f"t-{n}", selected_option=pick
        )
        assert (await _post(bot, call)).status_code == 403
    [rem] = await bot.repo.list_for(None, list(ReminderState))
    assert rem.state is ReminderState.COMPLETED  # delivered, not snoozed


async def test_a_stale_button_answers_politely(bot: MattermostBot) -> None:
    # The update takes the buttons off the post; a copy of it elsewhere (another
    # client, an old tab) may still send the click.
    _draft_post, call = await _draft(bot)
    await _post(bot, {**call, "trigger_id": "t-1"})
    late = await _post(bot, {**call, "trigger_id": "t-2"})
    assert late.status_code == 200
    assert late.json() == {"ephemeral_text": "Reminder #1 is already scheduled."}


async def test_channel_reminders_need_the_bot_in_the_channel(bot: MattermostBot) -> None:
    bot.mm.add_channel("quiet", bot.alice)  # the bot is not a member
    refused = await bot.dm("remind ~quiet in 1 hour to stand up")
    assert refused["message"] == (
        "I'm not a member of #quiet, so I can't post there. Invite me first."
    )
    bot.mm.add_channel("secret", bot.mm.bot_id, private=True)  # alice is not in it
    outside = await bot.dm("remind ~secret in 1 hour to stand up")
    assert outside["message"] == (
        "You can only set reminders in channels you are a member of (#secret)."
    )
    assert await _states(bot) == []


async def test_members_may_complete_a_channel_reminder_and_outsiders_may_not(
    bot: MattermostBot,
) -> None:
    bob, outsider = bot.mm.add_user("bob"), bot.mm.add_user("dee")
    ops = bot.mm.add_channel("ops", bot.alice, bob, bot.mm.bot_id)  # open: dee can read it
    draft = await bot.dm("remind ~ops in 10 minutes to check the dashboards")
    await bot.click(draft, "Confirm")
    assert await bot.tick(timedelta(minutes=10)) == 1
    [posted] = [q for q in bot.mm.posts_in(ops) if q["user_id"] == bot.mm.bot_id]
    done = await bot.click(posted, "Complete", user=bob)
    assert done.error is None
    assert "Done by @bob" in bot.mm.post(posted["id"])["message"]
    refused = await bot.click(posted, "Complete", user=outsider)
    assert refused.response == {
        "ephemeral_text": "Only the person who set this reminder (or its recipient) can do that."
    }
    assert bot.mm.post(posted["id"])["message"].count("@bob") == 1
