"""What every kind of answer is built from: a language's words, targets, times, lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.core.model import Destination, Reminder, Reply, TargetKind
from bot.core.policy import usable_zone
from bot.core.texts.words import Words
from bot.parsing import Recurrence, occurrences_after

DASH = "\u2014"


class Pieces:
    """The shared part of ``Texts``: one language's words and the small pieces."""

    def __init__(self, words: Words) -> None:
        self.w = words

    @property
    def language(self) -> str:
        return self.w.code

    def say(self, key: str, **params: object) -> str:
        return self.w.say[key].format(**params)

    def plain(self, text: str, reminder_id: int | None = None) -> Reply:
        return Reply(text=text, reminder_id=reminder_id)

    def target(self, dest: Destination) -> str:
        if dest.kind is TargetKind.ME:
            return self.say("you")
        if dest.kind is TargetKind.USER:
            return f"@{dest.name or dest.ref}"
        return f"#{dest.name.lstrip('#') or dest.ref}"

    def targets(self, dests: Iterable[Destination]) -> str:
        return self.w.join([self.target(d) for d in dests])

    def when(self, when: datetime, tz: str, now: datetime) -> str:
        local = when.astimezone(usable_zone(tz))
        return self.say(
            "when", moment=self.w.moment(local), tz=tz, relative=self.w.relative(local, now)
        )

    def day(self, when: datetime, tz: str, year: bool = True) -> str:
        """``Tue 24 Nov 2026 09:00`` (or without the year) in ``tz``."""
        local = when.astimezone(usable_zone(tz))
        return f"{self.w.date(local, year)} {local:%H:%M}"

    def date(self, when: datetime, tz: str) -> str:
        """``Tue 24 Nov`` in ``tz``."""
        return self.w.date(when.astimezone(usable_zone(tz)), False)

    def next_dates(self, rec: Recurrence, after: datetime) -> str:
        return ", ".join(self.day(d, rec.tz, False) for d in occurrences_after(rec, after, 3))

    def message(self, rem: Reminder) -> str:
        return rem.message or self.say("no_message")

    def line(self, rem: Reminder, status: str = "") -> str:
        """``Reminder: call Bo``, or with what became of it: ``… — Completed``."""
        line = self.say("reminder", message=self.message(rem))
        return self.say("with_status", line=line, status=status) if status else line

    def channel_words(self, channels: tuple[str, ...]) -> str:
        """``chat and email``; none chosen is chat, where every reminder goes by default."""
        return self.w.join([self.say(f"channel_{c}") for c in channels or ("chat",)])


def number(rem: Reminder) -> str:
    """``#3``: the owner's number for it (a draft given up has none)."""
    return f"#{rem.number}" if rem.number is not None else ""
