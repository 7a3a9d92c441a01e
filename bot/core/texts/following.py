"""Answers about delivered reminders: the delivery itself and what became of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from bot.core import actions, templates, values
from bot.core.model import Button, Menu, Occurrence, Reminder, Reply, TargetKind, UserRef
from bot.core.policy import usable_zone
from bot.core.texts.pieces import Pieces, number

_LATE = timedelta(minutes=1)
# Summaries show buttons for this many reminders (two each): Mattermost posts take 20.
SUMMARY_BUTTONS = 10


@dataclass(frozen=True, slots=True)
class _Labels:
    complete: str
    skip: str
    stop: str
    snooze: str
    snoozes: tuple[tuple[str, str], ...]  # (code, label) of each snooze choice


class Following(Pieces):
    def delivery(
        self,
        rem: Reminder,
        occ: Occurrence,
        now: datetime,
        templates_of_workspace: Mapping[str, str] | None = None,
    ) -> Reply:
        """A due reminder as delivered: its message (and lateness), with its buttons;
        worded by the workspace's ``reminder`` and ``late`` templates if it has them."""
        chosen = templates_of_workspace or {}
        fields = self.template_fields(rem, occ, now) if chosen else {}
        text = templates.apply("reminder", chosen, fields, self.line(rem))
        if now - occ.due_at > _LATE:
            local = occ.due_at.astimezone(usable_zone(rem.tz))
            late = (now - occ.due_at).days >= 1
            day = self.say("late_day", day=self.date(occ.due_at, rem.tz)) if late else ""
            note = self.say("late", time=f"{local:%H:%M}", day=day)
            text += templates.apply("late", chosen, fields, note)
        value = values.encode(rem.id, occ.id)
        labels = self._delivery_labels
        complete = Button(
            action_id=actions.COMPLETE, label=labels.complete, value=value, style="primary"
        )
        buttons: tuple[Button, ...] = (complete,)
        if rem.recurring:
            buttons += (
                Button(action_id=actions.SKIP, label=labels.skip, value=value),
                Button(action_id=actions.STOP, label=labels.stop, value=value, style="danger"),
            )
        menu = Menu(
            action_id=actions.SNOOZE,
            label=labels.snooze,
            options=tuple(
                (label, values.encode(rem.id, occ.id, code)) for code, label in labels.snoozes
            ),
        )
        return Reply(
            text=text, buttons=buttons, menus=(menu,), reminder_id=rem.id, set_by=_set_by(rem)
        )

    @cached_property
    def _delivery_labels(self) -> _Labels:
        """The words on a delivery's buttons, which are the same on every one."""
        return _Labels(
            complete=self.say("complete"),
            skip=self.say("skip"),
            stop=self.say("stop"),
            snooze=self.say("snooze"),
            snoozes=tuple((code, self.say(f"snooze_{code}")) for code in actions.SNOOZE_CODES),
        )

    def summary(
        self,
        held: Sequence[tuple[Reminder, Occurrence]],
        worded: Mapping[str, str] | None = None,
        now: datetime | None = None,
    ) -> Reply:
        """Held reminders in one message (the rate limit): each with its due time, and
        for each (up to ``SUMMARY_BUTTONS``) its own Complete and Snooze 1 hour buttons,
        marked as a summary's so that pressing one leaves the others in place. The
        workspace's ``summary`` template (``worded``), if any, words the text."""
        count = len(held)
        lines = [self.say("summary_one") if count == 1 else self.say("summary", count=count)]
        buttons: list[Button] = []
        for index, (rem, occ) in enumerate(held, 1):
            which = number(rem) or str(index)
            due = self.day(occ.due_at, rem.tz, False)
            lines.append(self.say("summary_line", which=which, message=self.message(rem), due=due))
            if index > SUMMARY_BUTTONS:
                continue
            done = values.encode(rem.id, occ.id, values.in_summary())
            later = values.encode(rem.id, occ.id, values.in_summary("1h"))
            label = self.say("summary_complete", which=which)
            buttons.append(
                Button(action_id=actions.COMPLETE, label=label, value=done, style="primary")
            )
            label = self.say("summary_snooze", which=which)
            buttons.append(Button(action_id=actions.SNOOZE, label=label, value=later))
        if count > SUMMARY_BUTTONS:
            lines.append(self.say("summary_more", shown=SUMMARY_BUTTONS))
        first = held[0][0]
        text = "\n".join(lines)
        if worded and "summary" in worded:
            at = now or held[-1][1].due_at
            items = [self.template_fields(rem, occ, at) for rem, occ in held]
            text = templates.apply("summary", worded, templates.listing(items), text)
        return Reply(text=text, buttons=tuple(buttons), reminder_id=first.id)

    def template_fields(self, rem: Reminder, occ: Occurrence, now: datetime) -> dict[str, str]:
        """What a template is given about one delivery (``docs/templates.md``), as text
        in this language; summaries and digests give a list of these as ``items``."""
        late = max(timedelta(), now - occ.due_at)
        entity = f"{rem.entity_type} {rem.entity_id}" if rem.entity_type and rem.entity_id else ""
        return {
            "message": self.message(rem),
            "entity": entity,
            "due": self.day(occ.due_at, rem.tz, False),
            "late_by": self.late_by(late),
            "owner": rem.owner_ref.user,
        }

    def late_by(self, late: timedelta) -> str:
        """``5 min``, ``2 h 5 min``, ``1 d 3 h``."""
        minutes = int(late.total_seconds()) // 60
        hours, days = minutes // 60, minutes // 1440
        if days:
            return self.say("template_late_days", d=days, h=hours % 24)
        if hours:
            return self.say("template_late_hours", h=hours, m=minutes % 60)
        return self.say("template_late_minutes", m=minutes)

    def fired(self, rem: Reminder) -> tuple[str, ...]:
        """What a terminal shows under a delivery: its target, who set it, its number."""
        lines = [self.say("fired_to", to=self.target(rem.destination))]
        if rem.created_by and rem.created_by != rem.owner:
            lines.append(self.say("fired_by", who=UserRef.of(rem.created_by).user))
        elif rem.target_kind is not TargetKind.ME:
            lines.append(self.say("fired_by", who=rem.owner_ref.user))
        if rem.number is not None:
            lines.append(self.say("fired_later", number=number(rem), n=rem.number))
        return tuple(lines)

    def completed(
        self,
        rem: Reminder,
        occ: Occurrence,
        now: datetime,
        templates_of_workspace: Mapping[str, str] | None = None,
    ) -> Reply:
        if rem.target_kind is TargetKind.CHANNEL:
            # Every member may mark it done: keep the buttons and show who has; worded
            # as it was delivered (by the workspace's templates).
            who = tuple(UserRef.of(key).user for key in occ.completed_by)
            delivered = self.delivery(rem, occ, now, templates_of_workspace)
            return Reply(
                text=delivered.text,
                buttons=delivered.buttons,
                menus=delivered.menus,
                reminder_id=rem.id,
                set_by=delivered.set_by,
                done_by=who,
            )
        return self.plain(self.line(rem, self.say("completed")), rem.id)

    def snoozed(self, rem: Reminder, until: datetime, now: datetime) -> Reply:
        local = until.astimezone(usable_zone(rem.tz))
        same_day = local.date() == now.astimezone(local.tzinfo).date()
        day = "" if same_day else f"{self.date(until, rem.tz)} "
        status = self.say("snoozed", day=day, time=f"{local:%H:%M}")
        return self.plain(self.line(rem, status), rem.id)

    def skipped(self, rem: Reminder, skipped_at: datetime, following: datetime) -> Reply:
        status = self.say(
            "skipped",
            skipped=self.day(skipped_at, rem.tz, False),
            following=self.day(following, rem.tz, False),
        )
        return self.plain(self.line(rem, status), rem.id)

    def stopped(self, rem: Reminder) -> Reply:
        return self.plain(self.line(rem, self.say("stopped")), rem.id)

    def undeliverable(self, rem: Reminder, reason: str) -> Reply:
        """To the owner, when a delivery failed for good."""
        text = self.say(
            "undeliverable", number=number(rem), reason=self.reasons(reason), message=rem.message
        )
        return self.plain(text, rem.id)

    def reasons(self, reason: str) -> str:
        """``email:no_email_address,chat:x`` with each code we can explain in words
        (``reason_<code>``) explained; other codes are shown as they are."""
        shown = []
        for part in reason.split(","):
            channel, _, code = part.rpartition(":")
            if f"reason_{code}" in self.w.say:
                said = self.say(f"reason_{code}")
                shown.append(f"{channel}: {said}" if channel else said)
            else:
                shown.append(part)
        return "; ".join(shown)


def _set_by(rem: Reminder) -> str | None:
    """The platform id of who set it, when that is not the person it reaches.

    The recipient's key spelled out (as the dispatcher's ``_recipient``): this runs for
    every delivery, and building ``UserRef`` values for it cost more than the rest."""
    if rem.target_kind is TargetKind.USER:
        recipient = f"{rem.platform}:{rem.workspace}:{rem.target_ref}"
    else:  # the owner's own, or a channel's: its owner's own doing
        recipient = rem.owner
    if rem.created_by and rem.created_by != recipient:
        return UserRef.of(rem.created_by).user
    return None
