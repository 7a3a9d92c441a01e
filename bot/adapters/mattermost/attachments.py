"""Neutral replies -> a Mattermost post (message + attachment with actions). Pure.

User text can never ping a whole channel: Mattermost turns ``@channel``, ``@all``,
``@here`` (and ``@everyone``) into notifications, also when written ``\\@channel`` or
``&#64;channel`` (it reads backslash escapes and HTML entities), so a zero-width joiner
goes between the at sign, in whatever form, and the word; it looks the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.core.model import Button, Menu, Reply

JSON = dict[str, Any]
Context = Callable[[str, str], dict[str, Any]]  # (action_id, value) -> a signed context
ZWJ = "\u200d"
_AT = r"(?:@|\\@|&#0*64;|&#[xX]0*40;|&commat;)"
_BROADCAST = re.compile(rf"({_AT})(?=(?:channel|all|here|everyone)\b)", re.IGNORECASE)
_MAX_MESSAGE = 16383  # the server's post size limit, in runes


def defused(text: str) -> str:
    return _BROADCAST.sub(lambda m: m.group(1) + ZWJ, text)


def text_of(reply: Reply, names: Mapping[str, str] | None = None) -> str:
    """The reply as plain text: its text, fields and who set or completed it."""
    lines = [defused(reply.text)]
    lines += [f"**{defused(name)}:** {defused(value)}" for name, value in reply.fields]
    lines += _credits(reply, names or {})
    return "\n".join(lines)[:_MAX_MESSAGE]


def _credits(reply: Reply, names: Mapping[str, str]) -> list[str]:
    lines = []
    if reply.set_by:
        lines.append(f"Set by @{defused(names.get(reply.set_by, reply.set_by))}")
    if reply.done_by:
        done = ", ".join(f"@{defused(names.get(u, u))}" for u in reply.done_by)
        lines.append(f"Done by {done}")
    return lines


def post(
    reply: Reply, url: str, context: Context, names: Mapping[str, str] | None = None
) -> tuple[str, JSON]:
    """The post's ``message`` and ``props``; buttons and menus call ``url`` with a signed
    ``context`` each. Without buttons the props hold an empty attachment list, which
    clears the buttons of a post it updates."""
    message = text_of(reply, names)
    actions = _actions(reply, url, context)
    attachments = [{"actions": actions}] if actions else []
    return message, {"attachments": attachments}


def _actions(reply: Reply, url: str, context: Context) -> list[JSON]:
    found: list[JSON] = []
    for button in reply.buttons[:20]:
        found.append(_button(button, _action_id(button.action_id, len(found)), url, context))
    for menu in reply.menus[:5]:
        found.append(_menu(menu, _action_id(menu.action_id, len(found)), url, context))
    return found


def _action_id(action_id: str, index: int) -> str:
    # Mattermost routes actions by id, which must be alphanumeric and unique in the post.
    return re.sub(r"[^A-Za-z0-9]", "", action_id.rsplit(".", 1)[-1]) + str(index)


def _button(button: Button, ident: str, url: str, context: Context) -> JSON:
    action: JSON = {
        "id": ident,
        "type": "button",
        "name": button.label[:75],
        "integration": {"url": url, "context": context(button.action_id, button.value)},
    }
    if button.style:
        action["style"] = "primary" if button.style == "primary" else "danger"
    return action


def _menu(menu: Menu, ident: str, url: str, context: Context) -> JSON:
    # The server puts the pick in context["selected_option"]; the signed value is the
    # part every option shares (reminder and occurrence), the pick adds the choice.
    shared = _shared_prefix([value for _label, value in menu.options])
    return {
        "id": ident,
        "type": "select",
        "name": menu.label[:75],
        "options": [{"text": label[:75], "value": value} for label, value in menu.options],
        "integration": {"url": url, "context": context(menu.action_id, shared)},
    }


def _shared_prefix(values: list[str]) -> str:
    heads = {value.rsplit(":", 1)[0] for value in values}
    return heads.pop() if len(heads) == 1 else ""
