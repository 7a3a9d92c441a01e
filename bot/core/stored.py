"""A person's stored reminders as they name them: by their own number, the one that came
last, the one just deleted, and their list a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.errors import InvalidRequest, NotFound
from bot.core.followups import Delivered
from bot.core.model import (
    Actor,
    Conversation,
    ListKind,
    Page,
    Reminder,
    ReminderState,
)
from bot.core.ports import Clock, ReminderRepository

UNDO_WINDOW = timedelta(minutes=1)
PAGE = 10
_STATES: dict[ListKind, tuple[ReminderState, ...]] = {
    "upcoming": (ReminderState.SCHEDULED, ReminderState.PAUSED),
    "done": (ReminderState.COMPLETED, ReminderState.CANCELLED),
    "all": (
        ReminderState.SCHEDULED,
        ReminderState.PAUSED,
        ReminderState.COMPLETED,
        ReminderState.CANCELLED,
    ),
}


class Stored:
    """Finding and restoring someone's reminders. Only their own are ever found."""

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.wake = wake or (lambda _when: None)

    async def numbered(self, actor: Actor, number: int) -> Reminder:
        """Their reminder ``#number``.

        Raises:
            NotFound: ``what="number"``, naming the number they typed.
        """
        rem = await self.repo.by_number(actor.key, number)
        if rem is None:
            raise NotFound("number", number)
        return rem

    async def page(self, actor: Actor, kind: ListKind = "upcoming", offset: int = 0) -> Page:
        """Up to ``PAGE`` of their reminders from ``offset`` on; ``more`` if others follow."""
        found = await self.repo.list_for(
            actor.key, _STATES[kind], PAGE + 1, offset=offset, numbered=True
        )
        return Page(reminders=tuple(found[:PAGE]), kind=kind, offset=offset, more=len(found) > PAGE)

    async def last_delivered(self, actor: Actor, where: Conversation) -> Delivered:
        """What came to them last (in a channel: what came into that channel last).

        Raises:
            InvalidRequest: ``nothing_delivered``.
        """
        channel = where.id if where.kind == "channel" else None
        found = await self.repo.last_delivered(actor, channel)
        if found is None:
            raise InvalidRequest("nothing_delivered")
        return Delivered(reminder=found[0], occurrence=found[1])

    async def delivered_of(self, actor: Actor, number: int) -> Delivered:
        """Their reminder ``#number`` with its latest delivery.

        Raises:
            NotFound: no such number. InvalidRequest: ``not_delivered_yet``.
        """
        rem = await self.numbered(actor, number)
        latest = await self.repo.last_sent(rem.id)
        if latest is None:
            raise InvalidRequest("not_delivered_yet", rem.id, reminder=rem)
        return Delivered(reminder=rem, occurrence=latest)

    async def undo_last(self, actor: Actor) -> Reminder:
        """Bring back what they deleted in the last minute.

        Raises:
            InvalidRequest: ``nothing_to_undo``.
        """
        since = self.clock.now() - UNDO_WINDOW
        rem = await self.repo.last_deleted(actor.key, since)
        if rem is None:
            raise InvalidRequest("nothing_to_undo")
        return await self._restore(actor, rem)

    async def undelete(self, actor: Actor, reminder_id: int) -> Reminder:
        """The Undo button of a delete: their reminder back, within a minute.

        Raises:
            NotFound: not theirs, or gone. InvalidRequest: ``undo_expired``.
        """
        rem = await self.repo.get(reminder_id)
        if rem is None or rem.owner != actor.key:
            raise NotFound("reminder", reminder_id)
        if rem.deleted_at is None:
            return rem  # a second click: it is back already
        if self.clock.now() - rem.deleted_at > UNDO_WINDOW:
            raise InvalidRequest("undo_expired", rem.id)
        return await self._restore(actor, rem)

    async def _restore(self, actor: Actor, rem: Reminder) -> Reminder:
        now = self.clock.now()
        rem = await self.repo.save(replace(rem, deleted_at=None), now)
        await self.repo.audit(actor.key, "undo", now, rem.id)
        if rem.state is ReminderState.SCHEDULED and rem.next_due is not None:
            self.wake(rem.next_due)
        return rem
