"""Making reminders: read a phrase into a draft, confirm, edit or cancel it; the owner's
list and deletions. Values out, typed errors (``bot.core.errors``) for what cannot be."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import schedule
from bot.core.cases import UseCases
from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.model import (
    Actor,
    Conversation,
    Destination,
    Escalation,
    NewReminder,
    Origin,
    Reminder,
    ReminderState,
    TargetKind,
    UserRef,
)
from bot.parsing import Command, Target, parse
from bot.parsing.model import ME
from bot.parsing.refs import readable

log = logging.getLogger(__name__)

DRAFT_TTL = timedelta(hours=24)
UPCOMING = (ReminderState.SCHEDULED, ReminderState.PAUSED)


class Drafts(UseCases):
    """The life of a reminder up to its schedule, and its owner's view of it.

    Args:
        repo: storage.
        clock: the time source.
        people: preferences (the zone a phrase is read in).
        directories: who may post where.
        wake: called with a due time whenever a reminder is scheduled, so the
            scheduler can re-arm earlier than planned.
    """

    async def read(self, actor: Actor, text: str) -> Command:
        """The phrase read in ``actor``'s zone and preferences; nothing is stored.

        Raises:
            PhraseRefused: the parser's refusal.
        """
        prefs = await self.people.prefs(actor)
        read_with = self.people.parse_prefs(prefs)
        result = parse(text, self.clock.now(), prefs.tz, read_with)
        if not isinstance(result, Command):
            raise PhraseRefused(result, prefs.tz, read_with)
        return replace(result, message=readable(result.message))

    async def draft(
        self,
        actor: Actor,
        where: Conversation,
        text: str,
        origin: Origin = Origin.CHAT,
        note: str = "",
    ) -> Reminder:
        """Read a phrase and store it as a draft awaiting Confirm.

        ``note`` is added to the message (a quoted message and its link, from a
        shortcut). Nothing is stored when the phrase is refused or a target may not be
        used.

        Raises:
            PhraseRefused: the phrase could not be read.
            InvalidRequest: ``unreachable`` or ``platform_unavailable`` for a target.
        """
        now = self.clock.now()
        cmd = await self.read(actor, text)
        if note:
            cmd = replace(cmd, message=f"{cmd.message} {note}".strip())
        new = await self.directories.checked(actor, _new(actor, where, text, cmd, origin, now))
        rem = await self.repo.add(new, now, audit=(actor.key, "draft"))
        return rem

    async def confirm(self, actor: Actor, reminder_id: int) -> list[Reminder]:
        """Schedule a draft, and its copies for the other people or channels it names.

        Returns:
            The reminder, then its copies.

        Raises:
            InvalidRequest: ``already`` (confirmed or cancelled, also by a concurrent
                Confirm), ``expired``, ``time_passed``, or a target now out of reach.
        """
        now = self.clock.now()
        rem = await self._draft_of(actor, reminder_id, "confirm")
        if rem.draft_expires_at is not None and rem.draft_expires_at <= now:
            raise InvalidRequest("expired", rem.id)
        due = rem.next_due
        if due is not None and due <= now:
            due = schedule.next_after(rem, now)
            if due is None:
                raise InvalidRequest("time_passed", rem.id)
        # Asked again: membership may have changed since the draft was read.
        rem = await self.directories.checked(actor, rem)
        scheduled = replace(rem, state=ReminderState.SCHEDULED, next_due=due, occurrence_due=due)
        made = await self.repo.confirm_draft(scheduled, now)
        if made is None:  # another Confirm (a double click, a second device) won
            raise InvalidRequest("already", rem.id, state=ReminderState.SCHEDULED, reminder=rem)
        copies = {"copies": [r.id for r in made[1:]]} if len(made) > 1 else None
        await self.repo.audit(actor.key, "confirm", now, rem.id, copies)
        if due is not None:
            self.wake(due)
        return made

    async def edit(self, actor: Actor, reminder_id: int, text: str) -> Reminder:
        """Read a draft, or a stored reminder, again from new text.

        A draft is read again and stays a draft (Confirm schedules it). A scheduled
        reminder is changed in place, at once. Text that gives only a time ("Friday
        10am") keeps the message and the targets. A refused phrase changes nothing.

        Raises:
            PhraseRefused: the text could not be read.
            InvalidRequest: ``already`` (completed or stopped), ``series_needs_rule``
                (a one-off time for a series), ``one_target`` (several targets for a
                stored reminder), or a target out of reach.
        """
        now = self.clock.now()
        rem = await self.editable(actor, reminder_id)
        cmd = await self.read(actor, text)
        if rem.state is not ReminderState.DRAFT:
            _check_change(rem, cmd)
        where = Conversation(id=rem.conversation)
        new = _kept(rem, cmd, _new(actor, where, text, cmd, rem.origin, now))
        new = await self.directories.checked(actor, new)
        changed = _merge(rem, new)
        if rem.state is not ReminderState.DRAFT:
            changed = replace(changed, state=rem.state, draft_expires_at=None)
        rem = await self.repo.save(changed, now)
        await self.repo.audit(actor.key, "edit", now, rem.id)
        if rem.state is ReminderState.SCHEDULED and rem.next_due is not None:
            self.wake(rem.next_due)
        return rem

    async def editable(self, actor: Actor, reminder_id: int) -> Reminder:
        """The draft or upcoming reminder ``actor`` may edit (to ask for the new phrase).

        Raises:
            InvalidRequest: ``already`` for one completed or stopped.
        """
        rem = await self.owned(actor, reminder_id, "edit")
        if rem.state not in (ReminderState.DRAFT, *UPCOMING):
            raise InvalidRequest("already", rem.id, state=rem.state, reminder=rem)
        return rem

    async def cancel(self, actor: Actor, reminder_id: int) -> Reminder:
        """Drop a draft (a reminder already scheduled stays as it is)."""
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "cancel")
        if rem.state is ReminderState.DRAFT:
            # A draft given up gives its number back: drafts do not eat numbers.
            given_up = replace(rem, state=ReminderState.CANCELLED, next_due=None, number=None)
            rem = await self.repo.save(given_up, now)
            await self.repo.audit(actor.key, "cancel", now, rem.id)
        return rem

    async def delete(self, actor: Actor, reminder_id: int) -> Reminder:
        """Mark it deleted; state and time stay as they were, so ``Stored.undelete`` can
        bring it back for a minute (nothing delivers or lists a deleted reminder)."""
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "delete")
        rem = await self.repo.save(replace(rem, deleted_at=now), now)
        await self.repo.audit(actor.key, "delete", now, rem.id)
        return rem

    async def upcoming(self, owner: UserRef | None, limit: int = 100) -> list[Reminder]:
        """Scheduled and paused reminders of ``owner`` (of everyone for ``None``)."""
        return await self.repo.list_for(owner.key if owner else None, UPCOMING, limit)

    async def owned(self, actor: UserRef, reminder_id: int, action: str) -> Reminder:
        """The reminder, if ``actor`` owns it.

        Raises:
            NotFound: there is no such reminder (or it was deleted).
            NotAllowed: someone else's.
        """
        rem = await self.repo.get(reminder_id)
        if rem is None or rem.deleted_at is not None:
            raise NotFound("reminder", reminder_id)
        if rem.owner != actor.key:
            raise NotAllowed(actor.key, action, reminder_id)
        return rem

    async def _draft_of(self, actor: Actor, reminder_id: int, action: str) -> Reminder:
        rem = await self.owned(actor, reminder_id, action)
        if rem.state is not ReminderState.DRAFT:
            raise InvalidRequest("already", rem.id, state=rem.state, reminder=rem)
        return rem


def _new(
    actor: Actor, where: Conversation, text: str, cmd: Command, origin: Origin, now: datetime
) -> NewReminder:
    first, *others = dict.fromkeys(destination(t, where) for t in cmd.targets)
    rec = cmd.recurrence
    return NewReminder(
        owner=actor.key,
        platform=actor.platform,
        workspace=actor.workspace,
        conversation=where.id,
        target_kind=first.kind,
        target_ref=first.ref,
        target_name=first.name,
        co_targets=tuple(others),
        message=cmd.message,
        phrase=text,
        tz=cmd.tz,
        state=ReminderState.DRAFT,
        origin=origin,
        next_due=cmd.when,
        entity_type=cmd.entity.type if cmd.entity else None,
        entity_id=cmd.entity.id if cmd.entity else None,
        rrule=rec.rrule if rec else None,
        dtstart=rec.dtstart if rec else None,
        draft_expires_at=now + DRAFT_TTL,
        created_by=actor.key,
        event_at=cmd.event_at,
        offsets=cmd.offsets,
        stop_statuses=cmd.stop_statuses,
        trigger_status=cmd.trigger_status,
        language=cmd.language,
        escalate=tuple(
            Escalation(after_minutes=e.after_minutes, target=destination(e.target, where))
            for e in cmd.escalate
        ),
        until_done=cmd.until_done,
        channels=cmd.channels,
        urgent=cmd.urgent,
    )


def _kept(rem: Reminder, cmd: Command, new: NewReminder) -> NewReminder:
    """An edit that gives only a time ("Friday 10am") keeps the message, its reference
    and the targets; one that says more is read whole."""
    if cmd.message or cmd.targets != (ME,):
        return new
    return replace(
        new,
        message=rem.message,
        entity_type=rem.entity_type,
        entity_id=rem.entity_id,
        target_kind=rem.target_kind,
        target_ref=rem.target_ref,
        target_name=rem.target_name,
        co_targets=rem.co_targets,
        language=rem.language,
        escalate=rem.escalate,
        until_done=rem.until_done,
    )


def _check_change(rem: Reminder, cmd: Command) -> None:
    """What a stored reminder cannot become in place: a series a one-off, or one
    reminder several."""
    if rem.recurring and cmd.recurrence is None:
        raise InvalidRequest("series_needs_rule", rem.id, reminder=rem)
    if len(cmd.targets) > 1:
        raise InvalidRequest("one_target", rem.id, reminder=rem)


def destination(target: Target, where: Conversation) -> Destination:
    """Where a parsed target goes; ``here`` is the conversation it was written in."""
    if target.kind == "here":
        if where.kind == "dm":
            return Destination(kind=TargetKind.ME)
        return Destination(kind=TargetKind.CHANNEL, ref=where.id, name=where.name or where.id)
    return Destination(kind=TargetKind(target.kind), ref=target.ref, name=target.name)


# What a phrase says, and so what reading it again replaces.
_READ = (
    "target_kind",
    "target_ref",
    "target_name",
    "co_targets",
    "message",
    "phrase",
    "tz",
    "next_due",
    "entity_type",
    "entity_id",
    "rrule",
    "dtstart",
    "event_at",
    "offsets",
    "trigger_status",  # a "when" like the time: the new phrase's replaces it
    "language",
    "draft_expires_at",
    "escalate",
    "until_done",
)


def _merge(rem: Reminder, new: NewReminder) -> Reminder:
    """``rem`` read again as ``new``. What came from elsewhere stays: its channels and
    event type (set over the API), the occurrence a snoozed copy stands in for, and the
    statuses it stops on unless the new phrase names some, its channels unless it names
    some, and urgency unless it says urgent."""
    changes: dict[str, object] = {name: getattr(new, name) for name in _READ}
    if new.stop_statuses:
        changes["stop_statuses"] = new.stop_statuses
    if new.channels:  # "email me …" again: the channels it names
        changes["channels"] = new.channels
    if new.urgent:
        changes["urgent"] = True
    return replace(rem, **changes, occurrence_due=new.next_due)  # type: ignore[arg-type]
