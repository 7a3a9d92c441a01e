"""Answers about escalation and nags: the steps on the confirmation, and the message
the escalation's target gets when an occurrence is not done in time."""

from __future__ import annotations

from datetime import timedelta

from bot.core.escalation import Watched
from bot.core.model import Destination, Reminder, Reply, TargetKind, UserRef
from bot.core.policy import usable_zone
from bot.core.texts.pieces import Pieces

Fields = list[tuple[str, str]]


class Escalating(Pieces):
    def escalation_fields(self, rem: Reminder) -> Fields:
        """``If not done by 11:00: tell @lead`` for each step, and the nag's line."""
        lines = []
        for step in rem.escalate:
            to = self.target(step.target)
            if rem.next_due is None:  # a trigger: no time to count from yet
                span = self.w.spans([step.after_minutes])
                lines.append(self.say("escalate_within", span=span, to=to))
                continue
            zone = usable_zone(rem.tz)
            due = rem.next_due.astimezone(zone)
            by = (rem.next_due + timedelta(minutes=step.after_minutes)).astimezone(zone)
            shown = f"{by:%H:%M}" if by.date() == due.date() else self.day(by, rem.tz, False)
            lines.append(self.say("escalate_by", time=shown, to=to))
        fields: Fields = [(self.say("field_escalate"), "; ".join(lines))] if lines else []
        if rem.until_done:
            fields.append((self.say("field_until_done"), self.say("until_done")))
        return fields

    def escalation(self, rem: Reminder, watched: Watched | None) -> Reply:
        """To the escalation's target: who was reminded of what, when, and that it is
        not done. The owner is named as who set it (adapters make that a mention; the
        text itself is escaped, so nothing in it can ping a channel)."""
        occ = watched.occurrence if watched is not None else None
        parent = watched.reminder if watched is not None else None
        who = self._reminded(parent or rem, watched.owner_name if watched is not None else "")
        when = self.day(occ.due_at, rem.tz, False) if occ is not None else ""
        message = self.message(parent or rem)
        text = self.say("escalated", who=who, when=when, message=message)
        return Reply(text=text, reminder_id=rem.id, set_by=UserRef.of(rem.owner).user)

    def _reminded(self, rem: Reminder, owner_name: str) -> str:
        """Who a reminder reminded: its owner (for ``me``, by the name the platform shows),
        the person, or the channel."""
        if rem.target_kind is TargetKind.ME:
            owner = UserRef.of(rem.owner).user
            return self.target(Destination(kind=TargetKind.USER, ref=owner, name=owner_name))
        return self.target(rem.destination)
