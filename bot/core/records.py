"""Records of other systems (cases, tickets) and their status: stop conditions and
triggers. A status change is recorded once (a compare-and-set), and what it stops and
fires is written in the same transaction, so replicas agree and nothing fires twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from bot.core import texts
from bot.core.errors import InvalidRequest
from bot.core.model import NewReminder, Origin, Reminder, ReminderState, StatusChange, as_new
from bot.core.ports import ApiRepository, ChatGateway, Clock, DeliveryError
from bot.core.texts.making import status_message
from bot.core.tokens import is_system

log = logging.getLogger(__name__)
MAX_FIELD = 255


class Records:
    def __init__(
        self,
        repo: ApiRepository,
        clock: Clock,
        gateways: Mapping[str, ChatGateway],
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.gateways = gateways
        self.wake = wake or (lambda _when: None)

    async def set_status(
        self, entity_type: str, entity_id: str, status: str
    ) -> tuple[StatusChange, tuple[Reminder, ...], tuple[Reminder, ...]] | None:
        """Record a status; ``None`` if the record already had it (a no-op).

        Returns:
            The change, the reminders it stopped, and those its triggers fired.
        """
        for value in (entity_type, entity_id, status):
            if not value.strip() or len(value) > MAX_FIELD:
                raise InvalidRequest("bad_status")
        now = self.clock.now()
        outcome = await self.repo.set_status(entity_type, entity_id, status, now, fired_by)
        if outcome is None:
            return None
        if outcome.fired:
            self.wake(now)
        for rem in outcome.stopped:
            await self._tell_stopped(rem, outcome.change)
        return outcome.change, outcome.stopped, outcome.fired

    async def status(self, entity_type: str, entity_id: str) -> StatusChange | None:
        return await self.repo.status_of(entity_type, entity_id)

    async def _tell_stopped(self, rem: Reminder, change: StatusChange) -> None:
        """Once, in chat: "Stopped: case 123 is closed" (a system account has no chat)."""
        gateway = self.gateways.get(rem.platform)
        if gateway is None or is_system(rem.owner_ref):
            return
        try:
            told = texts.of(rem.language).stopped_by_status(rem, change)
            await gateway.notify(rem.owner, told)
        except DeliveryError as error:
            log.warning("could not tell the owner of reminder %s: %s", rem.id, error.reason)


def fired_by(trigger: Reminder, change: StatusChange) -> NewReminder:
    """The one-off a trigger fires for one change: due now, saying what changed."""
    return replace(
        as_new(trigger),
        state=ReminderState.SCHEDULED,
        origin=Origin.TRIGGER,
        message=status_message(trigger, change),
        next_due=change.at,
        parent_id=trigger.id,
        trigger_status=None,
        event_type=None,
        stop_statuses=(),
        draft_expires_at=None,
    )
