"""Mattermost payloads shaped like the server model, as pure functions returning dicts.

Shapes follow ``server/public/model`` of mattermost/mattermost (``user.go``, ``channel.go``,
``channel_member.go``, ``post.go``, ``post_list.go``, ``integration_action.go``,
``command_response.go``, ``websocket_message.go``, ``utils.go``'s ``AppError``) and the
``posted`` event built in ``channels/app/notification.go``. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

JSON = dict[str, Any]

_ID_LENGTH = 26
_SLACK_LINK = re.compile(r"<([^<>|]+)\|([^<>]+)>")


def make_id(prefix: str, n: int) -> str:
    """A 26-character lower-case id, as the server's ``NewId`` hands out, readable in tests."""
    digits = str(n)
    return prefix[: _ID_LENGTH - len(digits)].ljust(_ID_LENGTH - len(digits), "0") + digits


TEAM_ID = make_id("team", 1)
TEAM_NAME = "remindbot-test"
SERVER_VERSION = "10.5.0.10.5.0.fake.false"  # {version}.{build}.{hash}.{enterprise}


# --- users, channels, members ---------------------------------------------------------------


def team() -> JSON:
    """The one team, as ``model.Team`` serialises."""
    return {
        "id": TEAM_ID,
        "create_at": 1_700_000_000_000,
        "update_at": 1_700_000_000_000,
        "delete_at": 0,
        "display_name": "Remindbot Test",
        "name": TEAM_NAME,
        "type": "O",
    }


def timezone(
    automatic: str = "", manual: str = "", *, use_automatic: bool = True
) -> dict[str, str]:
    """``User.Timezone``: every value a string, ``useAutomaticTimezone`` "true" or "false"."""
    return {
        "useAutomaticTimezone": "true" if use_automatic else "false",
        "automaticTimezone": automatic,
        "manualTimezone": manual,
    }


def user(
    user_id: str,
    username: str,
    *,
    email: str | None = None,
    tz: Mapping[str, str] | None = None,
    is_bot: bool = False,
    created: int = 1_700_000_000_000,
) -> JSON:
    body: JSON = {
        "id": user_id,
        "create_at": created,
        "update_at": created,
        "delete_at": 0,
        "username": username,
        "auth_data": "",
        "auth_service": "",
        "email": email if email is not None else f"{username}@example.com",
        "nickname": "",
        "first_name": "",
        "last_name": "",
        "position": "",
        "roles": "system_user",
        "locale": "en",
        "timezone": dict(tz) if tz is not None else timezone(),
        "props": {},
        "notify_props": {"desktop": "mention", "email": "true", "push": "mention"},
        "is_bot": is_bot,
    }
    if is_bot:
        body |= {"bot_description": "Reminders", "bot_last_icon_update": 0}
    return body


def direct_channel_name(user_a: str, user_b: str) -> str:
    """The name of the DM between two users: their ids, sorted, joined by ``__``."""
    first, second = sorted((user_a, user_b))
    return f"{first}__{second}"


def channel(
    channel_id: str,
    name: str,
    *,
    type_: str = "O",
    display_name: str | None = None,
    team_id: str = TEAM_ID,
    creator_id: str = "",
    created: int = 1_700_000_000_000,
) -> JSON:
    """``Channel``: type "O" open, "P" private, "D" direct (no team), "G" group."""
    direct = type_ in ("D", "G")
    return {
        "id": channel_id,
        "create_at": created,
        "update_at": created,
        "delete_at": 0,
        "team_id": "" if direct else team_id,
        "type": type_,
        "display_name": "" if direct else (display_name or name),
        "name": name,
        "header": "",
        "purpose": "",
        "last_post_at": 0,
        "last_root_post_at": 0,
        "total_msg_count": 0,
        "total_msg_count_root": 0,
        "extra_update_at": 0,
        "creator_id": creator_id,
        "scheme_id": None,
        "props": None,
        "group_constrained": None,
        "shared": None,
        "policy_id": None,
    }


def channel_member(channel_id: str, user_id: str, *, joined: int = 1_700_000_000_000) -> JSON:
    return {
        "channel_id": channel_id,
        "user_id": user_id,
        "roles": "channel_user",
        "last_viewed_at": joined,
        "msg_count": 0,
        "mention_count": 0,
        "mention_count_root": 0,
        "urgent_mention_count": 0,
        "msg_count_root": 0,
        "notify_props": {
            "desktop": "default",
            "email": "default",
            "ignore_channel_mentions": "default",
            "mark_unread": "all",
            "push": "default",
        },
        "last_update_at": joined,
        "scheme_guest": False,
        "scheme_user": True,
        "scheme_admin": False,
        "explicit_roles": "",
    }


# --- posts -----------------------------------------------------------------------------------


def post(
    post_id: str,
    channel_id: str,
    user_id: str,
    message: str,
    *,
    at: int,
    root_id: str = "",
    props: Mapping[str, Any] | None = None,
    type_: str = "",
) -> JSON:
    """``Post`` as the server stores it (``props`` may still hold action integrations)."""
    return {
        "id": post_id,
        "create_at": at,
        "update_at": at,
        "edit_at": 0,
        "delete_at": 0,
        "is_pinned": False,
        "user_id": user_id,
        "channel_id": channel_id,
        "root_id": root_id,
        "original_id": "",
        "message": message,
        "type": type_,
        "props": copy.deepcopy(dict(props)) if props else {},
        "hashtags": "",
        "file_ids": [],
        "pending_post_id": "",
        "reply_count": 0,
        "last_reply_at": 0,
        "participants": None,
        "metadata": {},
    }


def attachments(post_body: Mapping[str, Any]) -> list[JSON]:
    found = post_body.get("props", {}).get("attachments") or []
    return [a for a in found if isinstance(a, dict)]


def actions(post_body: Mapping[str, Any]) -> list[JSON]:
    return [a for att in attachments(post_body) for a in att.get("actions") or []]


def find_action(post_body: Mapping[str, Any], action_id: str) -> JSON | None:
    return next((a for a in actions(post_body) if a.get("id") == action_id), None)


def strip_integrations(post_body: Mapping[str, Any]) -> JSON:
    """A copy as the server hands posts to clients: every action's ``integration`` removed
    (``Post.StripActionIntegrations``, applied by ``EncodeJSON`` and ``ToJSON``)."""
    stripped = copy.deepcopy(dict(post_body))
    for action in actions(stripped):
        action.pop("integration", None)
    return stripped


def post_list(posts: Iterable[Mapping[str, Any]], order: Sequence[str] | None = None) -> JSON:
    """``PostList``: ``order`` newest first unless given, ``posts`` keyed by id."""
    by_id = {str(p["id"]): strip_integrations(p) for p in posts}
    if order is None:
        order = [i for i, _ in sorted(by_id.items(), key=lambda kv: -int(kv[1]["create_at"]))]
    return {
        "order": list(order),
        "posts": by_id,
        "next_post_id": "",
        "prev_post_id": "",
        "has_next": False,
    }


def slack_links_to_markdown(text: str) -> str:
    """``model.ParseSlackLinksToMarkdown``: ``<url|label>`` becomes ``[label](url)``."""
    return _SLACK_LINK.sub(r"[\2](\1)", text)


# --- errors ----------------------------------------------------------------------------------


def app_error(error_id: str, message: str, status: int, detailed: str = "") -> JSON:
    """``model.AppError`` as the server writes it for every failed API call."""
    return {
        "id": error_id,
        "message": message,
        "detailed_error": detailed,
        "request_id": make_id("request", 1),
        "status_code": status,
    }


SESSION_EXPIRED = (
    "api.context.session_expired.app_error",
    "Invalid or expired session, please login again.",
    401,
)
NO_PERMISSION = (
    "api.context.permissions.app_error",
    "You do not have the appropriate permissions.",
    403,
)


# --- websocket -------------------------------------------------------------------------------


def broadcast(*, channel_id: str = "", user_id: str = "", team_id: str = "") -> JSON:
    return {
        "omit_users": None,
        "user_id": user_id,
        "channel_id": channel_id,
        "team_id": team_id,
        "connection_id": "",
        "omit_connection_id": "",
    }


def ws_event(event: str, data: Mapping[str, Any], scope: Mapping[str, Any], seq: int) -> JSON:
    return {"event": event, "data": dict(data), "broadcast": dict(scope), "seq": seq}


def ws_response(seq_reply: int, *, error: JSON | None = None) -> JSON:
    """``WebSocketResponse``: OK, or FAIL with an AppError."""
    if error is None:
        return {"status": "OK", "seq_reply": seq_reply}
    return {"status": "FAIL", "seq_reply": seq_reply, "error": error}


def hello_data(connection_id: str) -> JSON:
    return {
        "connection_id": connection_id,
        "server_version": SERVER_VERSION,
        "server_hostname": "fake-mattermost",
    }


def posted_data(
    post_body: Mapping[str, Any],
    channel_body: Mapping[str, Any],
    sender: Mapping[str, Any],
    *,
    mentions: Sequence[str] = (),
) -> JSON:
    """The data of a ``posted`` event: ``post`` and ``mentions`` are JSON *strings*."""
    direct = channel_body["type"] == "D"
    data: JSON = {
        "post": json.dumps(strip_integrations(post_body)),
        "channel_type": channel_body["type"],
        "channel_display_name": f"@{sender['username']}" if direct else channel_body["name"],
        "channel_name": channel_body["name"],
        "sender_name": f"@{sender['username']}",
        "team_id": channel_body["team_id"],
        "set_online": True,
    }
    if mentions:
        data["mentions"] = json.dumps(list(mentions))
    return data


def post_edited_data(post_body: Mapping[str, Any]) -> JSON:
    return {"post": json.dumps(strip_integrations(post_body))}


def ephemeral_data(post_body: Mapping[str, Any]) -> JSON:
    return {"post": json.dumps(strip_integrations(post_body))}


# --- outbound requests the server makes -------------------------------------------------------


def action_request(
    post_body: Mapping[str, Any],
    action: Mapping[str, Any],
    clicker: Mapping[str, Any],
    channel_body: Mapping[str, Any],
    *,
    trigger_id: str,
    selected_option: str | None = None,
) -> JSON:
    """``PostActionIntegrationRequest`` as ``DoPostActionWithCookie`` builds it: for a menu
    the choice goes into ``context["selected_option"]`` and ``data_source`` is set."""
    integration = action.get("integration") or {}
    context = copy.deepcopy(integration.get("context")) or {}
    request: JSON = {
        "user_id": clicker["id"],
        "user_name": clicker["username"],
        "channel_id": channel_body["id"],
        "channel_name": channel_body["name"],
        "team_id": channel_body["team_id"],
        "team_domain": TEAM_NAME if channel_body["team_id"] else "",
        "post_id": post_body["id"],
        "trigger_id": trigger_id,
        "type": action.get("type", ""),
        "data_source": "",
    }
    if action.get("type") == "select" and selected_option:
        context["selected_option"] = selected_option
        request["data_source"] = action.get("data_source", "")
    if context:
        request["context"] = context
    return request


def slash_command_form(
    command: str,
    text: str,
    invoker: Mapping[str, Any],
    channel_body: Mapping[str, Any],
    *,
    token: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields a custom slash command is POSTed with."""
    return {
        "channel_id": channel_body["id"],
        "channel_name": channel_body["name"],
        "command": command,
        "response_url": response_url,
        "team_domain": TEAM_NAME,
        "team_id": TEAM_ID,
        "text": text,
        "token": token,
        "trigger_id": trigger_id,
        "user_id": invoker["id"],
        "user_name": invoker["username"],
    }


def command_response(body: bytes, content_type: str) -> JSON:
    """``CommandResponseFromHTTPBody``: JSON when the type says so, else the body is text."""
    if content_type.split(";")[0].strip() == "application/json":
        parsed = json.loads(body or b"{}")
        return parsed if isinstance(parsed, dict) else {}
    return {"text": body.decode(errors="replace")}
