"""What arrives from a chat platform, as the chat front reads it.

An adapter turns each platform payload into one of these (pure converters), and hands
it to ``ChatFront`` with a ``Replies`` that knows how to answer on that platform.
Every event carries the platform's own id for it, so a retried or replayed event is
recognised (``None`` where the platform gives none, as in a terminal).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Actor, Conversation, Origin


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """Someone wrote to the bot: a DM, a mention (text after it), or a slash command.

    Attributes:
        tz_hint: the zone the platform reported with the event, if it did; otherwise
            the front asks the platform's directory once a day.
    """

    event_id: str | None
    actor: Actor
    conversation: Conversation
    text: str
    origin: Origin = Origin.CHAT
    tz_hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Press:
    """A button click or a menu choice on one of the bot's messages."""

    event_id: str | None
    actor: Actor
    conversation: Conversation
    action_id: str
    value: str
    tz_hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """The text given for a ``Prompt`` (a modal submitted, or the next message).

    ``note`` is added to a new reminder's message (the quote and link of a message a
    shortcut was used on).
    """

    event_id: str | None
    actor: Actor
    conversation: Conversation
    action_id: str
    value: str
    text: str
    note: str = ""
    tz_hint: str | None = None


Event = Message | Press | Answer
