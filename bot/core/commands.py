"""Text commands that are not reminder phrases (``list``, ``delete 4``, settings). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

_CLOCK = r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("help", re.compile(r"^(?:help|\?|hjælp)$")),
    ("list", re.compile(r"^(?:list|ls|upcoming|my reminders|reminders|liste)$")),
    ("delete", re.compile(r"^(?:delete|remove|del|slet)\s+#?([0-9]+)$")),
    ("settings", re.compile(r"^(?:settings|preferences|prefs|indstillinger)$")),
    ("tz", re.compile(r"^(?:set\s+)?(?:my\s+)?(?:time\s*zone|tz)\s+(?:to\s+|=\s*|is\s+)?(\S+)$")),
    ("quiet_off", re.compile(r"^(?:set\s+)?(?:my\s+)?quiet\s+hours?\s+(?:off|none|disabled?)$")),
    (
        "quiet",
        re.compile(
            rf"^(?:set\s+)?(?:my\s+)?quiet\s+hours?\s+(?:to\s+|from\s+)?{_CLOCK}"
            rf"\s*(?:-|to|until|\u2013)\s*{_CLOCK}$"
        ),
    ),
    ("default_time", re.compile(rf"^(?:set\s+)?(?:my\s+)?default\s+time\s+(?:to\s+)?{_CLOCK}$")),
    (
        "date_order",
        re.compile(
            r"^(?:set\s+)?(?:my\s+)?date\s+order\s+(?:to\s+)?(day/month|dmy|month/day|mdy)$"
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class TextCommand:
    name: str
    args: tuple[str | None, ...]


def read_command(text: str) -> TextCommand | None:
    """The command ``text`` spells, or ``None`` when it should be read as a reminder."""
    cleaned = " ".join(text.strip().lower().split())
    for name, pattern in _PATTERNS:
        if m := pattern.match(cleaned):
            return TextCommand(name, m.groups())
    return None


def clock(hour: str | None, minute: str | None, meridiem: str | None) -> time | None:
    """``8``, ``8:30``, ``10pm`` -> a time, or ``None`` if it cannot be one."""
    if hour is None:
        return None
    h, m = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem == "pm" else 0)
    if h > 23 or m > 59:
        return None
    return time(h, m)
