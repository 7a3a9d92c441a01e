"""How a phrase asks to be told: on which channels, and whether it is urgent. Pure.

Read before the rest of the phrase, and taken out of it, so the time and the message are
read as without them:

- ``email me about case 123 tomorrow at 9`` (``mail mig om …``): the email channel alone,
  as ``remind me about case 123 tomorrow at 9``;
- ``remind me by email and chat to …`` (``påmind mig via e-mail og chat …``; also
  without the trigger word, as a slash command's text is): those channels;
- ``urgent: remind me …`` or ``remind me … (urgent)`` (``haster: …``, ``(haster)``): an
  urgent reminder, which passes quiet hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The channel words of both languages, and the channel each names.
CHANNEL_WORDS = {
    "chat": "chat",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "webhook": "webhook",
}
_ORDER = ("chat", "email", "webhook")
_CHANNEL = r"(?:chat|e-?mail|mail|webhook)"
_JOIN = r"(?:\s*,\s*(?:and\s+|og\s+)?|\s+and\s+|\s+og\s+|\s*&\s*|\s*\+\s*)"
_WHO = r"(?:me|mig|@[^\s]+|#[^\s]+)"
_TRIGGER = r"(?:/?remind|/?påmind|mind)"
_MAIL_ME = re.compile(r"^\s*(?:e-?mail|mail)\s+(me|mig)\b", re.IGNORECASE)
_BY = re.compile(
    rf"^(\s*(?:{_TRIGGER}\s+)?{_WHO}(?:\s+(?:and|og)\s+{_WHO})*)"
    rf"\s+(?:by|via|on|over|per|på|pr\.?)\s+({_CHANNEL}(?:{_JOIN}{_CHANNEL})*)\b",
    re.IGNORECASE,
)
_URGENT_HEAD = re.compile(r"^\s*(?:urgent|haster)\s*[:!,\u2013-]\s*", re.IGNORECASE)
_URGENT_TAIL = re.compile(r"\s*[(\[](?:urgent|haster)[)\]]\s*[.!]?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToldBy:
    """A phrase with its channel and urgency words taken out, and what they said."""

    text: str
    channels: tuple[str, ...] = ()  # () when the phrase names none
    urgent: bool = False


def read_told(text: str) -> ToldBy:
    """The channels and urgency ``text`` asks for, and the text without those words."""
    urgent = False
    if m := _URGENT_HEAD.match(text):
        text, urgent = text[m.end() :], True
    if m := _URGENT_TAIL.search(text):
        text, urgent = text[: m.start()], True
    if m := _MAIL_ME.match(text):
        remind = "påmind" if m.group(1).lower() == "mig" else "remind"
        return ToldBy(
            text=f"{remind} {m.group(1)}{text[m.end() :]}", channels=("email",), urgent=urgent
        )
    if m := _BY.match(text):
        names = re.findall(_CHANNEL, m.group(2), re.IGNORECASE)
        chosen = {CHANNEL_WORDS[n.lower()] for n in names}
        channels = tuple(c for c in _ORDER if c in chosen)
        return ToldBy(text=m.group(1) + text[m.end() :], channels=channels, urgent=urgent)
    return ToldBy(text=text, urgent=urgent)
