"""Slack request bodies -> typed values. Pure: no I/O, no bolt objects."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from bot.adapters.slack.blocks import PHRASE_BLOCK, PHRASE_INPUT, unescape
from bot.core.model import Actor, Conversation

PLATFORM = "slack"
_MENTION_HEAD = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")

Body = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Incoming:
    """A phrase someone sent us, and where to answer."""

    actor: Actor
    where: Conversation
    text: str
    thread_ts: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Press:
    """A button click or menu pick on one of our messages."""

    actor: Actor
    where: Conversation
    action_id: str
    value: str
    message_ts: str | None
    ephemeral: bool
    response_url: str | None
    trigger_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a modal came from, kept in its private_metadata to answer there."""

    action_id: str
    value: str
    channel: str
    message_ts: str | None = None
    response_url: str | None = None
    note: str = ""

    def dump(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.__slots__})

    @classmethod
    def load(cls, text: str) -> Source | None:
        try:
            data = json.loads(text)
            return cls(**{k: data.get(k) for k in cls.__slots__ if k in data})
        except (ValueError, TypeError):
            return None


def _actor(team: str, user: str, name: str = "") -> Actor:
    return Actor(platform=PLATFORM, workspace=team, user=user, name=name)


def conversation(channel: str, name: str = "") -> Conversation:
    if channel.startswith("D") or name == "directmessage":
        return Conversation(id=channel, kind="dm", name=name)
    return Conversation(id=channel, kind="channel", name=name)


def slash_command(body: Body) -> Incoming:
    return Incoming(
        actor=_actor(body.get("team_id", ""), body["user_id"], body.get("user_name", "")),
        where=conversation(body.get("channel_id", ""), body.get("channel_name", "")),
        text=unescape(body.get("text", "")).strip(),
    )


def message_event(body: Body) -> Incoming | None:
    """A direct message to the bot; ``None`` for edits, bots and other channels."""
    event = body.get("event", {})
    if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
        return None
    if "user" not in event:
        return None
    return Incoming(
        actor=_actor(body.get("team_id", ""), event["user"]),
        where=conversation(event.get("channel", "")),
        text=unescape(event.get("text", "")).strip(),
    )


def mention_event(body: Body) -> Incoming | None:
    """A mention of the bot in a channel: the text after the mention, answered in thread."""
    event = body.get("event", {})
    if event.get("bot_id") or "user" not in event:
        return None
    text = _MENTION_HEAD.sub("", unescape(event.get("text", "")), count=1)
    return Incoming(
        actor=_actor(body.get("team_id", ""), event["user"]),
        where=conversation(event.get("channel", "")),
        text=text.strip(),
        thread_ts=event.get("thread_ts") or event.get("ts"),
    )


def press(body: Body) -> Press:
    action = body["actions"][0]
    value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
    container = body.get("container", {})
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    user = body["user"]
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    return Press(
        actor=_actor(team, user["id"], user.get("username", "")),
        where=conversation(channel, (body.get("channel") or {}).get("name", "")),
        action_id=action["action_id"],
        value=value,
        message_ts=container.get("message_ts"),
        ephemeral=bool(container.get("is_ephemeral")),
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
    )


def submission(body: Body) -> tuple[Actor, str, Source | None]:
    """A modal submit: who, the phrase typed, and where the modal came from."""
    view = body["view"]
    values = view.get("state", {}).get("values", {})
    text = (values.get(PHRASE_BLOCK, {}).get(PHRASE_INPUT) or {}).get("value") or ""
    user = body["user"]
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    actor = _actor(team, user["id"], user.get("username", ""))
    return actor, text.strip(), Source.load(view.get("private_metadata", ""))


def shortcut(body: Body) -> tuple[Actor, str, str, str]:
    """A message shortcut: who, the channel, the message ts and the start of its text."""
    user = body["user"]
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    message = body.get("message", {})
    quote = " ".join(unescape(message.get("text", "")).split())
    quote = quote[:80] + ("\u2026" if len(quote) > 80 else "")
    channel = (body.get("channel") or {}).get("id", "")
    actor = _actor(team, user["id"], user.get("username", ""))
    return actor, channel, body.get("message_ts") or message.get("ts", ""), quote


def inbound_id(body: Body) -> str | None:
    """What makes a request unique: an event's ``event_id``, else an invocation's
    ``trigger_id`` (slash commands, button clicks, modal submissions, shortcuts)."""
    for field, prefix in (("event_id", ""), ("trigger_id", "trigger:")):
        value = body.get(field)
        if isinstance(value, str) and value:
            return prefix + value
    return None


def body_problem(body: bytes, content_type: str) -> str | None:
    """Why a (signed) HTTP body is not a Slack payload, or ``None`` if it is one.

    Read the way bolt reads it (``slack_bolt.request.internals.parse_body``): JSON when
    the content type says so or it starts with ``{``; else a form, whose ``payload``
    field, when present, is JSON. Whatever is JSON must be an object.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if content_type.split(";")[0].strip().lower() == "application/json" or text.startswith("{"):
        return _object_problem(text, "the JSON body")
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return None if payload is None else _object_problem(payload, "the payload field")
    return None


def _object_problem(text: str, what: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return f"{what} is not JSON"
    return None if isinstance(value, dict) else f"{what} is not a JSON object"


def user_of(key: str) -> str:
    """``slack:T1:U1`` -> ``U1``."""
    return key.rsplit(":", 1)[-1]
