"""Bolt listeners: acknowledge first, then turn Slack requests into core calls.

Slack needs an acknowledgement within 3 seconds
(https://api.slack.com/interactivity/handling#acknowledgment_response); every listener
calls ``ack()`` before it touches storage. Retried events are dropped by event id, and
acknowledged anyway so Slack stops resending them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.adapters.slack import payloads
from bot.adapters.slack.blocks import (
    EDIT_VIEW,
    SHORTCUT_VIEW,
    SNOOZE_VIEW,
    fallback,
    home_view,
    prompt_view,
    to_blocks,
)
from bot.adapters.slack.gateway import SlackGateway
from bot.core import actions, texts
from bot.core.model import Actor, Origin, Prompt, Reply
from bot.core.ports import Clock, ReminderRepository
from bot.core.service import ReminderService

log = logging.getLogger(__name__)

SHORTCUT = "remind_me_about_this"
SHORTCUT_ACTION = "reminder.shortcut"
_ZONE_REFRESH = timedelta(days=1)
Ack = Callable[..., Awaitable[None]]
Respond = Callable[..., Awaitable[Any]]


class SlackListeners:
    """Everything Slack sends us, handled by core; answers go back through ``gateway``."""

    def __init__(
        self,
        bolt: AsyncApp,
        service: ReminderService,
        repo: ReminderRepository,
        gateway: SlackGateway,
        clock: Clock,
        command: str,
    ) -> None:
        self.bolt = bolt
        self.service = service
        self.repo = repo
        self.gateway = gateway
        self.clock = clock
        self.command = command
        self._zones_seen: dict[str, datetime] = {}

    def register(self) -> None:
        bolt = self.bolt
        bolt.middleware(self.dedup)
        bolt.command(self.command)(self.on_command)
        bolt.event("message")(self.on_message)
        bolt.event("app_mention")(self.on_mention)
        bolt.event("app_home_opened")(self.on_home)
        bolt.action(re.compile(r"^reminder\."))(self.on_action)
        bolt.view(re.compile(r"^reminder\."))(self.on_view)
        bolt.shortcut(SHORTCUT)(self.on_shortcut)

    # -- inbound checks ----------------------------------------------------------------

    async def dedup(self, body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
        """Drop what was handled before: retried events, and replayed commands or clicks
        (a signature carries no nonce, but every invocation has its own trigger id)."""
        inbound_id = payloads.inbound_id(body)
        if inbound_id is not None:
            fresh = await self.repo.mark_event_seen("slack", inbound_id, self.clock.now())
            if not fresh:
                log.info("dropped a repeated Slack request %s", inbound_id)
                return BoltResponse(status=200, body="")
        return await next()

    async def observe(self, actor: Actor) -> None:
        """Take the user's zone from users.info on first contact, then once a day."""
        now = self.clock.now()
        seen = self._zones_seen.get(actor.key)
        if seen is not None and now - seen < _ZONE_REFRESH:
            return
        zone = await self.gateway.user_zone(actor.user)
        if zone:
            await self.service.observe_timezone(actor, zone)
        # Marked after the lookup: a second event meanwhile looks again rather than
        # going on without the zone.
        self._zones_seen[actor.key] = now

    # -- messages ----------------------------------------------------------------------

    async def on_command(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        await ack()
        incoming = payloads.slash_command(body)
        await self.observe(incoming.actor)
        text = incoming.text or "help"
        reply = await self.service.handle(incoming.actor, incoming.where, text, Origin.SLASH)
        await respond(response_type="ephemeral", **message(reply))

    async def on_message(self, body: dict[str, Any]) -> None:
        incoming = payloads.message_event(body)
        if incoming is None or not incoming.text:
            return
        await self.observe(incoming.actor)
        reply = await self.service.handle(incoming.actor, incoming.where, incoming.text)
        await self.gateway.post(incoming.where.id, reply)

    async def on_mention(self, body: dict[str, Any]) -> None:
        incoming = payloads.mention_event(body)
        if incoming is None:
            return
        await self.observe(incoming.actor)
        reply = await self.service.handle(incoming.actor, incoming.where, incoming.text or "help")
        await self.gateway.ephemeral(
            incoming.where.id, incoming.actor.user, reply, incoming.thread_ts
        )

    async def on_home(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        actor = Actor(platform="slack", workspace=body.get("team_id", ""), user=event["user"])
        await self.observe(actor)
        await self.publish_home(actor)

    async def publish_home(self, actor: Actor) -> None:
        upcoming = await self.service.list_upcoming(actor)
        settings = texts.settings(await self.service.prefs(actor))
        await self.bolt.client.views_publish(user_id=actor.user, view=home_view(upcoming, settings))

    # -- buttons, modals, shortcut ---------------------------------------------------------

    async def on_action(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        await ack()
        press = payloads.press(body)
        await self.observe(press.actor)  # "snooze until tomorrow" needs the presser's zone
        reply = await self.service.press(press.actor, press.where, press.action_id, press.value)
        if (body.get("container") or {}).get("type") == "view":
            await self.publish_home(press.actor)
            return
        if reply.prompt is not None and press.trigger_id:
            source = payloads.Source(
                action_id=reply.prompt.action_id,
                value=reply.prompt.value,
                channel=press.where.id,
                message_ts=None if press.ephemeral else press.message_ts,
                response_url=press.response_url if press.ephemeral else None,
            )
            await self.open_prompt(press.trigger_id, reply.prompt, source)
            return
        await self.answer(reply, press.where.id, press.actor.user, press, respond)

    async def answer(
        self,
        reply: Reply,
        channel: str,
        user: str,
        press: payloads.Press | None,
        respond: Respond | None,
    ) -> None:
        """Replace the pressed message when asked, else say it to the user alone."""
        ts = press.message_ts if press else None
        if reply.replace and press is not None and not press.ephemeral and ts:
            await self.gateway.update(f"{channel}:{ts}", reply)
        elif respond is not None:
            await respond(
                replace_original=reply.replace, response_type="ephemeral", **message(reply)
            )
        else:
            await self.gateway.ephemeral(channel, user, reply, None)

    async def open_prompt(self, trigger_id: str, prompt: Prompt, source: payloads.Source) -> None:
        callback = {actions.EDIT: EDIT_VIEW, actions.SNOOZE: SNOOZE_VIEW}.get(
            prompt.action_id, SHORTCUT_VIEW
        )
        title = {EDIT_VIEW: "Edit reminder", SNOOZE_VIEW: "Snooze"}.get(callback, "Remind me")
        view = prompt_view(prompt, callback, source.dump(), title)
        await self.bolt.client.views_open(trigger_id=trigger_id, view=view)

    async def on_view(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        actor, text, source = payloads.submission(body)
        if source is None:
            return
        where = payloads.conversation(source.channel)
        # Here, not when the shortcut opened the modal (its trigger_id lasts 3 s): the
        # draft below needs the zone, and the submission may come before a lookup ends.
        await self.observe(actor)
        if source.action_id == SHORTCUT_ACTION:
            reply = await self.service.draft(actor, where, text, Origin.CHAT, note=source.note)
            await self.gateway.ephemeral(source.channel, actor.user, reply, None)
            return
        reply = await self.service.press(actor, where, source.action_id, source.value, text=text)
        respond = self._respond_to(source.response_url)
        press = payloads.Press(
            actor=actor,
            where=where,
            action_id=source.action_id,
            value=source.value,
            message_ts=source.message_ts,
            ephemeral=source.message_ts is None,
            response_url=source.response_url,
            trigger_id=None,
        )
        await self.answer(reply, source.channel, actor.user, press, respond)

    def _respond_to(self, url: str | None) -> Respond | None:
        if not url:
            return None
        from slack_sdk.webhook.async_client import AsyncWebhookClient

        async def respond(**kwargs: Any) -> Any:
            return await AsyncWebhookClient(url).send(**kwargs)

        return respond

    async def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        actor, channel, ts, quote = payloads.shortcut(body)
        link = await self._permalink(channel, ts)
        note = f"\u201c{quote}\u201d {link}".strip() if quote else link
        prompt = Prompt(
            action_id=SHORTCUT_ACTION, value="", label="When? (e.g. tomorrow at 9, in 2 hours)"
        )
        source = payloads.Source(action_id=SHORTCUT_ACTION, value="", channel=channel, note=note)
        await self.open_prompt(body["trigger_id"], prompt, source)
        log.info("shortcut opened for %s", actor.key)

    async def _permalink(self, channel: str, ts: str) -> str:
        try:
            answer = await self.bolt.client.chat_getPermalink(channel=channel, message_ts=ts)
        except Exception as error:  # a missing link must not lose the reminder
            log.warning("chat.getPermalink failed: %s", type(error).__name__)
            return ""
        link = answer.get("permalink")
        return link if isinstance(link, str) else ""


def message(reply: Reply) -> dict[str, Any]:
    return {"text": fallback(reply), "blocks": to_blocks(reply)}
