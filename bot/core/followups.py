"""What people do with a delivered reminder: complete, snooze, skip the next one, stop."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core import actions, texts, values
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import (
    Actor,
    Conversation,
    NewReminder,
    Occurrence,
    Origin,
    Prompt,
    Reminder,
    ReminderState,
    Reply,
    as_new,
)
from bot.parsing import Command, Recurrence, occurrences_after, parse
from bot.parsing.dates import monday
from bot.parsing.zones import at, zone

if TYPE_CHECKING:
    from bot.core.service import ReminderService

_QUICK = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1), "3h": timedelta(hours=3)}


class Followups:
    def __init__(self, service: ReminderService) -> None:
        self.service = service
        self.repo = service.repo

    async def press(
        self, actor: Actor, where: Conversation, action_id: str, value: str, text: str
    ) -> Reply:
        rem, occ, choice = await self._load(value)
        await self._may_act(actor, rem, action_id)
        if action_id == actions.COMPLETE:
            return await self.complete(actor, rem, occ)
        if action_id == actions.SNOOZE:
            return await self.snooze(actor, rem, occ, text or choice)
        if action_id == actions.SKIP:
            return await self.skip(actor, rem)
        if action_id == actions.STOP:
            return await self.stop(actor, rem)
        raise InvalidRequest(values.STALE)

    async def _load(self, value: str) -> tuple[Reminder, Occurrence, str]:
        pressed = values.decode(value, occurrence=True)
        assert pressed.occurrence is not None
        rem = await self.repo.get(pressed.reminder)
        occ = await self.repo.get_occurrence(pressed.occurrence)
        if rem is None or rem.deleted_at is not None or occ is None or occ.reminder_id != rem.id:
            raise NotFound("reminder", pressed.reminder)
        return rem, occ, pressed.choice

    async def _may_act(self, actor: Actor, rem: Reminder, action_id: str) -> None:
        """Owner or recipient; for a channel reminder, any member may complete or snooze."""
        if actor.key == rem.owner:
            return
        if rem.target_kind == "user" and actor.user == rem.target_ref:
            return
        if rem.target_kind in ("channel", "here") and action_id in (
            actions.COMPLETE,
            actions.SNOOZE,
        ):
            gateway = self.service.gateways.get(rem.platform)
            if gateway is not None and await gateway.is_member(actor.user, rem.target_ref):
                return
        raise NotAllowed(actor.key, action_id, rem.id)

    async def complete(self, actor: Actor, rem: Reminder, occ: Occurrence) -> Reply:
        now = self.service.clock.now()
        occ = await self.repo.add_completion(occ.id, actor.key, now)
        if not rem.recurring and rem.state == ReminderState.SCHEDULED and rem.next_due:
            # A snoozed one-off that is completed early: nothing more to deliver.
            await self.repo.save(replace(rem, state=ReminderState.COMPLETED, next_due=None), now)
        copy = await self.repo.snoozed_copy(occ.id) if rem.recurring else None
        if copy is not None and copy.state == ReminderState.SCHEDULED:
            # Done before its snooze ran out: the copy has nothing left to remind of.
            await self.repo.save(replace(copy, state=ReminderState.COMPLETED, next_due=None), now)
        await self.repo.audit(actor.key, "complete", now, rem.id, {"occurrence": occ.id})
        if rem.target_kind == "channel":
            # Every member may mark it done: keep the buttons and show who has.
            who = tuple(key.rsplit(":", 1)[-1] for key in occ.completed_by)
            return replace(texts.delivery(rem, occ, now), replace=True, done_by=who)
        return Reply(
            text=f"Reminder: {rem.message} \u2014 Completed", replace=True, reminder_id=rem.id
        )

    async def snooze(self, actor: Actor, rem: Reminder, occ: Occurrence, choice: str) -> Reply:
        now = self.service.clock.now()
        if choice == "custom":
            # The answer comes back through press(), which needs the occurrence too.
            value = values.encode(rem.id, occ.id)
            prompt = Prompt(action_id=actions.SNOOZE, value=value, label="Snooze until")
            return Reply(
                text="Until when? (e.g. 4pm, in 20 minutes)", prompt=prompt, ephemeral=True
            )
        until = await self._snooze_time(actor, rem, choice, now)
        if rem.recurring:
            # The occurrence is snoozed, not the series: one copy stands in for it, and
            # a later snooze (or the same click again) moves that copy.
            await self.repo.snooze_occurrence(_snoozed_copy(rem, occ, until, actor), now)
        else:
            state = ReminderState.SCHEDULED
            await self.repo.save(
                replace(rem, state=state, next_due=until, occurrence_due=until), now
            )
        await self.repo.audit(actor.key, "snooze", now, rem.id, {"until": until.isoformat()})
        self.service.wake(until)
        local = until.astimezone(zone(rem.tz))
        day = "" if local.date() == now.astimezone(local.tzinfo).date() else f"{local:%a %d %b} "
        text = f"Reminder: {rem.message} \u2014 Snoozed until {day}{local:%H:%M}"
        return Reply(text=text, replace=True, reminder_id=rem.id)

    async def _snooze_time(
        self, actor: Actor, rem: Reminder, choice: str, now: datetime
    ) -> datetime:
        if choice in _QUICK:
            return now + _QUICK[choice]
        prefs = await self.service.prefs(actor)
        tz = zone(prefs.tz)
        today = now.astimezone(tz).date()
        if choice == "tomorrow":
            return at(today + timedelta(days=1), prefs.default_time, tz)
        if choice == "nextweek":
            return at(monday(today) + timedelta(days=7), prefs.default_time, tz)
        phrase = choice.strip()
        if phrase.lower().startswith("until "):
            phrase = "at " + phrase[6:]
        result = parse(f"remind me {phrase}", now, prefs.tz, self.service.parse_prefs(prefs))
        if not isinstance(result, Command) or result.recurrence is not None:
            raise InvalidRequest("I could not read that snooze time. Try '4pm' or 'in 20 minutes'.")
        return result.when

    async def skip(self, actor: Actor, rem: Reminder) -> Reply:
        now = self.service.clock.now()
        rec = _recurrence(rem)
        if rec is None or rem.next_due is None:
            raise InvalidRequest("Only a repeating reminder has a next time to skip.")
        following = occurrences_after(rec, rem.next_due, 1)
        if not following:
            return await self.stop(actor, rem)
        nxt = following[0]
        await self.repo.save(replace(rem, next_due=nxt, occurrence_due=nxt), now)
        await self.repo.audit(actor.key, "skip", now, rem.id)
        skipped = rem.next_due.astimezone(zone(rem.tz))
        upcoming = nxt.astimezone(zone(rem.tz))
        text = f"Skipped {skipped:%a %d %b %H:%M}; next on {upcoming:%a %d %b %H:%M}"
        return Reply(
            text=f"Reminder: {rem.message} \u2014 {text}", replace=True, reminder_id=rem.id
        )

    async def stop(self, actor: Actor, rem: Reminder) -> Reply:
        now = self.service.clock.now()
        await self.repo.save(replace(rem, state=ReminderState.CANCELLED, next_due=None), now)
        await self.repo.audit(actor.key, "stop", now, rem.id)
        text = f"Reminder: {rem.message} \u2014 Stopped, no more reminders"
        return Reply(text=text, replace=True, reminder_id=rem.id)


def _recurrence(rem: Reminder) -> Recurrence | None:
    if rem.rrule is None or rem.dtstart is None:
        return None
    return Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz)


def _snoozed_copy(rem: Reminder, occ: Occurrence, until: datetime, actor: Actor) -> NewReminder:
    return replace(
        as_new(rem),
        state=ReminderState.SCHEDULED,
        origin=Origin.SNOOZE,
        next_due=until,
        rrule=None,
        dtstart=None,
        draft_expires_at=None,
        parent_id=rem.id,
        created_by=rem.created_by or actor.key,
        snoozed_occurrence_id=occ.id,
    )
