"""The chat front's ``Replies`` on Slack: how each kind of event is answered.

A slash command answers at its response URL; a DM in the DM; a mention ephemerally in
its thread; a click by replacing the message (``chat.update``, or through the response
URL for an ephemeral one); a click in App Home by publishing Home again. Prompts open a
modal while the click's trigger id is valid (3 seconds).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import EDIT_VIEW, SHORTCUT_VIEW, SNOOZE_VIEW, message, prompt_view
from bot.adapters.slack.gateway import SlackGateway
from bot.adapters.slack.payloads import Route, Source
from bot.core import actions
from bot.core.model import Prompt, Reply

# Publishes App Home again, with a notice (an answer, such as a refusal) or none.
Home = Callable[[Reply | None], Awaitable[None]]
_VIEWS = {actions.EDIT: EDIT_VIEW, actions.SNOOZE: SNOOZE_VIEW}


class SlackReplies:
    """Answers one event, as its ``route`` says."""

    def __init__(self, route: Route, gateway: SlackGateway, home: Home | None = None) -> None:
        self.route = route
        self.gateway = gateway
        self.home = home

    async def answer(self, reply: Reply) -> None:
        route = self.route
        if route.kind == "home" and self.home is not None:
            await self.home(reply)
        elif route.kind == "dm":
            await self.gateway.post(route.channel, reply)
        elif route.kind == "slash" and route.response_url:
            await _respond(route.response_url, **message(reply))
        elif route.response_url:
            await _respond(route.response_url, replace_original=False, **message(reply))
        else:
            await self.gateway.ephemeral(route.channel, route.user, reply, route.thread_ts)

    async def replace(self, reply: Reply) -> None:
        route = self.route
        if route.kind == "home" and self.home is not None:
            await self.home(None)
        elif route.kind in ("press", "modal") and not route.ephemeral and route.message_ts:
            await self.gateway.update(f"{route.channel}:{route.message_ts}", reply)
        elif route.kind in ("press", "modal") and route.response_url:
            await _respond(route.response_url, replace_original=True, **message(reply))
        else:
            await self.answer(reply)

    async def prompt(self, prompt: Prompt) -> bool:
        route = self.route
        if route.trigger_id is None:
            return False
        source = Source(
            action_id=prompt.action_id,
            value=prompt.value,
            channel=route.channel,
            message_ts=None if route.ephemeral else route.message_ts,
            response_url=route.response_url if route.ephemeral else None,
            home=route.kind == "home",
        )
        await open_prompt(self.gateway, route.trigger_id, prompt, source)
        return True


async def open_prompt(
    gateway: SlackGateway, trigger_id: str, prompt: Prompt, source: Source
) -> None:
    callback = _VIEWS.get(prompt.action_id, SHORTCUT_VIEW)
    view = prompt_view(prompt, callback, source.dump())
    await gateway.open_view(trigger_id, view)


async def _respond(url: str, **answer: Any) -> None:
    await AsyncWebhookClient(url).send(response_type="ephemeral", **answer)
