"""Everything Mattermost sends us, handed to the chat front.

Three ways in: ``posted`` events on the bot's websocket (DMs, and mentions in the
channels it is in), the slash command POSTed to ``/mattermost/command``, and button
calls POSTed to ``/mattermost/actions``. Every replica receives every websocket event;
the chat front answers each post once, by its id, in storage. After a reconnect the
bot's DMs are read back from the last post seen, so nothing sent meanwhile is lost.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.adapters.mattermost import payloads
from bot.adapters.mattermost.auth import Refused, Signer
from bot.adapters.mattermost.client import MattermostClient, MattermostError
from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.mattermost.replies import MattermostReplies
from bot.core import actions
from bot.core.chat import ChatFront
from bot.core.inbound import Message, Press
from bot.core.model import Actor, Conversation, Origin

log = logging.getLogger(__name__)
WORKSPACE = ""  # Mattermost user ids are unique on the server, across its teams
INLINE_S = 2.0  # a slash command's answer within this goes in the HTTP answer
CATCH_UP_MARGIN_MS = 2_000
_SNOOZE_CODES = set(actions.SNOOZE_CODES)
EXPIRED = "This button has expired. Ask me again: type 'list' or the reminder."


class MattermostListener:
    def __init__(
        self,
        front: ChatFront,
        gateway: MattermostGateway,
        signer: Signer,
        *,
        slash_token: str | None,
        events_options: dict[str, Any] | None = None,
    ) -> None:
        self.front = front
        self.gateway = gateway
        self.client: MattermostClient = gateway.client
        self.signer = signer
        self.slash_token = slash_token
        self.events_options = events_options or {}
        self._last_seen: int | None = None
        self._team = ""
        self._kinds: dict[str, bool] = {}  # channel id -> is a DM
        self._people: dict[str, str] = {}
        self._channels: dict[tuple[str, str], str] = {}

    # -- the websocket ------------------------------------------------------------------------

    async def run(self) -> None:
        """Read events until the client closes; one bad event never stops the stream."""
        async for event in self.client.events(self.catch_up, **self.events_options):
            if event.get("event") != "posted":
                continue
            data = event.get("data")
            found = (
                payloads.posted(data, self.gateway.bot_id, self.gateway.bot_name)
                if isinstance(data, dict)
                else None
            )
            if found is not None:
                await self._safely(self.on_post(found))

    async def catch_up(self) -> None:
        """After a reconnect: what was posted in the bot's DMs since the connection before
        it began (the server's clock, from the channels' ``last_post_at``)."""
        channels = await self.client.my_channels()
        dms = {
            str(c["id"]): int(c.get("last_post_at") or 0) for c in channels if c.get("type") == "D"
        }
        if self._last_seen is None:
            # The first connection: what is posted from now on arrives as events.
            self._last_seen = max(dms.values(), default=0)
            return
        since = self._last_seen - CATCH_UP_MARGIN_MS
        for channel in sorted(c for c, last in dms.items() if last > since):
            for post in await self.client.posts_since(channel, since):
                data = {"post": post, "channel_type": "D"}
                found = payloads.posted(data, self.gateway.bot_id, self.gateway.bot_name)
                if found is not None:
                    await self._safely(self.on_post(found))

    async def on_post(self, post: payloads.Posted) -> None:
        self._last_seen = max(self._last_seen or 0, post.create_at)
        self._team = self._team or post.team_id
        text = post.message
        if post.mentions_bot:
            text = payloads.without_mention(text, self.gateway.bot_name)
        message = Message(
            event_id=f"post:{post.id}",
            actor=_actor(post.user_id, post.sender),
            conversation=Conversation(id=post.channel_id, kind="dm" if post.direct else "channel"),
            text=await self.neutral(text),
        )
        route = payloads.Route(
            kind="dm" if post.direct else "mention",
            channel_id=post.channel_id,
            user_id=post.user_id,
        )
        await self.front.message(message, MattermostReplies(route, self.gateway))

    async def neutral(self, text: str) -> str:
        """``@name`` and ``~channel`` as neutral references, for the parser."""
        users, channels = payloads.names_in(text)
        found_users = {n: i for n in users if (i := await self._person(n))}
        found_channels = {n: i for n in channels if (i := await self._channel(n))}
        return payloads.neutral(text, found_users, found_channels)

    async def _person(self, name: str) -> str:
        if name not in self._people:
            try:
                self._people[name] = str((await self.client.user_named(name))["id"])
            except MattermostError as error:
                if error.temporary:
                    raise
                return ""
        return self._people[name]

    async def _channel(self, name: str) -> str:
        team = self._team or await self._first_team()
        if (team, name) not in self._channels:
            try:
                self._channels[team, name] = str(
                    (await self.client.channel_named(team, name))["id"]
                )
            except MattermostError as error:
                if error.temporary:
                    raise
                return ""
        return self._channels[team, name]

    async def _first_team(self) -> str:
        teams = await self.client.teams()
        self._team = str(teams[0]["id"]) if teams else ""
        return self._team

    async def _safely(self, work: Any) -> None:
        try:
            await work
        except MattermostError as error:
            # The server refused or failed our answer (a channel the bot may not post in,
            # someone it cannot reach, an outage): one line, not a traceback.
            log.warning("could not answer a Mattermost post: %s", error)
        except Exception:  # a bug or an outage must not end the event stream
            log.exception("a Mattermost event could not be handled")

    # -- HTTP: the slash command and button calls ---------------------------------------------

    def routes(self) -> list[Route]:
        return [
            Route("/mattermost/command", self.on_command, methods=["POST"]),
            Route("/mattermost/actions", self.on_action, methods=["POST"]),
        ]

    async def on_command(self, request: Request) -> Response:
        # The server POSTs a form (or, for GET commands, a query): read it as text.
        body = (await request.body()).decode("utf-8", errors="replace")
        call = payloads.command_call(dict(parse_qsl(body, keep_blank_values=True)))
        if call is None or not self._token_ok(call.token, request.headers.get("authorization", "")):
            log.info("refused a Mattermost slash command without the right token")
            return JSONResponse({"error": "invalid token"}, status_code=401)
        self._team = self._team or call.team_id
        kind = await self._is_dm(call.channel_id)
        message = Message(
            event_id=f"trigger:{call.trigger_id}" if call.trigger_id else None,
            actor=_actor(call.user_id, call.user_name),
            conversation=Conversation(
                id=call.channel_id, kind="dm" if kind else "channel", name=call.channel_name
            ),
            text=await self.neutral(call.text),
            origin=Origin.SLASH,
        )
        route = payloads.Route(
            kind="slash",
            channel_id=call.channel_id,
            user_id=call.user_id,
            team_id=call.team_id,
            response_url=call.response_url,
        )
        replies = MattermostReplies(route, self.gateway)
        work = asyncio.ensure_future(self.front.message(message, replies))
        done, _ = await asyncio.wait({work}, timeout=INLINE_S)
        if not done:  # it goes to the response URL when it is ready
            replies.late = True
            return JSONResponse({"response_type": "ephemeral", "text": "Working on it\u2026"})
        work.result()
        return JSONResponse(replies.response())

    def _token_ok(self, field: str, header: str) -> bool:
        """The command's token, as the form field and/or ``Authorization: Token ...``:
        every form given must match (compared in constant time)."""
        if not self.slash_token:
            return False
        given = [t for t in (field, header.removeprefix("Token ").strip()) if t]
        expected = self.slash_token.encode()
        return bool(given) and all(hmac.compare_digest(t.encode(), expected) for t in given)

    async def on_action(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        call = payloads.action_call(body)
        if call is None:
            return _refused("not a button call")
        try:
            press = await self._press(call)
        except Refused as refused:
            if refused.expired:
                return JSONResponse({"ephemeral_text": EXPIRED})
            return _refused(refused.reason)
        direct = await self._is_dm(call.channel_id)
        route = payloads.Route(
            kind="action",
            channel_id=call.channel_id,
            user_id=call.user_id,
            team_id=call.team_id,
            post_id=call.post_id,
            direct=direct,
        )
        replies = MattermostReplies(route, self.gateway)
        await self.front.press(press, replies)
        return JSONResponse(replies.response())

    async def _press(self, call: payloads.ActionCall) -> Press:
        signed = self.signer.verify(call.context, call.user_id)
        value = signed.value
        # A snooze button (a summary's "Snooze 1 hour") has its whole value signed.
        if signed.action_id == actions.SNOOZE and not _snooze_button(signed.value, call):
            # A menu: the pick is not signed, so it must extend the signed value.
            head, _, code = call.selected_option.rpartition(":")
            if head != signed.value or code not in _SNOOZE_CODES:
                raise Refused("a menu pick that is not one of the menu's options")
            value = call.selected_option
        direct = await self._is_dm(call.channel_id)
        return Press(
            event_id=f"trigger:{call.trigger_id}" if call.trigger_id else None,
            actor=_actor(call.user_id, call.user_name),
            conversation=Conversation(id=call.channel_id, kind="dm" if direct else "channel"),
            action_id=signed.action_id,
            value=value,
        )

    async def _is_dm(self, channel_id: str) -> bool:
        if channel_id not in self._kinds:
            try:
                channel = await self.client.channel(channel_id)
            except MattermostError:
                return False
            self._kinds[channel_id] = channel.get("type") == "D"
        return self._kinds[channel_id]


def _actor(user_id: str, name: str) -> Actor:
    return Actor(platform=payloads.PLATFORM, workspace=WORKSPACE, user=user_id, name=name)


def _refused(reason: str) -> Response:
    log.warning("refused a Mattermost button call: %s", reason)
    return JSONResponse({"error": {"message": "This button is not valid."}}, status_code=403)


def _snooze_button(value: str, call: payloads.ActionCall) -> bool:
    """Whether a snooze call is a button's: no pick, and a signed value that names its
    choice itself (``12:40:summary.1h``); a menu's signed value names only the occurrence."""
    return not call.selected_option and value.count(":") == 2
