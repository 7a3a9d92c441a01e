"""Slack payloads shaped like the published examples, as pure functions returning dicts.

Inbound shapes follow docs.slack.dev (slash command form body, ``event_callback`` envelopes,
``block_actions``, ``view_submission`` and ``message_action`` interaction payloads) and the
envelopes replayed by python-slack-sdk's ``tests/slack_sdk/socket_mode/mock_socket_mode_server.py``.
Web API answers follow each method's "Example response" in the method reference.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

JSON = dict[str, Any]

TEAM_ID = "T1"
TEAM_DOMAIN = "remindbot-test"
APP_ID = "A1"
BOT_USER_ID = "UBOT"
BOT_ID = "B1"
VERIFICATION_TOKEN = "verification-token"
DEFAULT_TS = "1700000000.000100"
DEFAULT_RESPONSE_URL = "https://hooks.slack.com/actions/T1/1/xxx"


def new_event_id() -> str:
    return "Ev" + uuid.uuid4().hex[:10].upper()


def new_trigger_id() -> str:
    """Slack hands out a new trigger id for every invocation (``13345224609.7384.8088a0``)."""
    return f"{uuid.uuid4().int % 10**11}.{uuid.uuid4().int % 10**9}.{uuid.uuid4().hex[:24]}"


def _team() -> JSON:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _user(user_id: str) -> JSON:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def _channel(channel_id: str) -> JSON:
    name = "directmessage" if channel_id.startswith("D") else channel_id.lower()
    return {"id": channel_id, "name": name}


def _rich_text(text: str) -> list[JSON]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return [{"type": "rich_text", "block_id": "rt1", "elements": [section]}]


def _action_ts(message_ts: str) -> str:
    seconds = message_ts.split(".", 1)[0]
    return f"{int(seconds) + 5}.000200"


# --- slash commands and events ---------------------------------------------------------------


def slash_command(
    text: str,
    user_id: str = "U1",
    channel_id: str = "C1",
    command: str = "/reminder",
    *,
    response_url: str = "https://hooks.slack.com/commands/T1/1/xxx",
) -> dict[str, str]:
    """The form fields of a slash command (the Socket Mode payload is the same dict)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": _channel(channel_id)["name"],
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": new_trigger_id(),
    }


def event_callback(event: JSON, *, event_id: str | None = None) -> JSON:
    """Wrap an inner event in the Events API ``event_callback`` envelope."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(float(event["event_ts"])),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event['type']}-{TEAM_ID}-{event['channel']}",
    }


def _message_fields(text: str, user: str, channel: str, ts: str) -> JSON:
    return {
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "blocks": _rich_text(text),
        "team": TEAM_ID,
        "channel": channel,
        "event_ts": ts,
    }


def message_im_event(
    text: str,
    user: str = "U1",
    channel: str = "D1",
    event_id: str | None = None,
    *,
    ts: str = DEFAULT_TS,
) -> JSON:
    """A ``message.im`` event: a user's direct message to the bot."""
    event = {"type": "message", **_message_fields(text, user, channel, ts), "channel_type": "im"}
    return event_callback(event, event_id=event_id)


def app_mention_event(
    text: str,
    user: str = "U1",
    channel: str = "C1",
    event_id: str | None = None,
    *,
    ts: str = DEFAULT_TS,
) -> JSON:
    """An ``app_mention`` event; ``text`` should contain ``<@UBOT>`` as Slack's does."""
    event = {"type": "app_mention", **_message_fields(text, user, channel, ts)}
    return event_callback(event, event_id=event_id)


# --- interactivity ---------------------------------------------------------------------------


def option(text: str, value: str) -> JSON:
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


def _action(
    action_id: str, value: str, block_id: str, action_ts: str, selected: JSON | None
) -> JSON:
    if selected is not None:
        return {
            "type": "static_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_option": selected,
            "placeholder": {"type": "plain_text", "text": "Choose", "emoji": True},
            "action_ts": action_ts,
        }
    text = {"type": "plain_text", "text": value, "emoji": True}
    return {
        "action_id": action_id,
        "block_id": block_id,
        "text": text,
        "value": value,
        "type": "button",
        "action_ts": action_ts,
    }


def bot_message(text: str, ts: str, blocks: Sequence[JSON] | None = None) -> JSON:
    """A message the bot posted, as Slack echoes it back in payloads and API answers."""
    return {
        "bot_id": BOT_ID,
        "type": "message",
        "text": text,
        "user": BOT_USER_ID,
        "ts": ts,
        "app_id": APP_ID,
        "blocks": list(blocks or []),
        "team": TEAM_ID,
    }


def block_actions(
    action_id: str,
    value: str = "",
    user_id: str = "U1",
    channel_id: str = "D1",
    message_ts: str = DEFAULT_TS,
    response_url: str = DEFAULT_RESPONSE_URL,
    blocks: Sequence[JSON] | None = None,
    *,
    block_id: str = "b1",
    is_ephemeral: bool = False,
    selected_option: JSON | None = None,
) -> JSON:
    """A click on a button (or, with ``selected_option``, a pick in a ``static_select``).

    Ephemeral messages carry no ``message`` object, as in Slack.
    """
    action_ts = _action_ts(message_ts)
    payload: JSON = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        },
        "trigger_id": new_trigger_id(),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": _channel(channel_id),
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [_action(action_id, value, block_id, action_ts, selected_option)],
    }
    if not is_ephemeral:
        payload["message"] = bot_message("", message_ts, blocks)
    return payload


def text_input(value: str) -> JSON:
    """One ``state.values`` entry for a ``plain_text_input``."""
    return {"type": "plain_text_input", "value": value}


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, JSON]],
    private_metadata: str = "",
    user_id: str = "U1",
    *,
    view_id: str = "V1",
    response_urls: Sequence[JSON] = (),
) -> JSON:
    """A modal submit; ``values`` is ``{block_id: {action_id: state}}``."""
    view = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": {k: dict(v) for k, v in values.items()}},
        "hash": "1700000000.abcdef",
        "title": {"type": "plain_text", "text": "Reminder", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": {"type": "plain_text", "text": "Save", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    return {
        "type": "view_submission",
        "team": _team(),
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": view,
        "response_urls": list(response_urls),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_shortcut(
    callback_id: str,
    message_text: str,
    message_ts: str = DEFAULT_TS,
    channel_id: str = "C1",
    user_id: str = "U1",
    *,
    author_id: str = "U2",
    response_url: str = DEFAULT_RESPONSE_URL,
) -> JSON:
    """A message shortcut (``type: message_action``) by ``user_id`` on ``author_id``'s message."""
    message = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": message_text,
        "user": author_id,
        "ts": message_ts,
        "team": TEAM_ID,
        "blocks": _rich_text(message_text),
    }
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(message_ts),
        "team": _team(),
        "user": _user(user_id),
        "channel": _channel(channel_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": new_trigger_id(),
        "response_url": response_url,
        "message_ts": message_ts,
        "message": message,
    }


# --- HTTP mode bodies and signatures ---------------------------------------------------------


def form_body(fields: Mapping[str, str]) -> bytes:
    """A slash command as Slack POSTs it (``application/x-www-form-urlencoded``)."""
    return urlencode(fields).encode()


def interactive_body(payload: JSON) -> bytes:
    """An interaction payload as Slack POSTs it: one form field ``payload`` holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Signature headers: ``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}`` (Slack's scheme)."""
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


# --- Web API answers -------------------------------------------------------------------------


def user_object(user_id: str, **overrides: Any) -> JSON:
    """A ``users.info`` user; defaults to Slack's example zone, America/Los_Angeles."""
    name = user_id.lower()
    user: JSON = {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "deleted": False,
        "real_name": name.title(),
        "tz": "America/Los_Angeles",
        "tz_label": "Pacific Standard Time",
        "tz_offset": -28800,
        "profile": {
            "real_name": name.title(),
            "display_name": name,
            "email": f"{name}@example.com",  # given with the users:read.email scope
            "team": TEAM_ID,
        },
        "is_admin": False,
        "is_owner": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": 1700000000,
    }
    return user | overrides


def auth_test() -> JSON:
    return {
        "ok": True,
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": "Remindbot Test",
        "user": "remindbot",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def home_actions(action: JSON, user_id: str = "U1", view_id: str = "V000001") -> JSON:
    """A ``block_actions`` payload from an App Home view (the element ``action`` as Slack
    sends it: a button's ``value``, a timepicker's ``selected_time``, checkboxes'
    ``selected_options``): its container is the view, and there is no channel or message."""
    return {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {"type": "view", "view_id": view_id},
        "trigger_id": new_trigger_id(),
        "team": _team(),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {"id": view_id, "type": "home", "team_id": TEAM_ID, "state": {"values": {}}},
        "actions": [{**action, "action_ts": "1700000200.000100"}],
    }


_HHMM = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")


def home_problem(view: JSON) -> str | None:
    """What Slack's Block Kit reference forbids in a Home view, as its error message; the
    checks the settings controls need: at most 100 blocks, 25 elements in an ``actions``
    block, action ids unique in a block, a ``timepicker``'s ``initial_time`` as HH:mm,
    ``checkboxes`` with 1 to 10 options and ``initial_options`` among them."""
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > 100:
        return "[ERROR] must provide at most 100 blocks [json-pointer:/view/blocks]"
    for n, block in enumerate(blocks):
        where = f"[json-pointer:/view/blocks/{n}]"
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if len(elements) > 25:
            return f"[ERROR] must provide at most 25 elements {where}"
        ids = [e.get("action_id") for e in elements if e.get("action_id")]
        if len(ids) != len(set(ids)):
            return f"[ERROR] action_id must be unique in a block {where}"
        for element in elements:
            shown = str(element.get("initial_time", "00:00"))
            if element.get("type") == "timepicker" and not _HHMM.match(shown):
                return f"[ERROR] initial_time must be HH:mm {where}"
            if element.get("type") == "checkboxes":
                options = element.get("options", [])
                if not 1 <= len(options) <= 10:
                    return f"[ERROR] checkboxes need 1 to 10 options {where}"
                if any(o not in options for o in element.get("initial_options", [])):
                    return f"[ERROR] initial_options must be among the options {where}"
    return None


def view_object(view: JSON, view_id: str) -> JSON:
    """The ``view`` object that views.open/update/publish answer with."""
    defaults: JSON = {
        "callback_id": "",
        "private_metadata": "",
        "external_id": "",
        "clear_on_close": False,
        "notify_on_close": False,
    }
    generated: JSON = {
        "id": view_id,
        "team_id": TEAM_ID,
        "state": {"values": {}},
        "hash": f"1700000000.{view_id.lower()}",
        "root_view_id": view_id,
        "previous_view_id": None,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
    }
    return defaults | view | generated


def dm_channel_id(user_id: str) -> str:
    """The DM channel the fake opens for a user: U1 -> D1 (matches the payload defaults)."""
    return "D" + user_id[1:]


def conversation(channel_id: str) -> JSON:
    """A ``conversations.info`` channel object."""
    is_im = channel_id.startswith("D")
    info: JSON = {
        "id": channel_id,
        "created": 1700000000,
        "is_channel": channel_id.startswith("C"),
        "is_group": channel_id.startswith("G"),
        "is_im": is_im,
        "is_private": not channel_id.startswith("C"),
        "is_archived": False,
        "is_member": True,
    }
    if is_im:
        info["user"] = "U" + channel_id[1:]  # inverse of dm_channel_id
    else:
        info["name"] = channel_id.lower()
    return info
