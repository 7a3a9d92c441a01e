"""Neutral replies -> Block Kit. Pure.

User text is escaped (``&``, ``<``, ``>``: the only control characters in Slack's
mrkdwn, https://api.slack.com/reference/surfaces/formatting#escaping) and every mrkdwn
object is ``verbatim`` so Slack links nothing by itself: a reminder saying ``<!channel>``
or ``@here`` can never ping anyone.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.model import Button, Menu, Prompt, Reply

Block = dict[str, Any]
EDIT_VIEW = "reminder.edit_view"
SNOOZE_VIEW = "reminder.snooze_view"
SHORTCUT_VIEW = "reminder.shortcut_view"
PHRASE_BLOCK = "phrase"
PHRASE_INPUT = "phrase_input"
_MAX_TEXT = 3000  # a section's text
_MAX_FIELD = 2000  # each of a section's fields


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Slack wraps links in the text it sends: "<https://x.y/z>" or "<https://x.y/z|label>",
# and "<mailto:a@b.c|a@b.c>". People meant the address itself.
_WRAPPED = re.compile(r"<((?:https?://|mailto:)[^|>\s]+)(?:\|[^>]*)?>")


def _unwrap(text: str) -> str:
    return _WRAPPED.sub(lambda m: m.group(1).removeprefix("mailto:"), text)


def unescape(text: str) -> str:
    """Slash command and message text arrive escaped and with links wrapped; the parser
    wants it plain, as the person typed it."""
    text = _unwrap(text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# After escaping: stop at whitespace, "|" and an escaped "<" or ">".
_URL = re.compile(r"https?://(?:(?!&gt;|&lt;)[^\s|])+")
_TRAILING = ".,;:!?"


def _link(match: re.Match[str]) -> str:
    """``<url>`` with trailing punctuation ("see https://x.y/z.") and an unbalanced
    closing parenthesis ("(https://x.y/z)") left outside the link."""
    url = match.group()
    while (
        url
        and not url.endswith("&amp;")
        and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")))
    ):
        url = url[:-1]
    rest = match.group()[len(url) :]
    return f"<{url}>{rest}" if "://" in url and not url.endswith("://") else match.group()


def linked(text: str) -> str:
    """Escaped text with bare URLs made clickable (``verbatim`` turns auto-linking off).

    Escaping has already removed every ``<`` and ``>``, so a URL cannot close the link
    early or smuggle in a mention.
    """
    return _URL.sub(_link, escape(_unwrap(text)))


def _cut(shown: str, limit: int) -> str:
    """``shown`` (escaped mrkdwn) in at most ``limit`` characters, ending with an ellipsis
    if cut, and never inside an entity (``&amp;``) or a link (``<https://...>``)."""
    if len(shown) <= limit:
        return shown
    cut = shown[: limit - 1]
    if cut.rfind("<") > cut.rfind(">"):
        cut = cut[: cut.rfind("<")]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "\u2026"


def mrkdwn(text: str, limit: int = _MAX_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(linked(text), limit), "verbatim": True}


def _raw(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def to_blocks(reply: Reply) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(reply.text)}]
    if reply.fields:
        fields = [mrkdwn(f"{name}: {value}", _MAX_FIELD) for name, value in reply.fields[:10]]
        blocks.append({"type": "section", "fields": fields})
    if reply.set_by and reply.set_by.isalnum():
        blocks.append({"type": "context", "elements": [_raw(f"Set by <@{reply.set_by}>")]})
    if reply.done_by:
        # Ids come from Slack itself, not from user text, so they may be mentions.
        who = ", ".join(f"<@{user}>" for user in reply.done_by if user.isalnum())
        blocks.append({"type": "context", "elements": [_raw(f"Done by {who}")]})
    elements = [_button(b) for b in reply.buttons[:20]] + [_menu(m) for m in reply.menus[:5]]
    block_id = f"r{reply.reminder_id}" if reply.reminder_id is not None else "actions"
    for n, row in enumerate(_rows(elements)):
        ident = block_id if n == 0 else f"{block_id}-{n}"
        blocks.append({"type": "actions", "block_id": ident, "elements": row})
    return blocks


def _rows(elements: list[Block]) -> list[list[Block]]:
    """Elements in actions blocks: Slack wants each action_id once per block, so a
    summary's buttons (a Complete for each reminder) take a row per reminder."""
    rows: list[list[Block]] = []
    for element in elements:
        if not rows or any(e["action_id"] == element["action_id"] for e in rows[-1]):
            rows.append([])
        rows[-1].append(element)
    return rows


def fallback(reply: Reply) -> str:
    """The top-level ``text`` (notifications, screen readers); escaped like the blocks."""
    return escape(reply.text)[:3000]


def _button(button: Button) -> Block:
    element: Block = {
        "type": "button",
        "action_id": button.action_id,
        "text": plain(button.label),
        "value": button.value[:2000],
    }
    if button.style:
        element["style"] = button.style
    return element


def _menu(menu: Menu) -> Block:
    options = [{"text": plain(label), "value": value[:150]} for label, value in menu.options]
    return {
        "type": "static_select",
        "action_id": menu.action_id,
        "placeholder": plain(menu.label),
        "options": options[:100],
    }


def message(reply: Reply) -> dict[str, Any]:
    """A reply as a message's ``text`` and ``blocks``."""
    return {"text": fallback(reply), "blocks": to_blocks(reply)}


def prompt_view(prompt: Prompt, callback_id: str, metadata: str) -> Block:
    """A modal asking for one line of text (edit a draft, custom snooze, shortcut)."""
    element: Block = {"type": "plain_text_input", "action_id": PHRASE_INPUT}
    if prompt.initial:
        element["initial_value"] = prompt.initial[:3000]
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata[:3000],
        "title": plain(prompt.title, 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            {
                "type": "input",
                "block_id": PHRASE_BLOCK,
                "label": plain(prompt.label, 2000),
                "element": element,
            }
        ],
    }


def home_view(
    upcoming: Reply,
    settings: Reply,
    controls: list[Block] | None = None,
    notice: Reply | None = None,
) -> Block:
    """App Home: a ``notice`` first (what the last click there was answered, such as a
    refusal), the reminders, the settings with where each came from, and ``controls``
    that change them (``home.settings_blocks``)."""
    blocks: list[Block] = []
    if notice is not None:
        blocks += [{"type": "section", "text": mrkdwn(notice.text)}, {"type": "divider"}]
    blocks += [{"type": "header", "text": plain("Your reminders", 150)}]
    blocks += to_blocks(upcoming)
    blocks.append({"type": "divider"})
    blocks += to_blocks(settings)
    blocks += controls or []
    blocks.append(
        {
            "type": "context",
            "elements": [
                mrkdwn("Change settings by messaging me, e.g. 'quiet hours 22:00-07:00'.")
            ],
        }
    )
    return {"type": "home", "blocks": blocks[:100]}
