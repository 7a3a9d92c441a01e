"""``remindbot mcp``: the REST API's use cases as Model Context Protocol tools over stdio.

For one owner, given by an API token, with the same validation and refusals as the REST
API: a refusal comes back as a tool error carrying its code and sentence.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import ValidationError

from bot.api import views
from bot.api.deps import Caller, Services, problem
from bot.api.entities import action_of
from bot.api.models import ReminderIn, SnoozeIn
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import ReminderQuery, ReminderState

JSON = dict[str, Any]
T = TypeVar("T")


def server(use: Services, who: Caller) -> MCPServer:
    """The tools, bound to ``who`` (the token's owner)."""
    mcp = MCPServer(
        "remindbot",
        instructions="Reminders for one owner: read a phrase, create, list, snooze, "
        "complete or delete reminders.",
    )

    @mcp.tool()
    async def parse_phrase(text: str) -> JSON:
        """The SET_REMINDER action a phrase means, read in the owner's time zone; nothing
        is stored. Pass it to create_reminder as ``action`` to create it."""
        return (await _guard(action_of(use, who, text))).model_dump(mode="json")

    @mcp.tool()
    async def create_reminder(text: str = "", action: JSON | None = None) -> JSON:
        """Create a reminder from a phrase (``text``), or from fields or a SET_REMINDER
        action (``action``: target, message, at or rrule/dtstart/tz, entity, ...)."""
        body = _body(text, action)
        if body.text is not None:
            made = await _guard(use.specs.from_phrase(who.owner, body.text, confirm=True))
        else:
            made = await _guard(use.specs.create(who.owner, body.spec(), confirm=True))
        return views.reminder(made.reminders[0], use.clock.now(), made.skipped).model_dump(
            mode="json"
        )

    @mcp.tool()
    async def list_reminders(state: str = "scheduled", limit: int = 50) -> list[JSON]:
        """The owner's reminders in ``state`` (draft, scheduled, paused, completed, cancelled)."""
        try:
            wanted = ReminderState(state)
        except ValueError:
            raise ToolError(f"unknown state {state!r}") from None
        query = ReminderQuery(owner=who.owner.key, states=(wanted,), limit=max(1, min(limit, 200)))
        now = use.clock.now()
        return [
            views.reminder(r, now).model_dump(mode="json") for r in await use.changes.find(query)
        ]

    @mcp.tool()
    async def snooze_reminder(reminder_id: int, minutes: int = 0, text: str = "") -> JSON:
        """Deliver it again later: in ``minutes``, or at ``text`` ("Friday 9am")."""
        try:
            SnoozeIn(minutes=minutes or None, text=text or None)
        except ValidationError as error:
            raise ToolError(str(error.errors()[0]["msg"])) from None
        when: str | datetime = text
        if minutes:
            when = use.clock.now() + timedelta(minutes=minutes)
        rem, _until = await _guard(use.changes.snooze(who.owner, reminder_id, when))
        return views.reminder(rem, use.clock.now()).model_dump(mode="json")

    @mcp.tool()
    async def complete_reminder(reminder_id: int) -> JSON:
        """The work is done: it reminds no more."""
        rem = await _guard(use.changes.complete(who.owner, reminder_id))
        return views.reminder(rem, use.clock.now()).model_dump(mode="json")

    @mcp.tool()
    async def delete_reminder(reminder_id: int) -> JSON:
        """Stop and remove it (its history stays)."""
        rem = await _guard(use.drafts.delete(who.owner, reminder_id))
        return views.reminder(rem, use.clock.now()).model_dump(mode="json")

    return mcp


def _body(text: str, action: JSON | None) -> ReminderIn:
    try:
        return ReminderIn.model_validate({"text": text} if text else (action or {}))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ToolError(f"{where}: {first['msg']}") from None


async def _guard(work: Awaitable[T]) -> T:
    """Await a use case; its refusal becomes a tool error with the code and sentence."""
    try:
        result = await work
    except (InvalidRequest, NotFound, NotAllowed) as error:
        _status, body = problem(error)
        detail = body["detail"]
        raise ToolError(f"{detail['code']}: {detail['message']}") from None
    return result
