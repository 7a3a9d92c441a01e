"""Bolt listeners: acknowledge first, convert the payload, hand it to the chat front.

Slack needs an acknowledgement within 3 seconds
(https://api.slack.com/interactivity/handling#acknowledgment_response); every listener
calls ``ack()`` before anything else. Retried and replayed requests are recognised by
the chat front from their event or trigger id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack import payloads
from bot.adapters.slack.blocks import home_view
from bot.adapters.slack.gateway import SlackGateway
from bot.adapters.slack.home import settings_blocks
from bot.adapters.slack.replies import SlackReplies, open_prompt
from bot.core import actions
from bot.core.chat import ChatFront
from bot.core.model import Actor, Prompt, Reply

log = logging.getLogger(__name__)

SHORTCUT = "remind_me_about_this"
Ack = Callable[..., Awaitable[None]]


class SlackListeners:
    """Everything Slack sends us, handed to the chat front; answers go back through
    ``SlackReplies`` on ``gateway``."""

    def __init__(
        self, bolt: AsyncApp, front: ChatFront, gateway: SlackGateway, command: str
    ) -> None:
        self.bolt = bolt
        self.front = front
        self.gateway = gateway
        self.command = command

    def register(self) -> None:
        bolt = self.bolt
        bolt.command(self.command)(self.on_command)
        bolt.event("message")(self.on_message)
        bolt.event("app_mention")(self.on_mention)
        bolt.event("app_home_opened")(self.on_home)
        bolt.action(re.compile(r"^reminder\."))(self.on_action)
        bolt.view(re.compile(r"^reminder\."))(self.on_view)
        bolt.shortcut(SHORTCUT)(self.on_shortcut)

    def _replies(self, route: payloads.Route) -> SlackReplies:
        return SlackReplies(route, self.gateway)

    async def on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        if (found := payloads.slash_command(body)) is not None:
            await self.front.message(found[0], self._replies(found[1]))

    async def on_message(self, body: dict[str, Any]) -> None:
        if (found := payloads.message_event(body)) is not None:
            await self.front.message(found[0], self._replies(found[1]))

    async def on_mention(self, body: dict[str, Any]) -> None:
        if (found := payloads.mention_event(body)) is not None:
            await self.front.message(found[0], self._replies(found[1]))

    async def on_home(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, str):
            team = str(body.get("team_id", ""))
            await self.publish_home(Actor(platform=payloads.PLATFORM, workspace=team, user=user))

    async def publish_home(self, actor: Actor, notice: Reply | None = None) -> None:
        upcoming, settings = await self.front.overview(actor)
        controls = settings_blocks(await self.front.settings_form(actor))
        view = home_view(upcoming, settings, controls, notice)
        await self.gateway.publish_home(actor.user, view)

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        if (found := payloads.press(body)) is None:
            log.warning("ignored a Slack click that is not one of ours")
            return
        press, route = found

        async def home(notice: Reply | None) -> None:  # a click in App Home shows it again
            # A settings control's refusal is shown on Home, where the click was.
            shown = notice if press.action_id in actions.ON_SETTINGS else None
            await self.publish_home(press.actor, shown)

        await self.front.press(press, SlackReplies(route, self.gateway, home))

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        if (found := payloads.submission(body)) is None:
            return
        answer, route = found

        async def home(_notice: Reply | None) -> None:  # an edit from App Home shows it again
            await self.publish_home(answer.actor)

        await self.front.answer(answer, SlackReplies(route, self.gateway, home))

    async def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        found = payloads.shortcut(body)
        if found is None:
            return
        link = await self.gateway.permalink(found.channel, found.message_ts)
        note = f"\u201c{found.quote}\u201d {link}".strip() if found.quote else link
        prompt = Prompt(
            action_id=actions.ABOUT,
            value="",
            title="Remind me",
            label="When? (e.g. tomorrow at 9, in 2 hours)",
        )
        source = payloads.Source(
            action_id=actions.ABOUT, value="", channel=found.channel, note=note
        )
        await open_prompt(self.gateway, found.trigger_id, prompt, source)
        log.info("shortcut opened for %s", found.actor.key)
