"""What another system (or an assistant) does with a stored reminder: read it, list,
change its message, time, rule or event, pause and resume, snooze, complete, dismiss,
and read its history. Only the owner's reminders exist for it (others are not found)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.core import schedule
from bot.core.errors import InvalidRequest, NotFound
from bot.core.followups import Delivered, Followups
from bot.core.model import (
    Actor,
    AuditLine,
    Occurrence,
    OccurrenceState,
    Reminder,
    ReminderQuery,
    ReminderState,
    UserRef,
)
from bot.core.ports import ApiRepository, Clock
from bot.core.specs import Specs
from bot.core.webhooks import checked_webhook_url

_LIVE = (ReminderState.SCHEDULED, ReminderState.PAUSED, ReminderState.DRAFT)


@dataclass(frozen=True, slots=True, kw_only=True)
class Patch:
    """What to change; ``None`` leaves a field as it is."""

    message: str | None = None
    at: datetime | None = None
    rrule: str | None = None
    dtstart: datetime | None = None
    tz: str | None = None
    event_at: datetime | None = None
    paused: bool | None = None
    webhook_url: str | None = None  # "" removes the reminder's own webhook URL
    urgent: bool | None = None  # passes quiet hours (and the rate limit)


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    reminder: Reminder
    occurrences: list[Occurrence]
    lines: list[AuditLine]


class Changes:
    def __init__(
        self,
        repo: ApiRepository,
        clock: Clock,
        specs: Specs,
        followups: Followups,
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.specs = specs
        self.followups = followups
        self.wake = wake or (lambda _when: None)

    async def get(self, owner: UserRef, reminder_id: int, *, deleted: bool = False) -> Reminder:
        """The owner's reminder; another's, or none, is ``NotFound`` (never "not yours")."""
        rem = await self.repo.get(reminder_id)
        if rem is None or rem.owner != owner.key or (rem.deleted_at and not deleted):
            raise NotFound("reminder", reminder_id)
        return rem

    async def find(self, query: ReminderQuery) -> list[Reminder]:
        return await self.repo.find(query)

    async def change(
        self, owner: UserRef, reminder_id: int, patch: Patch
    ) -> tuple[Reminder, list[datetime]]:
        """The changed reminder, and the times a moved event left in the past (skipped,
        never sent late)."""
        now = self.clock.now()
        rem = await self.get(owner, reminder_id)
        if rem.state not in _LIVE:
            raise InvalidRequest("not_active", rem.id, state=rem.state)
        if patch.paused is not None and rem.state is ReminderState.DRAFT:
            # Only Confirm schedules a draft (and makes its copies for the other targets).
            raise InvalidRequest("draft_pause", rem.id)
        rem = self._retimed(rem, patch, now)
        if patch.message is not None:
            rem = replace(rem, message=patch.message)
        if patch.webhook_url is not None:
            rem = replace(rem, webhook_url=checked_webhook_url(patch.webhook_url or None))
        if patch.urgent is not None:
            rem = replace(rem, urgent=patch.urgent)
        if patch.paused is not None:
            rem = await self._pause(owner, rem, patch.paused, now)
        rem = await self.repo.save(rem, now)
        detail = _fields(patch)
        gone: list[datetime] = []
        if patch.event_at is not None and rem.event_at is not None:
            gone = [t for t in schedule.offset_times(rem.event_at, rem.offsets) if t <= now]
            detail["skipped"] = [t.isoformat() for t in gone]
        await self.repo.audit(owner.key, "change", now, rem.id, detail)
        if rem.next_due is not None and rem.state is ReminderState.SCHEDULED:
            self.wake(rem.next_due)
        return rem, gone

    def _retimed(self, rem: Reminder, patch: Patch, now: datetime) -> Reminder:
        if patch.at is not None:
            if rem.rrule is not None or rem.offsets:
                raise InvalidRequest("at_on_series", rem.id)
            if patch.at <= now:
                raise InvalidRequest("past", when=patch.at)
            return replace(rem, next_due=patch.at, occurrence_due=patch.at)
        if patch.rrule is not None or patch.tz is not None or patch.dtstart is not None:
            return self._rule_changed(rem, patch, now)
        if patch.event_at is not None:
            if not rem.offsets:
                raise InvalidRequest("no_offsets", rem.id)
            moved = replace(rem, event_at=patch.event_at)
            due = schedule.next_after(moved, now)
            if due is None:
                raise InvalidRequest("offsets_past", when=patch.event_at)
            return replace(moved, next_due=due, occurrence_due=due)
        return rem

    def _rule_changed(self, rem: Reminder, patch: Patch, now: datetime) -> Reminder:
        if rem.rrule is None and patch.rrule is None:
            raise InvalidRequest("no_rule", rem.id)
        tz = patch.tz or rem.tz
        rec = self.specs.rule(patch.rrule or rem.rrule or "", patch.dtstart or now, tz)
        moved = replace(rem, rrule=rec.rrule, dtstart=rec.dtstart, tz=tz)
        due = schedule.next_after(moved, now)
        if due is None:
            raise InvalidRequest("rule_over")
        return replace(moved, next_due=due, occurrence_due=due)

    async def _pause(self, owner: UserRef, rem: Reminder, paused: bool, now: datetime) -> Reminder:
        if paused:
            return replace(rem, state=ReminderState.PAUSED)
        if rem.state is not ReminderState.PAUSED:
            return rem
        missed = _due_between(rem, now)
        if missed:
            skipped = [t.astimezone(UTC).isoformat() for t in missed]
            detail: dict[str, object] = {"skipped": skipped}
            await self.repo.audit(owner.key, "skipped_while_paused", now, rem.id, detail)
        due = schedule.next_after(rem, now) if missed else rem.next_due
        state = ReminderState.SCHEDULED if due is not None else ReminderState.COMPLETED
        return replace(rem, state=state, next_due=due, occurrence_due=due)

    async def snooze(
        self, owner: UserRef, reminder_id: int, when: str | datetime
    ) -> tuple[Reminder, datetime]:
        """Deliver it again later: the delivered occurrence nobody acknowledged, or, if
        none, the next one. ``when`` is a time, or a choice as the Snooze menu takes it
        (``1h``, ``until 4pm``); it is read before anything changes, so a refused one
        leaves the reminder as it was."""
        rem = await self.get(owner, reminder_id)
        actor = _actor(owner)
        now = self.clock.now()
        if isinstance(when, str):
            until = await self.followups.snooze_time(actor, when, now)
        elif when <= now:
            raise InvalidRequest("past", when=when)
        else:
            until = when
        occ = await self._pending_or_next(rem)
        done = Delivered(reminder=rem, occurrence=occ)
        later = await self.followups.snooze_until(actor, done, until)
        return await self.get(owner, reminder_id), later.until

    async def _pending_or_next(self, rem: Reminder) -> Occurrence:
        pending = [o for _, o in await self.repo.pending_for(rem.owner, rem.id)]
        if pending:
            return pending[-1]
        due = rem.occurrence_due or rem.next_due
        if rem.state is not ReminderState.SCHEDULED or due is None:
            raise InvalidRequest("nothing_to_snooze", rem.id)
        now = self.clock.now()
        occ = await self.repo.open_occurrence(rem.id, due, now)
        if schedule.repeats(rem):  # that occurrence goes to the snoozed copy instead
            nxt = schedule.next_after(rem, due)
            state = ReminderState.SCHEDULED if nxt else ReminderState.COMPLETED
            await self.repo.save(replace(rem, state=state, next_due=nxt, occurrence_due=nxt), now)
        await self.repo.finish_occurrence(occ.id, OccurrenceState.SKIPPED, now, error="snoozed")
        return occ

    async def complete(self, owner: UserRef, reminder_id: int) -> Reminder:
        """The work is done: pending occurrences are marked done, and it reminds no more."""
        now = self.clock.now()
        rem = await self.get(owner, reminder_id)
        pending = [occ.id for _, occ in await self.repo.pending_for(owner.key, rem.id)]
        for occ_id in pending:
            await self.repo.add_completion(occ_id, owner.key, now)
        # Nothing left to escalate: the reminder is done (a nag's series ends here too).
        await self.repo.cancel_escalations(owner.key, now, pending, parent_id=rem.id)
        done = [rem] if rem.state in _LIVE else []
        for copy in [*done, *await self.repo.snoozed_copies(rem.id)]:
            saved = await self.repo.save(
                replace(copy, state=ReminderState.COMPLETED, next_due=None), now
            )
            rem = saved if copy.id == rem.id else rem
        await self.repo.audit(owner.key, "complete", now, rem.id)
        return rem

    async def dismiss(self, owner: UserRef, reminder_id: int) -> Reminder:
        """Seen, not done: pending occurrences leave the pending list; a series goes on,
        a one-off not delivered yet is called off."""
        now = self.clock.now()
        rem = await self.get(owner, reminder_id)
        pending = [o.id for _, o in await self.repo.pending_for(owner.key, rem.id)]
        await self.repo.dismiss(pending, now)
        if not schedule.repeats(rem) and rem.state in _LIVE and not pending:
            rem = await self.repo.save(
                replace(rem, state=ReminderState.CANCELLED, next_due=None), now
            )
        await self.repo.audit(owner.key, "dismiss", now, rem.id, {"occurrences": pending})
        return rem

    async def history(self, owner: UserRef, reminder_id: int) -> History:
        rem = await self.get(owner, reminder_id, deleted=True)
        return History(
            reminder=rem,
            occurrences=await self.repo.occurrences(rem.id),
            lines=await self.repo.audit_for(rem.id),
        )

    async def pending(self, owner: UserRef) -> list[tuple[Reminder, Occurrence]]:
        return await self.repo.pending_for(owner.key)


def _due_between(rem: Reminder, now: datetime) -> list[datetime]:
    """The times a paused reminder passed over, from its next due time up to ``now``."""
    if rem.next_due is None or rem.next_due > now:
        return []
    missed = [rem.next_due]
    while (nxt := schedule.next_after(rem, missed[-1])) is not None and nxt <= now:
        missed.append(nxt)
        if len(missed) > 1000:
            break
    return missed


def _fields(patch: Patch) -> dict[str, object]:
    return {
        name: str(value)
        for name in Patch.__dataclass_fields__
        if (value := getattr(patch, name)) is not None
    }


def _actor(owner: UserRef) -> Actor:
    return Actor(platform=owner.platform, workspace=owner.workspace, user=owner.user)
