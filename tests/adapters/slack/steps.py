"""Shared steps: read Block Kit, and get a reminder scheduled or delivered."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bot.core import actions
from tests.adapters.slack.conftest import SlackBot
from tests.servers import slack_payloads as p
from tests.servers.slack import Call

Block = dict[str, Any]


def element(blocks: list[Block], action_id: str) -> Block:
    """The button or menu with ``action_id``."""
    for block in blocks:
        for found in block.get("elements", []):
            if found.get("action_id") == action_id:
                return dict(found)
    raise AssertionError(f"no {action_id} in {blocks}")


def text_objects(value: Any) -> Iterator[Block]:
    """Every Block Kit text object (``mrkdwn`` or ``plain_text``) anywhere in ``value``."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and "text" in value:
            yield value
        for child in value.values():
            yield from text_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from text_objects(child)


def words(blocks: list[Block]) -> str:
    """All text the blocks show, joined."""
    return " ".join(str(t["text"]) for t in text_objects(blocks))


async def draft(bot: SlackBot, phrase: str, *, channel: str = "C1") -> list[Block]:
    """``/reminder phrase`` by U1; the blocks of the ephemeral confirmation."""
    key = f"cmd-{uuid.uuid4().hex}"
    command = p.slash_command(phrase, channel_id=channel, response_url=bot.slack.response_url(key))
    await bot.send("slash_commands", command)
    return list((await bot.slack.wait_for_response(key))[0]["blocks"])


async def schedule(bot: SlackBot, phrase: str, *, channel: str = "C1") -> int:
    """Draft ``phrase`` and press Confirm; the scheduled reminder's id."""
    confirm = element(await draft(bot, phrase, channel=channel), actions.CONFIRM)
    key = f"confirm-{uuid.uuid4().hex}"
    click = p.block_actions(
        actions.CONFIRM,
        confirm["value"],
        channel_id=channel,
        is_ephemeral=True,
        response_url=bot.slack.response_url(key),
    )
    await bot.send("interactive", click)
    answer = (await bot.slack.wait_for_response(key))[0]
    assert answer["text"].startswith("Scheduled #"), answer
    return int(confirm["value"])


async def deliver(bot: SlackBot, phrase: str, after: timedelta, *, channel: str = "C1") -> Call:
    """Schedule ``phrase``, move time by ``after`` and return the delivering chat.postMessage."""
    await schedule(bot, phrase, channel=channel)
    assert await bot.tick(after) == 1
    return (await bot.slack.wait_for_call("chat.postMessage"))[-1]
