"""Saving, showing and resetting a workspace's message templates (``bot.core.templates``).

Only a system account may change how a whole workspace is spoken to: over the REST API
that is a system token; the ``remindbot template`` command runs with the database's own
access, as its operator (``who=None``). A template is checked before it is stored, so a
refused one never reaches a delivery.
"""

from __future__ import annotations

import re

from bot.core import templates
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import Reminder, TargetKind, UserRef
from bot.core.ports import Clock, ReminderRepository
from bot.core.tokens import is_system

# ``slack:T1``, ``console:local``, ``mattermost:`` (its users span the server): the key
# workspace settings are stored under.
_WORKSPACE = re.compile(r"^[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9._-]{0,200}$")


class Wording:
    def __init__(self, repo: ReminderRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def save(self, who: UserRef | None, workspace: str, name: str, source: str) -> None:
        """Store ``source`` as the workspace's ``name`` template, if it passes the check;
        ``InvalidRequest`` says why not."""
        _may_change(who)
        _known(workspace, name)
        refused = templates.problem(name, source)
        if refused is not None:
            raise refused
        await self.repo.save_template(workspace, name, source, self.clock.now())

    async def show(self, who: UserRef | None, workspace: str) -> dict[str, str]:
        """The workspace's templates by name (those it has; the rest are built in)."""
        _may_change(who)
        _known(workspace, None)
        found = await self.repo.workspace_templates({workspace})
        return dict(sorted(found.get(workspace, {}).items()))

    async def one(self, who: UserRef | None, workspace: str, name: str) -> str:
        """One template's source; ``NotFound`` if the workspace has none by that name."""
        found = await self.show(who, workspace)
        _known(workspace, name)
        if name not in found:
            raise NotFound("template", f"{workspace}/{name}")
        return found[name]

    async def reset(self, who: UserRef | None, workspace: str, name: str) -> None:
        """Back to the built-in text; ``NotFound`` if there was no such template."""
        _may_change(who)
        _known(workspace, name)
        if not await self.repo.delete_template(workspace, name):
            raise NotFound("template", f"{workspace}/{name}")


async def templates_for(repo: ReminderRepository, rem: Reminder) -> dict[str, str]:
    """The templates of ``rem``'s workspace, when its answer repeats its delivery (a
    channel's reminder marked done keeps its delivered text); else none are needed."""
    if rem.target_kind is not TargetKind.CHANNEL:
        return {}
    workspace = f"{rem.platform}:{rem.workspace}"
    return (await repo.workspace_templates({workspace})).get(workspace, {})


def _may_change(who: UserRef | None) -> None:
    if who is not None and not is_system(who):
        raise NotAllowed(who.key, "change templates of", "a workspace")


def _known(workspace: str, name: str | None) -> None:
    if not _WORKSPACE.match(workspace):
        raise InvalidRequest("template_workspace")
    if name is not None and name not in templates.NAMES:
        raise InvalidRequest("template_name", name=name, names=", ".join(templates.NAMES))
