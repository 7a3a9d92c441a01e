"""Neutral references to people and channels inside a phrase.

Adapters write the platform's mentions as ``<@ID|name>`` (a person) and ``<#ID|name>``
(a channel) before the phrase is parsed, whatever the platform's own syntax (Slack's
``<@U123>``, Mattermost's ``@name`` and ``~town-square``); the parser reads targets from
them and never learns a platform's syntax. ``ID`` is the platform's id, ``name`` what
to show (optional, no spaces or ``>``).
"""

from __future__ import annotations

import re

USER = re.compile(r"<@([^|>\s]+)(?:\|([^>\s]*))?>")
CHANNEL = re.compile(r"<#([^|>\s]+)(?:\|([^>\s]*))?>")
_UNSAFE = re.compile(r"[\s|<>]+")


def user(ident: str, name: str = "") -> str:
    return f"<@{ident}|{_safe(name)}>" if name else f"<@{ident}>"


def channel(ident: str, name: str = "") -> str:
    return f"<#{ident}|{_safe(name)}>" if name else f"<#{ident}>"


def readable(text: str) -> str:
    """``text`` with references shown as people write them: ``@name``, ``#name``."""
    text = USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    return CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)


def _safe(name: str) -> str:
    return _UNSAFE.sub("-", name.strip()).strip("-")


def literal(text: str) -> str:
    """``text`` typed by a person, with any ``<@``/``<#`` kept from reading as a
    reference (a zero-width space after the bracket: it looks the same)."""
    return text.replace("<@", "<\u200b@").replace("<#", "<\u200b#")
