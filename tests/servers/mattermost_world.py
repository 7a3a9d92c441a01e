"""What the Mattermost stand-in knows: users, tokens, channels, members, posts, ephemerals.

Synchronous and free of HTTP; every rule the real server applies to a call is here (who
may read or post where, DM naming, ``since`` semantics, how an action's answer updates a
post), raised as ``ApiError`` with the server's AppError id. Websocket events go out
through a ``Publisher`` (the hub), one ``data`` per recipient as the server's broadcast
hooks do for ``mentions``.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import mattermost_payloads as p

JSON = dict[str, Any]
DataFor = Callable[[str], JSON | None]
START_MS = 1_750_000_000_000
# Props an action's update keeps from the original post (model.PostActionRetainPropKeys).
_RETAINED_PROPS = ("from_webhook", "override_username", "override_icon_url")
_EVERYONE = re.compile(r"(?<![\w@])@(channel|all|here)\b")


class ApiError(Exception):
    """A call the server refuses: HTTP ``status`` with AppError ``error_id``."""

    def __init__(self, status: int, error_id: str, message: str = "") -> None:
        super().__init__(f"{status} {error_id}")
        self.status = status
        self.error_id = error_id
        self.message = message or error_id

    @classmethod
    def forbidden(cls) -> ApiError:
        error_id, message, status = p.NO_PERMISSION
        return cls(status, error_id, message)

    def body(self) -> JSON:
        return p.app_error(self.error_id, self.message, self.status)


class Publisher(Protocol):
    def publish(
        self, event: str, data_for: DataFor, scope: JSON, recipients: Iterable[str]
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Ephemeral:
    """A message only ``user_id`` sees: an action's ``ephemeral_text`` or a slash command's
    ephemeral answer. ``via`` is ``action``, ``command`` or ``response_url``."""

    user_id: str
    channel_id: str
    message: str
    via: str
    root_id: str = ""
    props: JSON = field(default_factory=dict)


class World:
    """The server's state. ``now_ms`` is the server clock: it ticks 1 ms per write."""

    def __init__(self, publisher: Publisher) -> None:
        self.users: dict[str, JSON] = {}
        self.tokens: dict[str, str] = {}
        self.channels: dict[str, JSON] = {}
        self.members: dict[str, set[str]] = {}
        self.posts: dict[str, JSON] = {}
        self.ephemerals: list[Ephemeral] = []
        self.now_ms = START_MS
        # As a real server: each write stamped with the wall clock (runs in real time,
        # where the bot looks for its posts by the time they were made).
        self.wall_clock = False
        self._publisher = publisher
        self._counts: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        self._counts[prefix] = self._counts.get(prefix, 0) + 1
        return p.make_id(prefix, self._counts[prefix])

    def tick(self) -> int:
        wall = int(time.time() * 1000) if self.wall_clock else 0
        self.now_ms = max(self.now_ms + 1, wall)
        return self.now_ms

    # --- users and channels ------------------------------------------------------------------

    def add_user(self, username: str, *, token: str | None = None, **fields: Any) -> str:
        user_id = self.new_id("bot" if fields.get("is_bot") else "user")
        self.users[user_id] = p.user(user_id, username, **fields)
        if token is not None:
            self.tokens[token] = user_id
        return user_id

    def user(self, user_id: str) -> JSON:
        found = self.users.get(user_id)
        if found is None:
            raise ApiError(404, "app.user.missing_account.const", "Unable to find the user.")
        return found

    def channels_of(self, user_id: str) -> list[JSON]:
        """Every channel ``user_id`` is in, DMs included (``GET /users/{id}/channels``)."""
        return [c for cid, c in self.channels.items() if user_id in self.members.get(cid, ())]

    def user_named(self, username: str) -> JSON:
        found = next((u for u in self.users.values() if u["username"] == username), None)
        if found is None:
            raise ApiError(404, "app.user.missing_account.const", "Unable to find the user.")
        return found

    def channel_named(self, team_id: str, name: str, requester: str) -> JSON:
        """A team's channel by name; one the requester may not read is not found, as
        ``GetChannelByName`` answers for a private channel they are not in."""
        found = next(
            (c for c in self.channels.values() if c["team_id"] == team_id and c["name"] == name),
            None,
        )
        if found is None or not self.can_read(found["id"], requester):
            raise ApiError(404, "app.channel.get_by_name.missing.app_error", "No such channel.")
        return found

    def add_channel(self, name: str, *, type_: str = "O", members: Iterable[str] = ()) -> str:
        channel_id = self.new_id("chan")
        self.channels[channel_id] = p.channel(channel_id, name, type_=type_)
        self.members[channel_id] = set(members)
        return channel_id

    def channel(self, channel_id: str) -> JSON:
        found = self.channels.get(channel_id)
        if found is None:
            raise ApiError(404, "app.channel.get.existing.app_error", "Unable to find channel.")
        return found

    def direct(self, user_a: str, user_b: str) -> JSON:
        """The DM between two users, created (with both as members) on first use."""
        name = p.direct_channel_name(user_a, user_b)
        existing = next((c for c in self.channels.values() if c["name"] == name), None)
        if existing is not None:
            return existing
        channel_id = self.new_id("dm")
        self.channels[channel_id] = p.channel(channel_id, name, type_="D", created=self.tick())
        self.members[channel_id] = {user_a, user_b}
        return self.channels[channel_id]

    def create_direct(self, requester: str, user_ids: object) -> JSON:
        if not isinstance(user_ids, list) or len(user_ids) != 2:
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid user ids.")
        user_a, user_b = (str(u) for u in user_ids)
        if requester not in (user_a, user_b):
            raise ApiError.forbidden()
        if user_a not in self.users or user_b not in self.users:
            raise ApiError(400, "api.channel.create_direct_channel.invalid_user.app_error")
        return self.direct(user_a, user_b)

    def is_member(self, channel_id: str, user_id: str) -> bool:
        return user_id in self.members.get(channel_id, set())

    def can_read(self, channel_id: str, user_id: str) -> bool:
        """Members read every channel; anyone on the (one) team reads open channels."""
        found = self.channels.get(channel_id)
        return found is not None and (found["type"] == "O" or self.is_member(channel_id, user_id))

    def member(self, channel_id: str, user_id: str, requester: str) -> JSON:
        if not self.can_read(channel_id, requester):
            raise ApiError.forbidden()
        if not self.is_member(channel_id, user_id):
            raise ApiError(404, "app.channel.get_member.missing.app_error", "No channel member.")
        return p.channel_member(channel_id, user_id)

    def readable_channel(self, channel_id: str, requester: str) -> JSON:
        found = self.channel(channel_id)
        if not self.can_read(channel_id, requester):
            raise ApiError.forbidden()
        return found

    # --- posts -------------------------------------------------------------------------------

    def create_post(
        self, user_id: str, channel_id: str, message: str, props: JSON | None, root_id: str = ""
    ) -> JSON:
        """Store and broadcast a post; 403 unless ``user_id`` is a member of the channel."""
        if not self.is_member(channel_id, user_id):
            raise ApiError.forbidden()
        if root_id and self.posts.get(root_id, {}).get("channel_id") != channel_id:
            raise ApiError(400, "api.post.create_post.root_id.app_error", "Invalid RootId.")
        props = copy.deepcopy(props) if props else {}
        if self.users[user_id].get("is_bot"):
            props["from_bot"] = "true"
        stored = p.post(
            self.new_id("post"),
            channel_id,
            user_id,
            message,
            at=self.tick(),
            root_id=root_id,
            props=props,
        )
        _generate_action_ids(stored, self.new_id)
        self.posts[stored["id"]] = stored
        self.channels[channel_id]["last_post_at"] = stored["create_at"]
        self._publish_posted(stored)
        return stored

    def post(self, post_id: str) -> JSON:
        found = self.posts.get(post_id)
        if found is None or found["delete_at"]:
            raise ApiError(404, "app.post.get.app_error", "Unable to get the post.")
        return found

    def readable_post(self, post_id: str, requester: str) -> JSON:
        found = self.post(post_id)
        if not self.can_read(found["channel_id"], requester):
            raise ApiError.forbidden()
        return found

    def patch_post(self, requester: str, post_id: str, patch: Mapping[str, Any]) -> JSON:
        """``PUT /posts/{id}/patch``: only the author may patch (no edit_others_posts)."""
        found = self.readable_post(post_id, requester)
        if found["user_id"] != requester:
            raise ApiError.forbidden()
        if isinstance(patch.get("message"), str):
            found["message"] = patch["message"]
        if isinstance(patch.get("props"), dict):
            found["props"] = copy.deepcopy(patch["props"])
            _generate_action_ids(found, self.new_id)
        return self._edited(found)

    def apply_action_update(self, post_id: str, update: Mapping[str, Any]) -> JSON:
        """An action's ``update`` as ``DoPostActionWithCookie`` applies it: ``props`` null
        keeps the post's props, an object replaces them except the retained keys."""
        found = self.post(post_id)
        original = found["props"]
        props = update.get("props")
        if isinstance(props, dict):
            kept = {k: original[k] for k in _RETAINED_PROPS if k in original}
            found["props"] = copy.deepcopy(props) | kept
            _generate_action_ids(found, self.new_id)
        found["message"] = str(update.get("message") or "")
        return self._edited(found)

    def posts_since(self, channel_id: str, since: int, limit: int) -> JSON:
        """``?since=``: at most ``limit`` posts updated after ``since`` (the SQL store's
        LIMIT 1000 takes them in no order; here: least recently updated first) plus their
        thread roots, which are in ``posts`` but not in ``order``. Paging is ignored."""
        changed = sorted(
            (q for q in self._in_channel(channel_id) if q["update_at"] > since),
            key=lambda q: (q["update_at"], q["id"]),
        )[:limit]
        roots = [self.posts[q["root_id"]] for q in changed if q["root_id"] in self.posts]
        order = [q["id"] for q in sorted(changed, key=lambda q: -q["create_at"])]
        return p.post_list([*changed, *roots], order)

    def posts_page(self, channel_id: str, page: int, per_page: int) -> JSON:
        newest_first = sorted(self._in_channel(channel_id), key=lambda q: -q["create_at"])
        return p.post_list(newest_first[page * per_page : (page + 1) * per_page])

    def in_channel(self, channel_id: str) -> list[JSON]:
        """Stored posts of a channel, oldest first, integrations included."""
        return sorted(self._in_channel(channel_id), key=lambda q: q["create_at"])

    def _in_channel(self, channel_id: str) -> list[JSON]:
        return [q for q in self.posts.values() if q["channel_id"] == channel_id]

    def _edited(self, found: JSON) -> JSON:
        found["edit_at"] = found["update_at"] = self.tick()
        self._publisher.publish(
            "post_edited",
            lambda _: p.post_edited_data(found),
            p.broadcast(channel_id=found["channel_id"]),
            self.members.get(found["channel_id"], set()),
        )
        return found

    def _publish_posted(self, stored: JSON) -> None:
        channel_body = self.channels[stored["channel_id"]]
        recipients = self.members.get(channel_body["id"], set())
        sender = self.users[stored["user_id"]]

        def data_for(recipient: str) -> JSON:
            mentioned = recipient in self._mentioned(stored, channel_body, recipients)
            mentions = [recipient] if mentioned else []
            return p.posted_data(stored, channel_body, sender, mentions=mentions)

        self._publisher.publish(
            "posted", data_for, p.broadcast(channel_id=channel_body["id"]), recipients
        )

    def _mentioned(self, stored: JSON, channel_body: JSON, members: set[str]) -> set[str]:
        """Who the server counts as mentioned: the other party of a DM, ``@username``s of
        members, and every member for ``@channel``/``@all``/``@here``; never the author."""
        others = members - {stored["user_id"]}
        if channel_body["type"] == "D" or _EVERYONE.search(stored["message"]):
            return others
        named = {u for u in others if _names(stored["message"], self.users[u]["username"])}
        return named

    # --- ephemerals --------------------------------------------------------------------------

    def add_ephemeral(self, ephemeral: Ephemeral) -> None:
        self.ephemerals.append(ephemeral)
        body = p.post(
            self.new_id("eph"),
            ephemeral.channel_id,
            ephemeral.user_id,
            ephemeral.message,
            at=self.tick(),
            root_id=ephemeral.root_id,
            props=ephemeral.props,
            type_="system_ephemeral",
        )
        self._publisher.publish(
            "ephemeral_message",
            lambda _: p.ephemeral_data(body),
            p.broadcast(user_id=ephemeral.user_id),
            [ephemeral.user_id],
        )


def _names(message: str, username: str) -> bool:
    return re.search(rf"(?<![\w@])@{re.escape(username)}(?![\w-])", message) is not None


def _generate_action_ids(post_body: JSON, new_id: Callable[[str], str]) -> None:
    """``Post.GenerateActionIds``: every action without an id gets one."""
    for action in p.actions(post_body):
        if not action.get("id"):
            action["id"] = new_id("action")
