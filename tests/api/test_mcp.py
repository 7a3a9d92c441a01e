"""``remindbot mcp`` as an assistant sees it: the SDK's own client over stdio, against the
real command in a subprocess, on a SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import TextContent


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "REMINDBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "REMINDBOT_DEFAULT_TZ": "Europe/Copenhagen",
        "PATH": "/usr/bin:/bin",
    }


def _token(tmp_path: Path) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "bot", "token", "create", "--name", "assistant", "--user", "ann"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return made.stdout.strip().splitlines()[-1]


def _text(result: Any) -> str:
    """The first content's text (a tool error comes back as text)."""
    [first, *_] = result.content
    assert isinstance(first, TextContent)
    return first.text


def _data(result: Any) -> Any:
    assert not result.is_error, result
    if result.structured_content is not None:
        content = result.structured_content
        return content.get("result", content) if isinstance(content, dict) else content
    return json.loads(_text(result))


async def test_an_assistant_parses_creates_lists_snoozes_completes_and_deletes(
    tmp_path: Path,
) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "bot", "mcp", "--token", _token(tmp_path)],
        env=_env(tmp_path),
    )
    async with Client(params) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names >= {
            "parse_phrase",
            "create_reminder",
            "list_reminders",
            "snooze_reminder",
            "complete_reminder",
            "delete_reminder",
        }
        action = _data(
            await client.call_tool("parse_phrase", {"text": "remind me in 2 days to plan"})
        )
        assert action["action"] == "SET_REMINDER" and action["message"] == "plan"
        made = _data(await client.call_tool("create_reminder", {"action": action}))
        assert made["state"] == "scheduled" and made["owner"] == "console:local:ann"
        second = _data(
            await client.call_tool(
                "create_reminder", {"text": "remind me tomorrow at 9 to call Bo"}
            )
        )
        listed = _data(await client.call_tool("list_reminders", {}))
        assert sorted(r["message"] for r in listed) == ["call Bo", "plan"]
        snoozed = _data(
            await client.call_tool("snooze_reminder", {"reminder_id": second["id"], "minutes": 90})
        )
        assert snoozed["next_due"] != second["next_due"]
        done = _data(await client.call_tool("complete_reminder", {"reminder_id": made["id"]}))
        assert done["state"] == "completed"
        gone = _data(await client.call_tool("delete_reminder", {"reminder_id": second["id"]}))
        assert gone["deleted_at"] is not None


async def test_refusals_come_back_as_tool_errors_with_their_code(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "bot", "mcp", "--token", _token(tmp_path)],
        env=_env(tmp_path),
    )
    async with Client(params) as client:
        past = await client.call_tool("create_reminder", {"text": "remind me yesterday to x"})
        assert past.is_error and "past: That time has already passed" in _text(past)
        missing = await client.call_tool("complete_reminder", {"reminder_id": 999})
        assert missing.is_error and "not_found" in _text(missing)
        bad = await client.call_tool("create_reminder", {"action": {"message": "x", "at": "soon"}})
        assert bad.is_error and "at" in _text(bad)
        listed = _data(await client.call_tool("list_reminders", {}))
        assert listed == []


def test_without_a_valid_token_the_command_says_so(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "mcp", "--token", "rb_wrong"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "give a valid API token" in done.stderr
