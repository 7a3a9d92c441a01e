"""A workspace's defaults for preferences: an admin's setting (the CLI, or the REST API
with a system token), applied to everyone there who chose nothing themselves."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.core import preferences
from bot.core.errors import InvalidRequest
from bot.core.ports import Clock, ReminderRepository

_WORKSPACE = re.compile(r"^(?:slack|mattermost|console):[^\s:]{1,200}$")


def checked_workspace(workspace: str) -> str:
    """``slack:T1``, ``mattermost:abc``, ``console:local``.

    Raises:
        InvalidRequest: ``unknown_workspace``.
    """
    if not _WORKSPACE.match(workspace):
        raise InvalidRequest("unknown_workspace", workspace=workspace)
    return workspace


def shown(name: str, value: Any) -> str:
    """A stored default as the CLI prints it (``chat,email``, ``22:00-07:00``)."""
    if name == "channels" and isinstance(value, list):
        return ",".join(str(v) for v in value)
    if name == "quiet_hours" and isinstance(value, dict):
        return f"{value.get('start')}-{value.get('end')}"
    return str(value)


class Workspaces:
    """Read and change workspace defaults; every value is checked before it is stored."""

    def __init__(self, repo: ReminderRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def defaults(self, workspace: str) -> dict[str, Any]:
        """The defaults ``workspace`` has, by name (those it does not have are absent)."""
        found = await self.repo.workspace_defaults([checked_workspace(workspace)])
        return dict(found.get(workspace, {}))

    async def change(
        self, workspace: str, changes: Mapping[str, Any], actor: str
    ) -> dict[str, Any]:
        """Set several defaults from JSON values (``None`` removes one); all are checked
        before any is stored. Returns the workspace's defaults after.

        Raises:
            InvalidRequest: ``unknown_workspace``, ``unknown_default`` or the value's code.
        """
        checked_workspace(workspace)
        values = {name: preferences.default_value(name, v) for name, v in changes.items()}
        now = self.clock.now()
        for name, value in values.items():
            await self.repo.set_workspace_default(workspace, name, value, now)
            await self.repo.audit(actor, f"workspace.{name}", now, None, {"workspace": workspace})
        return await self.defaults(workspace)

    async def set_text(self, workspace: str, name: str, text: str, actor: str) -> Any:
        """One default as typed on the command line; returns what is stored (``None``:
        removed).

        Raises:
            InvalidRequest: as ``change``.
        """
        checked_workspace(workspace)
        value = preferences.default_from_text(name, text)
        await self.change(workspace, {name: value}, actor)
        return value
