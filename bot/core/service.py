"""The use cases people reach through chat: read a message, drafts, settings, list."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.core import actions, texts, values
from bot.core.commands import TextCommand, clock, read_command
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.followups import Followups
from bot.core.model import (
    Access,
    Actor,
    Conversation,
    Destination,
    NewReminder,
    Origin,
    Prompt,
    Reminder,
    ReminderState,
    Reply,
    TargetKind,
    UserPrefs,
)
from bot.core.ports import Clock, DeliveryError, Directory, ReminderRepository
from bot.parsing import Command, Prefs, Recurrence, Target, parse
from bot.parsing.describe import refusal_text
from bot.parsing.recurrence import occurrences_after
from bot.parsing.zones import is_zone

log = logging.getLogger(__name__)

DRAFT_TTL = timedelta(hours=24)
T = TypeVar("T", NewReminder, Reminder)
UPCOMING = (ReminderState.SCHEDULED, ReminderState.PAUSED)


class ReminderService:
    """Everything a person can do, platform-free.

    Args:
        repo: storage.
        clock: the time source (injected so tests move time).
        gateways: platform name -> gateway, for channel-membership checks; may be
            filled after construction (adapters need the service first).
        wake: called with a due time whenever a reminder is scheduled, so the
            scheduler can re-arm earlier than planned.
        default_tz: zone for users who have not set one and whose platform gave none.
        min_interval: shortest recurrence accepted.
    """

    def __init__(
        self,
        repo: ReminderRepository,
        clock: Clock,
        *,
        gateways: Mapping[str, Directory] | None = None,
        wake: Callable[[datetime], None] | None = None,
        default_tz: str = "UTC",
        min_interval: timedelta = timedelta(minutes=5),
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.gateways: Mapping[str, Directory] = gateways if gateways is not None else {}
        self.wake = wake or (lambda _when: None)
        self.default_tz = default_tz
        self.min_interval = min_interval
        self.followups = Followups(self)

    # -- people ------------------------------------------------------------------------

    async def prefs(self, actor: Actor) -> UserPrefs:
        found = await self.repo.get_user(actor.key)
        return found or UserPrefs(key=actor.key, tz=self.default_tz, display_name=actor.name)

    async def observe_timezone(self, actor: Actor, tz: str) -> UserPrefs:
        """Record the zone the platform reports, unless the user chose one themselves."""
        prefs = await self.prefs(actor)
        if prefs.tz_source == "user" or not is_zone(tz) or prefs.tz == tz:
            return prefs
        return await self.repo.save_user(replace(prefs, tz=tz, tz_source="platform"))

    def parse_prefs(self, prefs: UserPrefs) -> Prefs:
        return Prefs(
            default_time=prefs.default_time,
            date_order=prefs.date_order,
            language=prefs.language,
            min_interval=self.min_interval,
        )

    # -- messages ----------------------------------------------------------------------

    async def handle(
        self, actor: Actor, where: Conversation, text: str, origin: Origin = Origin.CHAT
    ) -> Reply:
        """Answer one message: a command, a settings change, or a reminder phrase."""
        command = read_command(text)
        try:
            if command is None:
                return await self._draft(actor, where, text, origin, "")
            return await self._command(actor, command)
        except (NotFound, NotAllowed, InvalidRequest) as problem:
            return _refused(problem)

    async def _command(self, actor: Actor, command: TextCommand) -> Reply:
        if command.name == "help":
            return texts.plain(texts.HELP)
        if command.name == "list":
            return await self.list_upcoming(actor)
        if command.name == "delete":
            return await self.delete(actor, int(command.args[0] or 0))
        return await self._settings(actor, command)

    async def _settings(self, actor: Actor, command: TextCommand) -> Reply:
        prefs = await self.prefs(actor)
        args = command.args
        if command.name == "tz":
            zone_name = _zone_name(args[0] or "")
            if zone_name is None:
                return texts.plain(
                    "I don't know that time zone. Use a name like Europe/Copenhagen."
                )
            prefs = replace(prefs, tz=zone_name, tz_source="user")
        elif command.name == "quiet_off":
            prefs = replace(prefs, quiet_start=None, quiet_end=None)
        elif command.name == "quiet":
            start, end = clock(*args[:3]), clock(*args[3:])
            if start is None or end is None or start == end:
                return texts.plain("Quiet hours need two different times, like 22:00-07:00.")
            prefs = replace(prefs, quiet_start=start, quiet_end=end)
        elif command.name == "default_time":
            when = clock(*args)
            if when is None:
                return texts.plain("A default time looks like 8:30 or 9am.")
            prefs = replace(prefs, default_time=when)
        elif command.name == "date_order":
            prefs = replace(prefs, date_order="DMY" if args[0] in ("day/month", "dmy") else "MDY")
        if command.name != "settings":
            prefs = await self.repo.save_user(prefs)
            await self.repo.audit(actor.key, f"settings.{command.name}", self.clock.now())
        return texts.settings(prefs)

    # -- drafts ------------------------------------------------------------------------

    async def draft(
        self,
        actor: Actor,
        where: Conversation,
        text: str,
        origin: Origin = Origin.CHAT,
        note: str = "",
    ) -> Reply:
        """Read a phrase and store it as a draft awaiting Confirm; nothing is stored if refused.

        ``note`` is appended to the message (a quoted message and its link, from a shortcut).
        """
        try:
            return await self._draft(actor, where, text, origin, note)
        except (NotFound, NotAllowed, InvalidRequest) as problem:
            return _refused(problem)

    async def _draft(
        self, actor: Actor, where: Conversation, text: str, origin: Origin, note: str
    ) -> Reply:
        now = self.clock.now()
        prefs = await self.prefs(actor)
        result = parse(text, now, prefs.tz, self.parse_prefs(prefs))
        if not isinstance(result, Command):
            return texts.plain(refusal_text(result, prefs.tz, self.parse_prefs(prefs)))
        if note:
            result = replace(result, message=f"{result.message} {note}".strip())
        new = self._new_reminder(actor, where, text, result, origin, now)
        new = await self._reachable(actor, new)
        rem = await self.repo.add(new, now)
        await self.repo.audit(actor.key, "draft", now, rem.id)
        return replace(texts.draft(rem, result, now), ephemeral=True)

    def _new_reminder(
        self,
        actor: Actor,
        where: Conversation,
        text: str,
        cmd: Command,
        origin: Origin,
        now: datetime,
    ) -> NewReminder:
        first, *others = dict.fromkeys(_destination(t, where) for t in cmd.targets)
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
        )

    async def _reachable(self, actor: Actor, new: T) -> T:
        """``new`` with its targets as the platform knows them, if ``actor`` may post to
        every one of them; else ``InvalidRequest`` saying which and why."""
        gateway = self.gateways.get(actor.platform)
        if gateway is None:  # the CLI, acting for an admin, with no platform connected
            return new
        found = []
        for target in (new_destination(new), *new.co_targets):
            try:
                reach = await gateway.reach(actor.user, actor.workspace, target)
            except DeliveryError as error:
                log.warning("could not check a target on %s: %s", actor.platform, error.reason)
                raise InvalidRequest(texts.PLATFORM_UNAVAILABLE) from None
            if reach.access is not Access.OK:
                raise InvalidRequest(texts.unreachable(reach))
            found.append(reach.destination)
        first, *others = found
        return replace(
            new,
            target_kind=first.kind,
            target_ref=first.ref,
            target_name=first.name,
            co_targets=tuple(others),
        )

    async def owned(self, actor: Actor, reminder_id: int, action: str) -> Reminder:
        rem = await self.repo.get(reminder_id)
        if rem is None or rem.deleted_at is not None:
            raise NotFound("reminder", reminder_id)
        if rem.owner != actor.key:
            raise NotAllowed(actor.key, action, reminder_id)
        return rem

    async def confirm(self, actor: Actor, reminder_id: int) -> Reply:
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "confirm")
        if rem.state != ReminderState.DRAFT:
            return texts.plain(f"Reminder #{rem.id} is already {rem.state.value}.", rem.id)
        if rem.draft_expires_at is not None and rem.draft_expires_at <= now:
            return texts.plain("That draft has expired. Send the phrase again.", rem.id)
        due = rem.next_due
        if due is not None and due <= now:
            due = self._next_after(rem, now)
            if due is None:
                return texts.plain("That time has passed while waiting. Press Edit to change it.")
        # Asked again: membership may have changed since the draft was read.
        rem = await self._reachable(actor, rem)
        scheduled = replace(rem, state=ReminderState.SCHEDULED, next_due=due, occurrence_due=due)
        made = await self.repo.confirm_draft(scheduled, now)
        if made is None:  # another Confirm (a double click, a second device) won
            return texts.plain(f"Reminder #{rem.id} is already scheduled.", rem.id)
        await self.repo.audit(actor.key, "confirm", now, rem.id, _copies(made))
        if due is not None:
            self.wake(due)
        return replace(texts.scheduled(made, now), replace=True)

    def _next_after(self, rem: Reminder, now: datetime) -> datetime | None:
        if rem.rrule is None or rem.dtstart is None:
            return None
        rec = Recurrence(rrule=rem.rrule, dtstart=rem.dtstart, tz=rem.tz)
        found = occurrences_after(rec, now, 1)
        return found[0] if found else None

    async def ask_edit(self, actor: Actor, reminder_id: int) -> Reply:
        rem = await self.owned(actor, reminder_id, "edit")
        if rem.state != ReminderState.DRAFT:
            return texts.plain(f"Reminder #{rem.id} is already {rem.state.value}.", rem.id)
        prompt = Prompt(
            action_id=actions.EDIT, value=str(rem.id), label="New phrase", initial=rem.phrase
        )
        return Reply(text=f"Send the new phrase for #{rem.id}.", prompt=prompt, ephemeral=True)

    async def edit(self, actor: Actor, reminder_id: int, text: str) -> Reply:
        """Re-read a draft from new text; a refused phrase leaves the draft as it was."""
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "edit")
        if rem.state != ReminderState.DRAFT:
            return texts.plain(f"Reminder #{rem.id} is already {rem.state.value}.", rem.id)
        prefs = await self.prefs(actor)
        result = parse(text, now, prefs.tz, self.parse_prefs(prefs))
        if not isinstance(result, Command):
            return texts.plain(refusal_text(result, prefs.tz, self.parse_prefs(prefs)), rem.id)
        where = Conversation(id=rem.conversation)
        new = self._new_reminder(actor, where, text, result, Origin(rem.origin), now)
        new = await self._reachable(actor, new)
        rem = await self.repo.save(_merge(rem, new), now)
        await self.repo.audit(actor.key, "edit", now, rem.id)
        return replace(texts.draft(rem, result, now), replace=True, ephemeral=True)

    async def cancel(self, actor: Actor, reminder_id: int) -> Reply:
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "cancel")
        if rem.state == ReminderState.DRAFT:
            await self.repo.save(replace(rem, state=ReminderState.CANCELLED, next_due=None), now)
            await self.repo.audit(actor.key, "cancel", now, rem.id)
        return Reply(text="Cancelled. Nothing was scheduled.", replace=True, ephemeral=True)

    # -- the owner's reminders -----------------------------------------------------------

    async def list_upcoming(self, actor: Actor) -> Reply:
        return texts.listing(await self.repo.list_for(actor.key, UPCOMING), self.clock.now())

    async def delete(self, actor: Actor, reminder_id: int) -> Reply:
        now = self.clock.now()
        rem = await self.owned(actor, reminder_id, "delete")
        rem = replace(rem, state=ReminderState.CANCELLED, next_due=None, deleted_at=now)
        await self.repo.save(rem, now)
        await self.repo.audit(actor.key, "delete", now, rem.id)
        return texts.plain(f"Deleted reminder #{rem.id}.", rem.id)

    # -- buttons ---------------------------------------------------------------------------

    async def press(
        self, actor: Actor, where: Conversation, action_id: str, value: str, text: str = ""
    ) -> Reply:
        """A button, menu choice or prompt answer. Refusals come back as polite replies."""
        try:
            return await self._press(actor, where, action_id, value, text)
        except NotFound:
            return texts.plain("That reminder no longer exists.")
        except NotAllowed:
            return texts.plain(
                "Only the person who set this reminder (or its recipient) can do that."
            )
        except InvalidRequest as problem:
            return texts.plain(str(problem))

    async def _press(
        self, actor: Actor, where: Conversation, action_id: str, value: str, text: str
    ) -> Reply:
        rid = values.decode(value).reminder
        if action_id == actions.CONFIRM:
            return await self.confirm(actor, rid)
        if action_id == actions.EDIT:
            return await (self.edit(actor, rid, text) if text else self.ask_edit(actor, rid))
        if action_id == actions.CANCEL:
            return await self.cancel(actor, rid)
        if action_id == actions.DELETE:
            return await self.delete(actor, rid)
        return await self.followups.press(actor, where, action_id, value, text)


def _refused(problem: Exception) -> Reply:
    if isinstance(problem, NotFound):
        return texts.plain("That reminder no longer exists.")
    if isinstance(problem, NotAllowed):
        return texts.plain("Only the person who set this reminder (or its recipient) can do that.")
    return texts.plain(str(problem))


def _zone_name(text: str) -> str | None:
    if is_zone(text):
        return text
    for candidate in (text.title(), text.upper(), "/".join(p.title() for p in text.split("/"))):
        if is_zone(candidate):
            return candidate
    return None


def _destination(target: Target, where: Conversation) -> Destination:
    if target.kind == "here":
        if where.kind == "dm":
            return Destination(kind=TargetKind.ME)
        return Destination(kind=TargetKind.CHANNEL, ref=where.id, name=where.name or where.id)
    return Destination(kind=TargetKind(target.kind), ref=target.ref, name=target.name)


def new_destination(new: NewReminder) -> Destination:
    return Destination(kind=new.target_kind, ref=new.target_ref, name=new.target_name)


def _copies(made: list[Reminder]) -> dict[str, Any] | None:
    return {"copies": [rem.id for rem in made[1:]]} if len(made) > 1 else None


def _merge(rem: Reminder, new: NewReminder) -> Reminder:
    changes = {
        name: getattr(new, name)
        for name in NewReminder.__dataclass_fields__
        if name not in ("owner", "created_by", "origin", "conversation", "platform", "workspace")
    }
    return replace(rem, **changes, occurrence_due=new.next_due)
