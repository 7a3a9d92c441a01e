"""The Mattermost side of the ``ChatPlatform`` port: post, update, notify, the directory.

Posts carry our signed action contexts (``auth.Signer``) and, in ``props``, the
occurrence they deliver, so a post can be recognised as ours later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.mattermost import attachments, payloads
from bot.adapters.mattermost.auth import Signer
from bot.adapters.mattermost.client import MattermostClient, MattermostError
from bot.core.model import Access, Delivery, Destination, Reach, Reply, TargetKind, UserRef

log = logging.getLogger(__name__)
JSON = dict[str, Any]
OCCURRENCE_PROP = "remindbot_occurrence"
_MARGIN = timedelta(minutes=1)  # clocks of the bot and the server may differ
EMAIL_CACHE_SECONDS = 300.0  # a profile's email, remembered this long (monotonic clock)


class MattermostGateway:
    """Delivers reminders and answers people as the bot.

    Args:
        client: the REST client, as the bot.
        signer: signs every button's context.
        actions_url: where the server sends button calls (``MATTERMOST_ACTIONS_URL``).
    """

    platform = payloads.PLATFORM

    def __init__(self, client: MattermostClient, signer: Signer, actions_url: str) -> None:
        self.client = client
        self.signer = signer
        self.actions_url = actions_url
        self.bot_id = ""
        self.bot_name = ""
        self._names: dict[str, str] = {}
        self._emails: dict[str, tuple[float, str | None]] = {}

    async def start(self) -> None:
        """Who the bot is (and that its token works: a refused one raises)."""
        me = await self.client.me()
        self.bot_id, self.bot_name = str(me["id"]), str(me.get("username", ""))

    # -- rendering -------------------------------------------------------------------------

    async def render(self, reply: Reply, for_user: str) -> tuple[str, JSON]:
        """A post's message and props; its buttons are for ``for_user`` ("" for anyone
        in the channel)."""
        names = await self.usernames([*reply.done_by, *([reply.set_by] if reply.set_by else [])])

        def context(action_id: str, value: str) -> dict[str, Any]:
            return self.signer.context(action_id, value, for_user)

        return attachments.post(reply, self.actions_url, context, names)

    async def usernames(self, user_ids: Iterable[str]) -> dict[str, str]:
        """Usernames by id, for "Done by @alice"; an id that cannot be looked up stays."""
        for user_id in set(user_ids) - set(self._names):
            try:
                self._names[user_id] = str((await self.client.user(user_id))["username"])
            except (MattermostError, KeyError):
                self._names[user_id] = user_id
        return {u: self._names.get(u, u) for u in user_ids}

    # -- the gateway port ------------------------------------------------------------------

    async def _conversation(self, delivery: Delivery) -> tuple[str, str]:
        """The channel it goes to, and whom its buttons are for ("" for a channel's)."""
        rem = delivery.reminder
        if rem.target_kind is TargetKind.CHANNEL:
            return rem.target_ref, ""
        recipient = rem.recipient or rem.owner_ref
        return await self.dm_channel(recipient.user), recipient.user

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        """Our post of this occurrence in its channel (``props``), if there is one."""
        channel, _for_user = await self._conversation(delivery)
        wanted = str(delivery.occurrence.id)
        for post in await self.client.posts_since(channel, int(since.timestamp() * 1000)):
            props = post.get("props") or {}
            if post.get("user_id") == self.bot_id and props.get(OCCURRENCE_PROP) == wanted:
                return str(post["id"])
        return None

    async def deliver(self, delivery: Delivery) -> str:
        # The recipient's turn first: finding their DM and rendering are calls, and
        # deliveries that finish those out of order must still post in order.
        async with self.client.pacer.turn(_recipient(delivery)):
            return await self._deliver(delivery)

    async def _deliver(self, delivery: Delivery) -> str:
        channel, for_user = await self._conversation(delivery)
        message, props = await self.render(delivery.reply, for_user)
        props[OCCURRENCE_PROP] = str(delivery.occurrence.id)
        last: list[MattermostError] = []

        async def attempt(n: int) -> str:
            # After a 500 or a time-out the post may exist: look before posting again.
            if n > 1 and last and last[-1].status != 429:
                found = await self.find_delivered(delivery, delivery.occurrence.due_at - _MARGIN)
                if found is not None:
                    return found
            try:
                return str((await self.client.create_post(channel, message, props))["id"])
            except MattermostError as error:
                last.append(error)
                raise

        # Paced: within the server's limit, paused by its 429s, in order per channel.
        return await self.client.pacer.call(channel, attempt)

    async def post(self, channel: str, reply: Reply, for_user: str) -> str:
        message, props = await self.render(reply, for_user)

        async def attempt(_n: int) -> str:
            return str((await self.client.create_post(channel, message, props))["id"])

        return await self.client.pacer.call(channel, attempt)

    async def update(self, message_ref: str, reply: Reply) -> None:
        stored = await self.client.get_post(message_ref)
        channel = await self.client.channel(str(stored.get("channel_id", "")))
        for_user = _dm_partner(channel, self.bot_id)
        message, props = await self.render(reply, for_user)
        await self.client.patch_post(message_ref, message, props)

    async def notify(self, owner: str, reply: Reply) -> None:
        user = UserRef.of(owner).user
        await self.post(await self.dm_channel(user), reply, user)

    async def dm_channel(self, user_id: str) -> str:
        return str((await self.client.direct_channel(user_id))["id"])

    # -- the directory port ----------------------------------------------------------------

    async def is_member(self, user: str, channel: str) -> bool:
        return await self.client.is_member(channel, user)

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        if target.kind is TargetKind.USER:
            return await self._reach_user(target)
        if target.kind is TargetKind.CHANNEL:
            return await self._reach_channel(user, target)
        return Reach(access=Access.OK, destination=target)

    async def _reach_user(self, target: Destination) -> Reach:
        try:
            person = await self.client.user(target.ref)
        except MattermostError as error:
            if error.temporary:
                raise
            return Reach(access=Access.NO_USER, destination=target)
        if person.get("delete_at") or person.get("is_bot"):
            return Reach(access=Access.NO_USER, destination=target)
        shown = Destination(kind=target.kind, ref=target.ref, name=str(person.get("username")))
        return Reach(access=Access.OK, destination=shown)

    async def _reach_channel(self, user: str, target: Destination) -> Reach:
        try:
            channel = await self.client.channel(target.ref)
        except MattermostError as error:
            if error.temporary:
                raise
            return Reach(access=Access.NO_CHANNEL, destination=target)
        name = str(channel.get("name") or target.name)
        found = Destination(kind=target.kind, ref=target.ref, name=name)
        if not await self.client.is_member(target.ref, self.bot_id):
            return Reach(access=Access.BOT_NOT_MEMBER, destination=found)
        if user and not await self.client.is_member(target.ref, user):
            return Reach(access=Access.NOT_MEMBER, destination=found)
        return Reach(access=Access.OK, destination=found)

    async def user_zone(self, user: str) -> str | None:
        try:
            return payloads.user_zone(await self.client.user(user))
        except MattermostError as error:
            log.warning("could not read a user's zone: %s", error.reason)
            return None

    async def email_of(self, user: str) -> str | None:
        """``email`` of ``GET /users/{id}`` (the server blanks it for a bot that may not
        see emails: then ``None``), remembered briefly."""
        cached = self._emails.get(user)
        if cached is not None and time.monotonic() - cached[0] < EMAIL_CACHE_SECONDS:
            return cached[1]
        try:
            person = await self.client.user(user)
        except MattermostError as error:
            if error.temporary:
                raise
            log.warning("could not read a user's email: %s", error.reason)
            return None
        email = person.get("email")
        found = email.strip() if isinstance(email, str) and email.strip() else None
        self._emails[user] = (time.monotonic(), found)
        return found

    async def message_link(self, message_ref: str) -> str | None:
        """The server's permalink of a post: ``{site}/_redirect/pl/{post_id}``."""
        return f"{self.client.url}/_redirect/pl/{message_ref}" if message_ref else None


def _recipient(delivery: Delivery) -> str:
    """Whom a delivery is for, known without a call: the channel, or the person."""
    rem = delivery.reminder
    if rem.target_kind is TargetKind.CHANNEL:
        return f"to:{rem.target_ref}"
    return f"to:{(rem.recipient or rem.owner_ref).user}"


def _dm_partner(channel: JSON, bot_id: str) -> str:
    """The person a DM channel (``a__b``) is with; "" for other channels."""
    if channel.get("type") != "D":
        return ""
    ids = str(channel.get("name", "")).split("__")
    others = [i for i in ids if i != bot_id]
    return others[0] if others else ""
