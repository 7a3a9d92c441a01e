"""Deliver what is due: claim -> occurrence -> policy -> gateway -> record -> advance."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import texts
from bot.core.model import (
    Delivery,
    Occurrence,
    OccurrenceState,
    Reminder,
    ReminderState,
    Reply,
    UserPrefs,
)
from bot.core.policy import MAX_ATTEMPTS, quiet_until, retry_delay
from bot.core.ports import ChatGateway, Clock, DeliveryError, ReminderRepository
from bot.parsing import Recurrence, occurrences_after

log = logging.getLogger(__name__)
_DONE = (OccurrenceState.SENT, OccurrenceState.FAILED, OccurrenceState.SKIPPED)


class Dispatcher:
    """Delivers due reminders exactly once per occurrence, across any number of processes.

    Args:
        repo: storage; its ``claim_due`` is the only thing that hands out work.
        gateways: platform name -> gateway.
        clock: the time source.
        lease: how long a claim is ours; a crashed process's claims come back after it.
        batch: reminders claimed per statement.
        late_limit: occurrences later than this are skipped instead of delivered late.
        concurrency: deliveries in flight at once.
    """

    def __init__(
        self,
        repo: ReminderRepository,
        gateways: Mapping[str, ChatGateway],
        clock: Clock,
        *,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 100,
        late_limit: timedelta | None = None,
        concurrency: int = 16,
    ) -> None:
        self.repo = repo
        self.gateways = gateways
        self.clock = clock
        self.lease = lease
        self.batch = batch
        self.late_limit = late_limit
        self._slots = asyncio.Semaphore(concurrency)

    async def run_due(self) -> int:
        """Claim one batch of due reminders and handle each; return how many."""
        now = self.clock.now()
        claimed = await self.repo.claim_due(now, now + self.lease, self.batch)
        await asyncio.gather(*(self._guarded(rem, now) for rem in claimed))
        return len(claimed)

    async def drain(self) -> int:
        """Run batches until nothing due is left."""
        total = 0
        while (count := await self.run_due()) > 0:
            total += count
            if count < self.batch:
                break
        return total

    async def _guarded(self, rem: Reminder, now: datetime) -> None:
        async with self._slots:
            try:
                await self.handle(rem, now)
            except Exception:
                # Leave the lease to expire so another run retries; never lose the row.
                log.exception("dispatch of reminder %s failed", rem.id)

    async def handle(self, rem: Reminder, now: datetime) -> None:
        due = rem.occurrence_due or rem.next_due
        assert due is not None
        occ = await self.repo.open_occurrence(rem.id, due, now)
        if occ.state in _DONE:
            # Recorded before a crash stopped us advancing: do not deliver twice.
            await self._advance(rem, due, now)
            return
        if self.late_limit is not None and now - due > self.late_limit:
            await self.repo.finish_occurrence(occ.id, OccurrenceState.SKIPPED, now, error="late")
            await self._advance(rem, due, now)
            return
        quiet = quiet_until(await self._recipient_prefs(rem), now)
        if quiet is not None:
            await self.repo.finish_occurrence(occ.id, OccurrenceState.DEFERRED, now, error="quiet")
            await self.repo.save(replace(rem, next_due=quiet), now)
            return
        await self._deliver(rem, occ, due, now)

    async def _recipient_prefs(self, rem: Reminder) -> UserPrefs | None:
        if rem.target_kind == "user":
            return await self.repo.get_user(f"{rem.platform}:{rem.workspace}:{rem.target_ref}")
        if rem.target_kind == "me":
            return await self.repo.get_user(rem.owner)
        return None

    async def _deliver(self, rem: Reminder, occ: Occurrence, due: datetime, now: datetime) -> None:
        gateway = self.gateways.get(rem.platform)
        delivery = Delivery(
            reminder=rem,
            occurrence=occ,
            reply=texts.delivery(rem, occ, now),
            late=now - due > timedelta(minutes=1),
        )
        try:
            if gateway is None:
                raise DeliveryError("platform_not_connected", temporary=True)
            ref = await gateway.deliver(delivery)
        except DeliveryError as error:
            await self._failed(rem, occ, due, now, error)
            return
        await self.repo.finish_occurrence(occ.id, OccurrenceState.SENT, now, message_ref=ref)
        await self._advance(rem, due, now)
        log.info("delivered reminder %s occurrence %s", rem.id, occ.id)

    async def _failed(
        self, rem: Reminder, occ: Occurrence, due: datetime, now: datetime, error: DeliveryError
    ) -> None:
        if error.temporary and occ.attempts < MAX_ATTEMPTS:
            retry = now + retry_delay(occ.attempts, error.retry_after)
            await self.repo.finish_occurrence(
                occ.id, OccurrenceState.DEFERRED, now, error=error.reason
            )
            await self.repo.save(replace(rem, next_due=retry), now)
            log.warning("reminder %s: %s, retry at %s", rem.id, error.reason, retry.isoformat())
            return
        await self.repo.finish_occurrence(occ.id, OccurrenceState.FAILED, now, error=error.reason)
        await self._advance(rem, due, now)
        await self.repo.audit(
            "dispatcher", "delivery_failed", now, rem.id, {"reason": error.reason}
        )
        await self._tell_owner(rem, error.reason)

    async def _tell_owner(self, rem: Reminder, reason: str) -> None:
        gateway = self.gateways.get(rem.platform)
        text = f"I could not deliver reminder #{rem.id} ({reason}): {rem.message}"
        if gateway is None:
            return
        try:
            await gateway.notify(rem.owner, Reply(text=text, reminder_id=rem.id))
        except DeliveryError as error:
            log.warning("could not tell the owner of reminder %s: %s", rem.id, error.reason)

    async def _advance(self, rem: Reminder, due: datetime, now: datetime) -> None:
        """Move a reminder past the occurrence just handled (or complete it)."""
        nxt = None
        if rem.rrule is not None and rem.dtstart is not None:
            rec = Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz)
            found = occurrences_after(rec, max(due, now), 1)
            nxt = found[0] if found else None
        if nxt is None:
            rem = replace(rem, state=ReminderState.COMPLETED, next_due=None, occurrence_due=None)
        else:
            rem = replace(rem, next_due=nxt, occurrence_due=nxt)
        await self.repo.save(rem, now)
