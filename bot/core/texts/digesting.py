"""Answers about digests: the digest itself, and what setting or stopping one says."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.core import templates
from bot.core.model import Occurrence, Reminder, Reply, TargetKind
from bot.core.policy import usable_zone
from bot.core.schedule import recurrence
from bot.core.texts.pieces import Pieces


class Digesting(Pieces):
    def digest(
        self,
        rem: Reminder,
        occ: Occurrence,
        items: Sequence[tuple[datetime, Reminder]],
        limit: int,
        worded: Mapping[str, str] | None = None,
    ) -> Reply:
        """The day's reminders of a digest's owner, one line each: local time, the
        channel when it goes to one, the message. No buttons: a digest is not done or
        snoozed, its reminders are, when they come. The workspace's ``digest`` template
        (``worded``), if any, words it."""
        reply = self._digest(rem, occ, items, limit)
        if not worded or "digest" not in worded:
            return reply
        listed = [
            {
                "message": self.message(one),
                "entity": f"{one.entity_type} {one.entity_id}" if one.entity_id else "",
                "due": self.day(at, one.tz, False),
                "late_by": "",
                "owner": one.owner_ref.user,
            }
            for at, one in items
        ]
        top = {"due": self.date(occ.due_at, rem.tz), "owner": rem.owner_ref.user}
        text = templates.apply("digest", worded, templates.listing(listed, **top), reply.text)
        return self.plain(text, rem.id)

    def _digest(
        self,
        rem: Reminder,
        occ: Occurrence,
        items: Sequence[tuple[datetime, Reminder]],
        limit: int,
    ) -> Reply:
        day = self.date(occ.due_at, rem.tz)
        if not items:
            return self.plain(self.say("digest_nothing", day=day), rem.id)
        zone = usable_zone(rem.tz)
        lines = [self.say("digest_head", day=day, tz=rem.tz)]
        for at, listed in items[:limit]:
            clock = f"{at.astimezone(zone):%H:%M}"
            message = " ".join(self.message(listed).split())  # one line each
            if listed.target_kind is TargetKind.CHANNEL:
                to = self.target(listed.destination)
                lines.append(self.say("digest_line_to", time=clock, to=to, message=message))
            else:
                lines.append(self.say("digest_line", time=clock, message=message))
        if len(items) > limit:
            lines.append(self.say("digest_more", n=len(items) - limit))
        return self.plain("\n".join(lines), rem.id)

    def digest_set(self, rem: Reminder) -> Reply:
        assert rem.next_due is not None
        text = self.say(
            "digest_set",
            rule=digest_rule(self, rem),
            tz=rem.tz,
            next=self.day(rem.next_due, rem.tz, False),
        )
        return self.plain(text, rem.id)

    def digest_stopped(self) -> Reply:
        return self.plain(self.say("digest_stopped"))


def digest_rule(tx: Pieces, digest: Reminder | None) -> str:
    """A digest as settings show it (``every weekday at 08:00``, with ``(even when
    empty)``), or ``off``."""
    rec = recurrence(digest) if digest is not None else None
    if digest is None or rec is None:
        return tx.say("off")
    return tx.w.rule(rec) + (tx.say("digest_even_empty") if digest.digest_empty else "")
