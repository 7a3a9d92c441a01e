"""The Slack side of the ``ChatGateway`` port: post, update, notify, membership.

Web API errors become ``DeliveryError``: 429 carries ``Retry-After``, 5xx and connection
problems are temporary, and the errors listed in ``PERMANENT`` fail the occurrence
(https://api.slack.com/methods/chat.postMessage#errors).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import fallback, to_blocks
from bot.core.model import Access, Delivery, Destination, Reach, Reply, TargetKind, UserRef
from bot.core.ports import NO_METRICS, DeliveryError, Metrics
from bot.pacing import SLACK_LIMITS, Pacer

log = logging.getLogger(__name__)

PLATFORM = "slack"
PERMANENT = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "not_authed",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
    }
)
# Every delivery carries its occurrence in the message metadata
# (https://api.slack.com/metadata/using), to be found if it was posted and not recorded.
OCCURRENCE_EVENT = "remindbot_occurrence"
_TEMPORARY = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
_MARGIN = timedelta(minutes=1)  # clocks of the bot and Slack may differ
EMAIL_CACHE_SECONDS = 300.0  # a profile's email, remembered this long (monotonic clock)


class SlackGateway:
    """Delivers reminders through the Web API client (base URL configurable).

    Every ``chat.postMessage`` goes through ``pacer``: within Slack's limits (about one
    message per second per channel), paused by a 429's ``Retry-After``, retried in place
    through short outages, in order per channel (bot/pacing.py).
    """

    platform = PLATFORM

    def __init__(
        self, client: AsyncWebClient, metrics: Metrics = NO_METRICS, pacer: Pacer | None = None
    ) -> None:
        self.client = client
        self.metrics = metrics  # every failed Web API call, by its error code
        self.pacer = pacer or Pacer(SLACK_LIMITS)
        self._dm: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._emails: dict[str, tuple[float, str | None]] = {}

    async def check(self) -> None:
        """``auth.test``: raises ``DeliveryError`` when Slack refuses the token."""
        await self._call("auth_test")

    async def deliver(self, delivery: Delivery) -> str:
        # The recipient's turn first: opening their DM is a call, and deliveries that
        # finish it out of order must still post in the order they came.
        async with self.pacer.turn(_recipient(delivery)):
            return await self._deliver(delivery)

    async def _deliver(self, delivery: Delivery) -> str:
        channel = await self._conversation(delivery)
        tag = {"event_type": OCCURRENCE_EVENT, "event_payload": _payload(delivery)}
        last: list[DeliveryError] = []

        async def attempt(n: int) -> str:
            # A failure other than a 429 may have posted it (a 500 or a time-out after the
            # write): look before posting again, as the dispatcher does across attempts.
            if n > 1 and last and last[-1].reason != "ratelimited":
                found = await self.find_delivered(delivery, delivery.occurrence.due_at - _MARGIN)
                if found is not None:
                    return found
            try:
                return await self._post_once(channel, delivery.reply, None, tag)
            except DeliveryError as error:
                last.append(error)
                if error.reason == "ratelimited":  # the pacer waits it out: a 429 wait
                    self.metrics.waited(PLATFORM, error.retry_after or 1.0)
                raise

        return await self.pacer.call(channel, attempt)

    async def _conversation(self, delivery: Delivery) -> str:
        rem = delivery.reminder
        if rem.target_kind is TargetKind.CHANNEL:
            return await self._channel_id(rem.target_ref, rem.target_name)
        recipient = rem.recipient or rem.owner_ref
        return await self._dm_channel(recipient.user)

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        """Our post of this occurrence in its conversation (``conversations.history`` with
        the message metadata), if there is one."""
        channel = await self._conversation(delivery)
        wanted = _payload(delivery)
        cursor = None
        for _page in range(10):
            answer = await self._call(
                "conversations_history",
                channel=channel,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
            for message in answer.get("messages", []):
                meta = message.get("metadata") or {}
                if (
                    meta.get("event_type") == OCCURRENCE_EVENT
                    and meta.get("event_payload") == wanted
                ):
                    return f"{channel}:{message['ts']}"
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None

    async def post(
        self,
        channel: str,
        reply: Reply,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        return await self.pacer.call(
            channel, lambda _n: self._post_once(channel, reply, thread_ts, metadata)
        )

    async def _post_once(
        self,
        channel: str,
        reply: Reply,
        thread_ts: str | None,
        metadata: dict[str, Any] | None,
    ) -> str:
        answer = await self._call(
            "chat_postMessage",
            channel=channel,
            text=fallback(reply),
            blocks=to_blocks(reply),
            unfurl_links=False,
            unfurl_media=False,
            thread_ts=thread_ts,
            metadata=metadata,
        )
        return f"{answer['channel']}:{answer['ts']}"

    async def update(self, message_ref: str, reply: Reply) -> None:
        channel, _, ts = message_ref.partition(":")
        await self._call(
            "chat_update", channel=channel, ts=ts, text=fallback(reply), blocks=to_blocks(reply)
        )

    async def notify(self, owner: str, reply: Reply) -> None:
        await self.post(await self._dm_channel(UserRef.of(owner).user), reply)

    async def ephemeral(self, channel: str, user: str, reply: Reply, thread_ts: str | None) -> None:
        await self._call(
            "chat_postEphemeral",
            channel=channel,
            user=user,
            text=fallback(reply),
            blocks=to_blocks(reply),
            thread_ts=thread_ts,
        )

    async def is_member(self, user: str, channel: str) -> bool:
        return user in await self._all_members(channel)

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        await self._call("views_open", trigger_id=trigger_id, view=view)

    async def publish_home(self, user: str, view: dict[str, Any]) -> None:
        await self._call("views_publish", user_id=user, view=view)

    async def permalink(self, channel: str, ts: str) -> str:
        """The link to a message, or "" when Slack gives none (the reminder is kept)."""
        try:
            answer = await self._call("chat_getPermalink", channel=channel, message_ts=ts)
        except DeliveryError as error:
            log.warning("chat.getPermalink failed: %s", error.reason)
            return ""
        link = answer.get("permalink")
        return link if isinstance(link, str) else ""

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        if target.kind is TargetKind.USER:
            return await self._reach_user(workspace, target)
        if target.kind is TargetKind.CHANNEL:
            return await self._reach_channel(user, target)
        return Reach(access=Access.OK, destination=target)

    async def _reach_user(self, workspace: str, target: Destination) -> Reach:
        try:
            person = (await self._call("users_info", user=target.ref)).get("user") or {}
        except DeliveryError as error:
            if error.temporary:
                raise
            return Reach(access=Access.NO_USER, destination=target)
        # An external (Slack Connect) person belongs to another team: no DM from us.
        outside = bool(workspace) and person.get("team_id") not in (workspace, None)
        if person.get("deleted") or person.get("is_bot") or outside:
            return Reach(access=Access.NO_USER, destination=target)
        return Reach(access=Access.OK, destination=target)

    async def _reach_channel(self, user: str, target: Destination) -> Reach:
        try:
            channel = await self._channel_id(target.ref, target.name)
            info = (await self._call("conversations_info", channel=channel)).get("channel") or {}
        except DeliveryError as error:
            if error.temporary:
                raise
            return Reach(access=Access.NO_CHANNEL, destination=target)
        found = Destination(kind=target.kind, ref=channel, name=info.get("name") or target.name)
        if not info.get("is_member"):
            return Reach(access=Access.BOT_NOT_MEMBER, destination=found)
        if user and not await self.is_member(user, channel):
            return Reach(access=Access.NOT_MEMBER, destination=found)
        return Reach(access=Access.OK, destination=found)

    async def _all_members(self, channel: str) -> set[str]:
        members: set[str] = set()
        cursor = None
        for _page in range(50):
            answer = await self._call("conversations_members", channel=channel, cursor=cursor)
            members.update(answer.get("members", []))
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return members

    async def user_zone(self, user: str) -> str | None:
        """The zone Slack has for a user (users.info ``tz``), or ``None``."""
        try:
            answer = await self._call("users_info", user=user)
        except DeliveryError as error:
            log.warning("users.info for a user failed: %s", error.reason)
            return None
        tz = (answer.get("user") or {}).get("tz")
        return tz if isinstance(tz, str) else None

    async def email_of(self, user: str) -> str | None:
        """``profile.email`` from users.info (needs the ``users:read.email`` scope; without
        it Slack leaves the field out and this is ``None``), remembered briefly so a batch
        of emails does not ask once per reminder."""
        cached = self._emails.get(user)
        if cached is not None and time.monotonic() - cached[0] < EMAIL_CACHE_SECONDS:
            return cached[1]
        try:
            answer = await self._call("users_info", user=user)
        except DeliveryError as error:
            if error.temporary:
                raise
            log.warning("users.info for a user's email failed: %s", error.reason)
            return None
        email = ((answer.get("user") or {}).get("profile") or {}).get("email")
        found = email.strip() if isinstance(email, str) and email.strip() else None
        self._emails[user] = (time.monotonic(), found)
        return found

    async def message_link(self, message_ref: str) -> str | None:
        """The permalink of a message we posted (``channel:ts``), from chat.getPermalink."""
        channel, _, ts = message_ref.partition(":")
        if not channel or not ts:
            return None
        return await self.permalink(channel, ts) or None

    async def _dm_channel(self, user: str) -> str:
        if user not in self._dm:
            answer = await self._call("conversations_open", users=user)
            self._dm[user] = answer["channel"]["id"]
        return self._dm[user]

    async def _channel_id(self, ref: str, name: str) -> str:
        if ref[:1] in ("C", "G") and ref[1:].isalnum() and ref.upper() == ref:
            return ref
        wanted = (name or ref).lstrip("#")
        if wanted not in self._names:
            self._names.update(await self._channel_names())
        if wanted not in self._names:
            raise DeliveryError("channel_not_found", temporary=False)
        return self._names[wanted]

    async def _channel_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        cursor = None
        for _page in range(50):
            answer = await self._call(
                "conversations_list", types="public_channel,private_channel", cursor=cursor
            )
            names.update({c["name"]: c["id"] for c in answer.get("channels", [])})
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return names

    async def _call(self, method: str, **args: Any) -> dict[str, Any]:
        clean = {k: v for k, v in args.items() if v is not None}
        try:
            response = await getattr(self.client, method)(**clean)
        except SlackApiError as error:
            failed = _delivery_error(error)
            self.metrics.platform_error(PLATFORM, failed.reason)
            raise failed from None
        except (aiohttp.ClientError, TimeoutError) as error:
            self.metrics.platform_error(PLATFORM, "connection")
            raise DeliveryError(f"connection: {type(error).__name__}", temporary=True) from None
        data: dict[str, Any] = response.data if isinstance(response.data, dict) else {}
        return data


def _recipient(delivery: Delivery) -> str:
    """Whom a delivery is for, known without a call: the channel, or the person."""
    rem = delivery.reminder
    if rem.target_kind is TargetKind.CHANNEL:
        return f"to:{rem.target_ref}"
    return f"to:{(rem.recipient or rem.owner_ref).user}"


def _payload(delivery: Delivery) -> dict[str, str]:
    occ = delivery.occurrence
    return {"reminder": str(delivery.reminder.id), "occurrence": str(occ.id)}


def _delivery_error(error: SlackApiError) -> DeliveryError:
    response = error.response
    reason = str(response.get("error") or f"http_{response.status_code}")
    if response.status_code == 429 or reason == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after")
        wait = float(retry_after) if retry_after else None
        return DeliveryError("ratelimited", temporary=True, retry_after=wait)
    if response.status_code >= 500 or reason in _TEMPORARY:
        return DeliveryError(reason, temporary=True)
    return DeliveryError(reason, temporary=False)
