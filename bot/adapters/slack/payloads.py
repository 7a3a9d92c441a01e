"""Slack request bodies -> the chat front's inbound events. Pure: no I/O, no bolt objects.

Each converter also returns a ``Route``: where on Slack the answer goes (a response URL,
the pressed message, a thread), which the listeners give the ``SlackReplies``. A body
that is not what it claims to be converts to ``None``, never to an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl

from bot.adapters.slack.blocks import PHRASE_BLOCK, PHRASE_INPUT, unescape
from bot.core.inbound import Answer, Message, Press
from bot.core.model import Actor, Conversation, Origin
from bot.parsing import refs

PLATFORM = "slack"
_MENTION_HEAD = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")
# What Slack puts in angle brackets: people, channels, links and specials (<!here>).
_BRACKETED = re.compile(r"<[^<>]*>")
_PERSON = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")

Body = dict[str, Any]
Kind = Literal["slash", "dm", "mention", "press", "home", "modal"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """Where on Slack to answer an event (see ``replies.SlackReplies``)."""

    kind: Kind
    channel: str
    user: str
    message_ts: str | None = None
    ephemeral: bool = False
    response_url: str | None = None
    trigger_id: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a modal came from, kept in its private_metadata to answer there."""

    action_id: str
    value: str
    channel: str
    message_ts: str | None = None
    response_url: str | None = None
    note: str = ""
    home: bool = False  # asked from App Home: the answer publishes Home again

    def dump(self) -> str:
        return json.dumps({k: getattr(self, k) for k in self.__slots__})

    @classmethod
    def load(cls, text: str) -> Source | None:
        try:
            data = json.loads(text)
            source = cls(**{k: data.get(k) for k in cls.__slots__ if k in data})
        except (ValueError, TypeError):
            return None
        strings = (source.action_id, source.value, source.channel, source.note)
        if not all(isinstance(s, str) for s in strings) or not isinstance(source.home, bool):
            return None
        return source


def phrase(raw: str) -> str:
    """A phrase as the parser reads it: Slack's mentions as neutral references, links
    unwrapped, entities decoded, and literal ``<@``/``<#`` typed by a person defused."""
    pieces, last = [], 0
    for m in _BRACKETED.finditer(raw):
        pieces.append(refs.literal(unescape(raw[last : m.start()])))
        pieces.append(_neutral(m.group()))
        last = m.end()
    pieces.append(refs.literal(unescape(raw[last:])))
    return "".join(pieces).strip()


def _neutral(bracketed: str) -> str:
    if m := _PERSON.fullmatch(bracketed):
        return refs.user(m.group(1), m.group(2) or "")
    if m := _CHANNEL.fullmatch(bracketed):
        return refs.channel(m.group(1), m.group(2) or "")
    return refs.literal(unescape(bracketed))  # a link, or <!here> kept as text


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> Body:
    return value if isinstance(value, dict) else {}


def _actor(team: Any, user: Any, name: Any = "") -> Actor | None:
    if not _str(user):
        return None
    return Actor(platform=PLATFORM, workspace=_str(team), user=user, name=_str(name))


def _user_actor(body: Body) -> Actor | None:
    user = _dict(body.get("user"))
    team = _dict(body.get("team")).get("id") or user.get("team_id")
    return _actor(team, user.get("id"), user.get("username"))


def conversation(channel: str, name: str = "") -> Conversation:
    if channel.startswith("D") or name == "directmessage":
        return Conversation(id=channel, kind="dm", name=name)
    return Conversation(id=channel, kind="channel", name=name)


def inbound_id(body: Body) -> str | None:
    """What makes a request unique: an event's ``event_id``, else an invocation's
    ``trigger_id`` (slash commands, button clicks, modal submissions, shortcuts)."""
    for field, prefix in (("event_id", ""), ("trigger_id", "trigger:")):
        value = body.get(field)
        if isinstance(value, str) and value:
            return prefix + value
    return None


def slash_command(body: Body) -> tuple[Message, Route] | None:
    actor = _actor(body.get("team_id"), body.get("user_id"), body.get("user_name"))
    channel = _str(body.get("channel_id"))
    if actor is None:
        return None
    message = Message(
        event_id=inbound_id(body),
        actor=actor,
        conversation=conversation(channel, _str(body.get("channel_name"))),
        text=phrase(_str(body.get("text"))),
        origin=Origin.SLASH,
    )
    url = _str(body.get("response_url")) or None
    return message, Route(kind="slash", channel=channel, user=actor.user, response_url=url)


def message_event(body: Body) -> tuple[Message, Route] | None:
    """A direct message to the bot; ``None`` for edits, bots and other channels."""
    event = _dict(body.get("event"))
    if event.get("subtype") or event.get("bot_id") or event.get("channel_type") != "im":
        return None
    actor = _actor(body.get("team_id"), event.get("user"))
    text = phrase(_str(event.get("text")))
    if actor is None or not text:
        return None
    channel = _str(event.get("channel"))
    message = Message(
        event_id=inbound_id(body), actor=actor, conversation=conversation(channel), text=text
    )
    return message, Route(kind="dm", channel=channel, user=actor.user)


def mention_event(body: Body) -> tuple[Message, Route] | None:
    """A mention of the bot in a channel: the text after the mention, answered in thread."""
    event = _dict(body.get("event"))
    actor = _actor(body.get("team_id"), event.get("user"))
    if event.get("bot_id") or actor is None:
        return None
    channel = _str(event.get("channel"))
    text = phrase(_MENTION_HEAD.sub("", _str(event.get("text")), count=1))
    message = Message(
        event_id=inbound_id(body), actor=actor, conversation=conversation(channel), text=text
    )
    thread = _str(event.get("thread_ts")) or _str(event.get("ts")) or None
    return message, Route(kind="mention", channel=channel, user=actor.user, thread_ts=thread)


def press(body: Body) -> tuple[Press, Route] | None:
    actions = body.get("actions")
    actor = _user_actor(body)
    if not isinstance(actions, list) or not actions or actor is None:
        return None
    action = _dict(actions[0])
    value = _str(action.get("value")) or _str(_dict(action.get("selected_option")).get("value"))
    # App Home's settings: a timepicker's time, the channels ticked in checkboxes.
    value = value or _str(action.get("selected_time")) or _ticked(action)
    container = _dict(body.get("container"))
    where = _dict(body.get("channel"))
    channel = _str(where.get("id")) or _str(container.get("channel_id"))
    event = Press(
        event_id=inbound_id(body),
        actor=actor,
        conversation=conversation(channel, _str(where.get("name"))),
        action_id=_str(action.get("action_id")),
        value=value,
    )
    route = Route(
        kind="home" if container.get("type") == "view" else "press",
        channel=channel,
        user=actor.user,
        message_ts=_str(container.get("message_ts")) or None,
        ephemeral=bool(container.get("is_ephemeral")),
        response_url=_str(body.get("response_url")) or None,
        trigger_id=_str(body.get("trigger_id")) or None,
    )
    return event, route


def _ticked(action: Body) -> str:
    chosen = action.get("selected_options")
    if not isinstance(chosen, list):
        return ""
    return ",".join(_str(_dict(option).get("value")) for option in chosen)


def submission(body: Body) -> tuple[Answer, Route] | None:
    """A modal submit: the phrase typed, as the answer to the prompt the modal asked."""
    view = _dict(body.get("view"))
    source = Source.load(_str(view.get("private_metadata")))
    actor = _user_actor(body)
    if source is None or actor is None:
        return None
    values = _dict(_dict(view.get("state")).get("values"))
    text = _str(_dict(_dict(values.get(PHRASE_BLOCK)).get(PHRASE_INPUT)).get("value"))
    answer = Answer(
        event_id=inbound_id(body),
        actor=actor,
        conversation=conversation(source.channel),
        action_id=source.action_id,
        value=source.value,
        text=phrase(text),
        note=source.note,
    )
    route = Route(
        kind="home" if source.home else "modal",
        channel=source.channel,
        user=actor.user,
        message_ts=source.message_ts,
        ephemeral=source.message_ts is None,
        response_url=source.response_url,
    )
    return answer, route


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortcut:
    """ "Remind me about this" on a message: who, where, and the start of its text."""

    actor: Actor
    channel: str
    message_ts: str
    quote: str
    trigger_id: str


def shortcut(body: Body) -> Shortcut | None:
    actor = _user_actor(body)
    trigger = _str(body.get("trigger_id"))
    if actor is None or not trigger:
        return None
    message = _dict(body.get("message"))
    quote = " ".join(unescape(_str(message.get("text"))).split())
    quote = quote[:80] + ("\u2026" if len(quote) > 80 else "")
    return Shortcut(
        actor=actor,
        channel=_str(_dict(body.get("channel")).get("id")),
        message_ts=_str(body.get("message_ts")) or _str(message.get("ts")),
        quote=quote,
        trigger_id=trigger,
    )


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
    if not isinstance(value, dict):
        return f"{what} is not a JSON object"
    return _shape_problem(value, what)


# Fields bolt reads without looking first (slack_bolt.request.internals and
# payload_utils, also inside ``event``, ``message``, ``previous_message`` and ``item``):
# a signed body with ``"actions": null``, ``"authorizations": false`` or an ``event`` that
# is a string made a 500 (found by tests/adapters/slack/test_fuzz_http.py).
_OBJECTS = ("event", "view", "workflow_step")  # an object when present
_OBJECTS_OR_NULL = ("message", "previous_message", "item", "container")
_NAMED = ("team", "enterprise", "user", "channel")  # an id, an object or null
_NESTED = ("event", "message", "previous_message", "item")


def _shape_problem(value: dict[str, Any], what: str, depth: int = 0) -> str | None:
    for name in _OBJECTS:
        if name in value and not isinstance(value[name], dict):
            return f"{what}'s {name} is not a JSON object"
    for name in _OBJECTS_OR_NULL:
        if value.get(name) is not None and not isinstance(value[name], dict):
            return f"{what}'s {name} is not a JSON object"
    for name in _NAMED:
        if value.get(name) is not None and not isinstance(value[name], str | dict):
            return f"{what}'s {name} is neither an id nor a JSON object"
    grants = value.get("authorizations")
    if grants is not None and not _objects(grants, empty=True):
        return f"{what}'s authorizations are not a list of JSON objects"
    if value.get("type") in ("block_actions", "interactive_message") and "actions" in value:
        if not _objects(value["actions"], empty=False):
            return f"{what}'s actions are not a list of JSON objects"
        if value["type"] == "block_actions" and not all(
            isinstance(action.get("action_id"), str) for action in value["actions"]
        ):
            return f"{what}'s actions need an action_id each"
    for name in _NESTED if depth < 3 else ():
        if isinstance(inner := value.get(name), dict):
            problem = _shape_problem(inner, f"{what}'s {name}", depth + 1)
            if problem is not None:
                return problem
    return None


def _objects(found: Any, *, empty: bool) -> bool:
    return (
        isinstance(found, list)
        and (empty or bool(found))
        and all(isinstance(item, dict) for item in found)
    )
