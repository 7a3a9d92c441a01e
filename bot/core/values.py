"""What buttons carry: the one codec for their values (``12``, ``12:40``, ``12:40:1h``).

A value names a reminder, optionally one of its occurrences, and optionally a choice
(a snooze length). Values come back from the platform as untrusted text, so decoding
accepts ASCII digits only and says ``InvalidRequest`` for anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import InvalidRequest

_ID = re.compile(r"[0-9]{1,20}", re.ASCII)


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonValue:
    reminder: int
    occurrence: int | None = None
    choice: str = ""


def encode(reminder: int, occurrence: int | None = None, choice: str = "") -> str:
    parts = [str(reminder)]
    if occurrence is not None:
        parts.append(str(occurrence))
    if choice:
        parts.append(choice)
    return ":".join(parts)


def decode(value: str, *, occurrence: bool = False) -> ButtonValue:
    """Read a value; with ``occurrence``, one that must name an occurrence too.

    Raises:
        InvalidRequest: the value is not one of ours.
    """
    parts = value.split(":", 2)
    if not _ID.fullmatch(parts[0]):
        raise InvalidRequest("stale")
    if not occurrence:
        return ButtonValue(reminder=int(parts[0]))
    if len(parts) < 2 or not _ID.fullmatch(parts[1]):
        raise InvalidRequest("stale")
    return ButtonValue(
        reminder=int(parts[0]), occurrence=int(parts[1]), choice=parts[2] if len(parts) > 2 else ""
    )


# A choice that starts so marks a button of a summary of held reminders (``12:40:summary``,
# ``12:40:summary.1h``): pressing it answers the person and leaves the summary, whose
# other reminders keep their buttons, in place.
SUMMARY = "summary"


def in_summary(choice: str = "") -> str:
    """The choice of a summary's button (``summary``, or ``summary.1h`` to snooze 1h)."""
    return f"{SUMMARY}.{choice}" if choice else SUMMARY


def from_summary(choice: str) -> tuple[bool, str]:
    """Whether a pressed choice came from a summary, and the choice itself."""
    if choice == SUMMARY:
        return True, ""
    if choice.startswith(f"{SUMMARY}."):
        return True, choice.removeprefix(f"{SUMMARY}.")
    return False, choice
