"""What every builder reads a phrase against: now, the zone, the user's preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.parsing.model import Prefs, RefusalCode


class Refused(Exception):
    """Internal signal: the phrase is refused with ``code``.

    ``when`` is the time that was read (for ``past``); ``detail`` and ``hint`` become
    the refusal's fields (never raw user text).
    """

    def __init__(
        self,
        code: RefusalCode,
        when: datetime | None = None,
        *,
        detail: str = "",
        hint: str = "",
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.when = when
        self.detail = detail
        self.hint = hint


def unsupported(detail: str, hint: str = "") -> Refused:
    """A phrase whose every part was read, but that one rule cannot store as written."""
    return Refused(RefusalCode.UNSUPPORTED, detail=detail, hint=hint)


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    tz: ZoneInfo
    prefs: Prefs

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()
