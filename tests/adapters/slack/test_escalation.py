"""An escalation over the real Slack adapter against the local Slack stand-in: the lead
gets it by DM when the reminder is not completed, with the owner as a real mention, and
nothing a person wrote pings a channel."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.steps import schedule, text_objects, words

Post = dict[str, Any]


def _posts(bot: SlackBot, channel: str) -> list[Post]:
    calls = bot.slack.calls_to("chat.postMessage")
    return [c.args for c in calls if c.status == 200 and c.args["channel"] == channel]


def _blocks(post: Post) -> list[Post]:
    blocks = post["blocks"]
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


async def test_the_lead_is_told_by_dm_with_the_owner_as_a_mention(bot: SlackBot) -> None:
    await schedule(
        bot, "me in 10 minutes to pay <!channel> @here now and tell <@U2> if not done within 1h"
    )
    await bot.tick(timedelta(minutes=10))
    assert [m["text"] for m in _posts(bot, "D1")][-1].startswith("Reminder: pay")
    assert _posts(bot, "D2") == []
    await bot.tick(timedelta(minutes=59))
    assert _posts(bot, "D2") == []
    await bot.tick(timedelta(minutes=1))
    (told,) = _posts(bot, "D2")
    shown = words(_blocks(told))
    # In the owner's zone (Slack's example, Los Angeles); the text is escaped.
    text = "Not done yet: @U1 was reminded Mon 23 Nov 01:10: pay &lt;!channel&gt; @here now"
    assert told["text"] == text and shown.startswith(text)
    assert "Set by <@U1>" in shown  # the one mention: an id Slack gave us
    for text in (told["text"], *(t["text"] for t in text_objects(_blocks(told)))):
        assert "<!channel>" not in text and "<!here>" not in text
