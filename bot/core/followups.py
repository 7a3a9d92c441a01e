"""What people do with a delivered reminder: complete, snooze, skip the next one, stop."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core import actions, schedule
from bot.core.cases import UseCases
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import (
    Actor,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Origin,
    Reminder,
    ReminderKind,
    ReminderState,
    TargetKind,
    as_new,
)
from bot.core.values import ButtonValue
from bot.parsing import Command, parse
from bot.parsing.dates import monday
from bot.parsing.lexer import UNIT_WORD
from bot.parsing.zones import at, zone

QUICK = {"15m": timedelta(minutes=15), "1h": timedelta(hours=1), "3h": timedelta(hours=3)}
# "20m", "2 hours": a length of time, read as "in 20m".
_LENGTH = re.compile(rf"[0-9]+\s*{UNIT_WORD}", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivered:
    """A delivered reminder and the occurrence a button of it names."""

    reminder: Reminder
    occurrence: Occurrence


@dataclass(frozen=True, slots=True, kw_only=True)
class Snoozed:
    reminder: Reminder  # what was delivered
    until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    reminder: Reminder
    skipped: datetime
    following: datetime


class Followups(UseCases):
    """The actions on a delivered reminder; each checks who may do it first."""

    async def delivered(self, actor: Actor, pressed: ButtonValue, action: str) -> Delivered:
        """The reminder and occurrence a delivery's button names, if ``actor`` may act.

        Raises:
            NotFound: no such reminder or occurrence (or they do not belong together).
            NotAllowed: ``actor`` is neither owner nor recipient (nor, for completing
                or snoozing a channel reminder, a member of the channel).
        """
        rem = await self.repo.get(pressed.reminder)
        occ = await self.repo.get_occurrence(pressed.occurrence or 0)
        if rem is None or rem.deleted_at is not None or occ is None or occ.reminder_id != rem.id:
            raise NotFound("reminder", pressed.reminder)
        await self._may_act(actor, rem, action)
        return Delivered(reminder=rem, occurrence=occ)

    async def allowed(self, actor: Actor, done: Delivered, action: str) -> Delivered:
        """``done`` (found by number or as the last delivery), if ``actor`` may act on it.

        Raises:
            NotAllowed: as for ``delivered``.
        """
        await self._may_act(actor, done.reminder, action)
        return done

    async def _may_act(self, actor: Actor, rem: Reminder, action: str) -> None:
        if actor.key == rem.owner:
            return
        if rem.target_kind is TargetKind.USER and actor.user == rem.target_ref:
            return
        if (
            rem.target_kind is TargetKind.CHANNEL
            and action in (actions.COMPLETE, actions.SNOOZE)
            and await self.directories.is_member(actor, rem.target_ref)
        ):
            return
        raise NotAllowed(actor.key, action, rem.id)

    async def complete(self, actor: Actor, done: Delivered) -> Delivered:
        """Mark the occurrence done by ``actor`` (idempotent); the occurrence comes back
        with everyone who has marked it."""
        now = self.clock.now()
        rem, occ = done.reminder, await self.repo.add_completion(done.occurrence.id, actor.key, now)
        if not schedule.repeats(rem) and rem.state is ReminderState.SCHEDULED and rem.next_due:
            # A snoozed one-off that is completed early: nothing more to deliver.
            rem = await self.repo.save(
                replace(rem, state=ReminderState.COMPLETED, next_due=None), now
            )
        if rem.until_done and rem.state in (ReminderState.SCHEDULED, ReminderState.PAUSED):
            # A nag: done once is done; the series ends here.
            rem = await self.repo.save(
                replace(rem, state=ReminderState.COMPLETED, next_due=None), now
            )
        series = rem.id if rem.until_done else None
        await self.repo.cancel_escalations(actor.key, now, [occ.id], parent_id=series)
        copy = await self.repo.snoozed_copy(occ.id) if schedule.repeats(rem) else None
        if copy is not None and copy.state is ReminderState.SCHEDULED:
            # Done before its snooze ran out: the copy has nothing left to remind of.
            await self.repo.save(replace(copy, state=ReminderState.COMPLETED, next_due=None), now)
        await self.repo.audit(actor.key, "complete", now, rem.id, {"occurrence": occ.id})
        return Delivered(reminder=rem, occurrence=occ)

    async def snooze(self, actor: Actor, done: Delivered, choice: str) -> Snoozed:
        """Deliver the occurrence again later: a quick choice (``1h``) or a phrase.

        A one-off moves; a series occurrence gets one snoozed copy, which a later snooze
        of the same occurrence (or the same click again) moves.

        Raises:
            InvalidRequest: ``snooze_time`` for a phrase that is no single later time.
        """
        now = self.clock.now()
        return await self.snooze_until(actor, done, await self.snooze_time(actor, choice, now))

    async def snooze_until(self, actor: Actor, done: Delivered, until: datetime) -> Snoozed:
        """Deliver the occurrence again at ``until`` (read by ``snooze_time``, or given)."""
        now = self.clock.now()
        rem, occ = done.reminder, done.occurrence
        if rem.kind is ReminderKind.DIGEST:
            raise InvalidRequest("digest_snooze")  # a copy would be a second digest
        if until <= now:
            raise InvalidRequest("past", when=until)
        if schedule.repeats(rem):
            await self.repo.snooze_occurrence(_snoozed_copy(rem, occ, until, actor), now)
        else:
            state = ReminderState.SCHEDULED
            await self.repo.save(
                replace(rem, state=state, next_due=until, occurrence_due=until), now
            )
        if occ.state is OccurrenceState.SENT:
            await self.repo.dismiss([occ.id], now)  # seen: the snooze brings it back
        await self.repo.audit(actor.key, "snooze", now, rem.id, {"until": until.isoformat()})
        self.wake(until)
        return Snoozed(reminder=rem, until=until)

    async def snooze_time(self, actor: Actor, choice: str, now: datetime) -> datetime:
        """When a snooze ``choice`` ends: a quick one (``1h``, ``tomorrow``) or a phrase.

        Raises:
            InvalidRequest: ``snooze_time`` for a phrase that is no single later time.
        """
        if choice in QUICK:
            return now + QUICK[choice]
        prefs = await self.people.prefs(actor)
        tz = zone(prefs.tz)
        today = now.astimezone(tz).date()
        if choice == "tomorrow":
            return at(today + timedelta(days=1), prefs.default_time, tz)
        if choice == "nextweek":
            return at(monday(today) + timedelta(days=7), prefs.default_time, tz)
        phrase = choice.strip()
        if phrase.lower().startswith("until "):
            phrase = "at " + phrase[6:]
        elif _LENGTH.fullmatch(phrase):
            phrase = "in " + phrase
        result = parse(f"remind me {phrase}", now, prefs.tz, self.people.parse_prefs(prefs))
        if not isinstance(result, Command) or result.recurrence or result.when is None:
            raise InvalidRequest("snooze_time")
        return result.when

    async def skip(self, actor: Actor, done: Delivered) -> Skipped | Reminder:
        """Pass over the next occurrence of a series; the last one stops it (the stopped
        reminder comes back then).

        Raises:
            InvalidRequest: ``not_recurring``.
        """
        now = self.clock.now()
        rem = done.reminder
        if not schedule.repeats(rem) or rem.next_due is None:
            raise InvalidRequest("not_recurring", rem.id)
        following = schedule.following(rem, rem.next_due)
        if not following:
            return await self.stop(actor, done)
        nxt = following[0]
        await self.repo.save(replace(rem, next_due=nxt, occurrence_due=nxt), now)
        await self.repo.audit(actor.key, "skip", now, rem.id)
        return Skipped(reminder=rem, skipped=rem.next_due, following=nxt)

    async def stop(self, actor: Actor, done: Delivered) -> Reminder:
        now = self.clock.now()
        rem = done.reminder
        rem = await self.repo.save(replace(rem, state=ReminderState.CANCELLED, next_due=None), now)
        await self.repo.cancel_escalations(actor.key, now, (), parent_id=rem.id)
        await self.repo.audit(actor.key, "stop", now, rem.id)
        return rem


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
