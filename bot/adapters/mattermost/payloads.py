"""Mattermost payloads -> typed values. Pure: no I/O.

The shapes follow the server's model (``model/post.go``, ``model/integration_action.go``
``PostActionIntegrationRequest``, ``model/command_args.go``): a ``posted`` event's post,
a button call, a slash command's form. Anything malformed converts to ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.parsing import refs

PLATFORM = "mattermost"
_BROADCAST = {"channel", "all", "here", "everyone"}
_USER = re.compile(r"(?<![\w@~/])@([A-Za-z0-9][A-Za-z0-9._-]*)")
_CHANNEL = re.compile(r"(?<![\w~/])~([a-z0-9][a-z0-9_-]*)")
Kind = Literal["dm", "mention", "slash", "action"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """Where on Mattermost to answer an event (see ``replies.MattermostReplies``)."""

    kind: Kind
    channel_id: str
    user_id: str
    team_id: str = ""
    post_id: str = ""
    direct: bool = False
    response_url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Posted:
    """A post someone else wrote where the bot reads (a DM, or a channel it is in)."""

    id: str
    user_id: str
    channel_id: str
    message: str
    create_at: int
    direct: bool
    team_id: str
    sender: str  # the username, without the @
    mentions_bot: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionCall:
    """A button or menu call from the server (``PostActionIntegrationRequest``)."""

    user_id: str
    user_name: str
    channel_id: str
    team_id: str
    post_id: str
    trigger_id: str
    context: Any
    selected_option: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandCall:
    """A slash command's form (``CommandArgs`` as the server posts it)."""

    token: str
    user_id: str
    user_name: str
    channel_id: str
    channel_name: str
    team_id: str
    text: str
    response_url: str
    trigger_id: str


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def posted(data: Mapping[str, Any], bot_id: str, bot_name: str) -> Posted | None:
    """The post of a ``posted`` event (``data.post`` already decoded), or ``None`` for the
    bot's own posts, other bots', incoming webhooks', system messages, and channel posts
    not mentioning it."""
    post = data.get("post")
    if not isinstance(post, dict) or post.get("type") or not _str(post.get("id")):
        return None
    props = post.get("props")
    props = props if isinstance(props, dict) else {}
    user_id = _str(post.get("user_id"))
    # Other bots' posts, and posts of incoming webhooks (made in a person's name, but by
    # another system: answering them could start two integrations talking in a loop).
    automated = any(props.get(k) in ("true", True) for k in ("from_bot", "from_webhook"))
    if not user_id or user_id == bot_id or automated:
        return None
    direct = data.get("channel_type") == "D"
    mentions = data.get("mentions")
    named = (isinstance(mentions, list) and bot_id in mentions) or _names(post, bot_name)
    if not (direct or named):
        return None
    create_at = post.get("create_at")
    return Posted(
        id=_str(post.get("id")),
        user_id=user_id,
        channel_id=_str(post.get("channel_id")),
        message=_str(post.get("message")),
        create_at=create_at if isinstance(create_at, int) else 0,
        direct=direct,
        team_id=_str(data.get("team_id")),
        sender=_str(data.get("sender_name")).lstrip("@"),
        mentions_bot=not direct,
    )


def _names(post: Mapping[str, Any], bot_name: str) -> bool:
    return bool(bot_name) and f"@{bot_name}".lower() in _str(post.get("message")).lower()


def without_mention(text: str, bot_name: str) -> str:
    """The text after a leading ``@remindbot`` (and a comma or colon after it)."""
    head = re.compile(rf"^\s*@{re.escape(bot_name)}\b[\s,:]*", re.IGNORECASE)
    return head.sub("", text, count=1).strip()


def names_in(text: str) -> tuple[list[str], list[str]]:
    """The ``@usernames`` (no broadcast words) and ``~channel-names`` ``text`` mentions."""
    users = [n for n in _USER.findall(text) if n.lower() not in _BROADCAST]
    return list(dict.fromkeys(users)), list(dict.fromkeys(_CHANNEL.findall(text)))


def neutral(text: str, users: Mapping[str, str], channels: Mapping[str, str]) -> str:
    """``text`` with the people and channels found (name -> id) as neutral references;
    names nobody has stay as written."""
    text = refs.literal(text)

    def person(m: re.Match[str]) -> str:
        found = users.get(m.group(1))
        return refs.user(found, m.group(1)) if found else m.group()

    def channel(m: re.Match[str]) -> str:
        found = channels.get(m.group(1))
        return refs.channel(found, m.group(1)) if found else m.group()

    return _CHANNEL.sub(channel, _USER.sub(person, text))


def action_call(body: Any) -> ActionCall | None:
    if not isinstance(body, dict) or not _str(body.get("user_id")):
        return None
    context = body.get("context")
    picked = context.get("selected_option") if isinstance(context, dict) else None
    return ActionCall(
        user_id=_str(body.get("user_id")),
        user_name=_str(body.get("user_name")),
        channel_id=_str(body.get("channel_id")),
        team_id=_str(body.get("team_id")),
        post_id=_str(body.get("post_id")),
        trigger_id=_str(body.get("trigger_id")),
        context=context,
        selected_option=_str(picked),
    )


def command_call(form: Mapping[str, Any]) -> CommandCall | None:
    if not _str(form.get("user_id")):
        return None
    return CommandCall(
        token=_str(form.get("token")),
        user_id=_str(form.get("user_id")),
        user_name=_str(form.get("user_name")),
        channel_id=_str(form.get("channel_id")),
        channel_name=_str(form.get("channel_name")),
        team_id=_str(form.get("team_id")),
        text=_str(form.get("text")),
        response_url=_str(form.get("response_url")),
        trigger_id=_str(form.get("trigger_id")),
    )


def user_zone(user: Mapping[str, Any]) -> str | None:
    """The zone a user's profile gives: ``useAutomaticTimezone`` is a string, "true" or
    "false", choosing ``automaticTimezone`` or ``manualTimezone``."""
    tz = user.get("timezone")
    if not isinstance(tz, dict):
        return None
    automatic = tz.get("useAutomaticTimezone") == "true"
    zone = _str(tz.get("automaticTimezone" if automatic else "manualTimezone"))
    return zone or None
