"""Answers about making and changing reminders: the confirmation, prompts, changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core import actions, schedule, values
from bot.core.model import (
    Button,
    Destination,
    Occurrence,
    Prompt,
    Reminder,
    Reply,
    StatusChange,
    TargetKind,
)
from bot.core.policy import Held, usable_zone
from bot.core.schedule import recurrence
from bot.core.texts.escalating import Escalating
from bot.core.texts.pieces import DASH, number
from bot.parsing import Command, Target

Fields = list[tuple[str, str]]


class Making(Escalating):
    def draft(self, rem: Reminder, now: datetime, held: Sequence[Held] = ()) -> Reply:
        """The confirmation: what was read, with Confirm / Edit / Cancel."""
        when = self.timing(rem, now)
        fields = [(self.say("field_when"), when)]
        rec = recurrence(rem)
        if rec is not None:
            rule = self.say("repeats", rule=self.w.rule(rec), dates=self.next_dates(rec, now))
            fields.append((self.say("field_repeats"), rule))
        fields += self._before_and_stops(rem, now)
        fields += self.escalation_fields(rem)
        to = self.targets(rem.destinations)
        fields += [(self.say("field_to"), to), (self.say("field_message"), self.message(rem))]
        fields += self._told(rem)
        fields += self._quiet(held, now)
        value = values.encode(rem.id)
        buttons = (
            Button(
                action_id=actions.CONFIRM, label=self.say("confirm"), value=value, style="primary"
            ),
            Button(action_id=actions.EDIT, label=self.say("edit"), value=value),
            Button(action_id=actions.CANCEL, label=self.say("cancel"), value=value, style="danger"),
        )
        text = self.say("remind", to=to, when=when)
        return Reply(text=text, fields=tuple(fields), buttons=buttons, reminder_id=rem.id)

    def timing(self, rem: Reminder, now: datetime) -> str:
        """When it comes: its next time, or, for a trigger, the change it waits for."""
        if rem.trigger_status is not None:
            what = self.record(rem.entity_type, rem.entity_id)
            if rem.trigger_status == "*":
                return self.say("on_change", what=what)
            return self.say("on_status", what=what, status=rem.trigger_status)
        assert rem.next_due is not None
        return self.when(rem.next_due, rem.tz, now)

    def _before_and_stops(self, rem: Reminder, now: datetime) -> Fields:
        fields: Fields = []
        if rem.event_at is not None and rem.offsets:
            coming = [t for t in schedule.offset_times(rem.event_at, rem.offsets) if t > now]
            local = rem.event_at.astimezone(usable_zone(rem.tz))
            before = self.say(
                "before",
                spans=self.w.spans(rem.offsets),
                moment=self.w.moment(local),
                dates=", ".join(self.day(t, rem.tz, False) for t in coming),
            )
            fields.append((self.say("field_before"), before))
        if rem.stop_statuses:
            what = self.record(rem.entity_type, rem.entity_id)
            statuses = self.w.join(list(rem.stop_statuses)).replace(" and ", " or ")
            fields.append(
                (self.say("field_stops"), self.say("on_status", what=what, status=statuses))
            )
        return fields

    def record(self, entity_type: str | None, entity_id: str | None) -> str:
        """``case 123``: the record a reminder is about."""
        return f"{entity_type} {entity_id}" if entity_type and entity_id else self.say("the_record")

    def stopped_by_status(self, rem: Reminder, change: StatusChange) -> Reply:
        """To the owner, once, when a status ends a reminder."""
        what = self.record(change.entity_type, change.entity_id)
        text = self.say("stopped_by_status", what=what, status=change.new, line=self.line(rem))
        return self.plain(text, rem.id)

    def confirmation(self, cmd: Command, now: datetime) -> str:
        """What a phrase was read as, as a confirmation says it (nothing is stored)."""
        dests = [self.target(_destination(t)) for t in cmd.targets]
        rem_like = _ReadOnly(cmd)
        when = self.timing(rem_like, now)  # type: ignore[arg-type]
        text = self.say("remind", to=self.w.join(dests), when=when).rstrip("?")
        if cmd.recurrence is not None:
            text += f", {self.w.rule(cmd.recurrence)}"
        extra = self._before_and_stops(rem_like, now)  # type: ignore[arg-type]
        text += "".join(f"; {name}: {value}" for name, value in extra)
        return f"{text} {DASH} {cmd.message or self.say('no_message')}"

    def _told(self, rem: Reminder) -> Fields:
        """The channels a reminder names for itself (else its recipient's apply), and
        whether it is urgent."""
        told: Fields = []
        if rem.channels:
            told.append((self.say("field_channels"), self.channel_words(rem.channels)))
        if rem.urgent:
            told.append((self.say("field_urgent"), self.say("urgent_yes")))
        return told

    def _quiet(self, held: Sequence[Held], now: datetime) -> Fields:
        """A line for each recipient whose quiet hours hold the reminder back."""
        lines = []
        for hold in held:
            hours = f"{hold.start:%H:%M}-{hold.end:%H:%M}"
            moment = self.when(hold.until, hold.tz, now)
            if hold.destination.kind is TargetKind.ME:
                lines.append(self.say("quiet_yours", hours=hours, moment=moment))
            else:
                who = self.target(hold.destination)
                lines.append(self.say("quiet_theirs", who=who, hours=hours, moment=moment))
        return [(self.say("field_quiet"), " ".join(lines))] if lines else []

    def scheduled(self, made: list[Reminder], now: datetime, held: Sequence[Held] = ()) -> Reply:
        """The answer to Confirm: the reminder, and the copies made for its other targets."""
        rem = made[0]
        numbers = ", ".join(number(r) for r in made)
        text = self.say("scheduled", numbers=numbers, when=self.timing(rem, now))
        if len(made) > 1:
            text += self.say("scheduled_for", targets=self.targets(r.destination for r in made))
        rec = recurrence(rem)
        if rec is not None:
            text += f", {self.w.rule(rec)}"
        fields = tuple(self._quiet(held, now))
        return Reply(text=f"{text} {DASH} {self.message(rem)}", fields=fields, reminder_id=rem.id)

    def cancelled(self) -> Reply:
        return self.plain(self.say("cancelled"))

    def edit_prompt(self, rem: Reminder) -> Prompt:
        stored = "" if rem.state.value == "draft" else "_stored"
        return Prompt(
            action_id=actions.EDIT,
            value=values.encode(rem.id),
            title=self.say("edit_title"),
            label=self.say(f"edit_label{stored}"),
            initial=rem.phrase,
        )

    def snooze_prompt(self, rem: Reminder, occ: Occurrence) -> Prompt:
        return Prompt(
            action_id=actions.SNOOZE,
            value=values.encode(rem.id, occ.id),
            title=self.say("snooze_title"),
            label=self.say("snooze_label"),
        )

    def asking(self, prompt: Prompt, rem: Reminder) -> Reply:
        """A prompt asked in the conversation: the next message answers it."""
        if prompt.action_id == actions.SNOOZE:
            return self.plain(self.say("ask_snooze"), rem.id)
        stored = "" if rem.state.value == "draft" else "_stored"
        text = self.say(f"ask_edit{stored}", number=number(rem))
        if prompt.initial:
            text += self.say("ask_was", phrase=prompt.initial)
        return self.plain(text, rem.id)

    def deleted(self, rem: Reminder, *, undo: bool = True) -> Reply:
        """A deleted reminder, with an Undo button for the minute it may be taken back."""
        if not undo:
            return self.plain(self.say("deleted", number=number(rem)), rem.id)
        text = self.say("deleted_undo", number=number(rem), message=self.message(rem))
        button = Button(action_id=actions.UNDO, label=self.say("undo"), value=values.encode(rem.id))
        return Reply(text=text, buttons=(button,), reminder_id=rem.id)

    def restored(self, rem: Reminder, now: datetime) -> Reply:
        return self.plain(self.say("restored", **self._described(rem, now)), rem.id)

    def changed(self, rem: Reminder, now: datetime) -> Reply:
        """A stored reminder after ``edit 3 …`` or ``move #3 to …``."""
        return self.plain(self.say("changed", **self._described(rem, now)), rem.id)

    def _described(self, rem: Reminder, now: datetime) -> dict[str, str]:
        rec = recurrence(rem)
        when = self.when(rem.next_due, rem.tz, now) if rem.next_due else ""
        if rec is not None:
            when = f"{self.w.rule(rec)}; {when}" if when else self.w.rule(rec)
        return {"number": number(rem), "when": when, "message": self.message(rem)}


def status_message(trigger: Reminder, change: StatusChange) -> str:
    """The message a trigger fires with: its own, and what changed (``open → closed``)."""
    what = f"{change.entity_type} {change.entity_id}"
    moved = f"{change.old} \u2192 {change.new}" if change.old else change.new
    return f"{trigger.message} ({what}: {moved})" if trigger.message else f"{what}: {moved}"


class _ReadOnly:
    """A parsed phrase seen as the reminder it would be (for ``confirmation``)."""

    def __init__(self, cmd: Command) -> None:
        self.trigger_status = cmd.trigger_status
        self.entity_type = cmd.entity.type if cmd.entity else None
        self.entity_id = cmd.entity.id if cmd.entity else None
        self.next_due = cmd.when
        self.tz = cmd.tz
        self.event_at = cmd.event_at
        self.offsets = cmd.offsets
        self.stop_statuses = cmd.stop_statuses


def _destination(target: Target) -> Destination:
    kind = TargetKind.ME if target.kind in ("me", "here") else TargetKind(target.kind)
    return Destination(kind=kind, ref=target.ref, name=target.name)
