"""manifest.yml is a valid Slack manifest for what the adapter actually does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.adapters.slack.listeners import SHORTCUT
from bot.config import Settings

MANIFEST: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "manifest.yml").read_text()
)


def test_manifest_has_the_required_sections() -> None:
    assert MANIFEST["_metadata"]["major_version"] == 1
    assert MANIFEST["display_information"]["name"]
    assert MANIFEST["features"]["bot_user"]["display_name"]
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True


def test_slash_command_and_shortcut_match_the_code() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == [Settings.fields["slack_command"].default] == ["/reminder"]
    assert MANIFEST["features"]["slash_commands"][0]["should_escape"] is True
    shortcuts = MANIFEST["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"]) for s in shortcuts] == [("message", SHORTCUT)]


def test_events_and_scopes_cover_every_listener_and_web_api_call() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {"message.im", "app_mention", "app_home_opened"}
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {
        "chat:write",  # chat.postMessage / update / postEphemeral
        "commands",
        "im:history",  # message.im
        "im:write",  # conversations.open
        "users:read",  # users.info (time zone)
        "users:read.email",  # users.info profile.email, for the email channel
        "app_mentions:read",
        "channels:read",  # conversations.members / list
        # conversations.history: a post made and not recorded is found by its metadata
        "channels:history",
        "groups:history",
    }
    assert needed <= scopes
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
