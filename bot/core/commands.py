"""Text commands that are not reminder phrases (``list``, ``delete 4``, settings). Pure.

Each pattern is matched against the text with its spacing collapsed, ignoring case; the
groups keep the person's own case (a new phrase after ``edit 3`` is a message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.parsing.lexer import TABLES, UNIT_WORD

_CLOCK = r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?"
_N = r"#?([0-9]+)"
_END = r"[\s!.?]*$"
# A number after "snooze" is a reminder's, unless what follows is a unit ("snooze 2 hours").
_UNIT = rf"{UNIT_WORD}\b"
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("help", r"(?:<help>)(?:\s+(\w+))?"),
    ("list", r"(?:<list>)(?:\s+(done|past|all))?"),
    ("more", r"(?:<more>)"),
    ("delete", rf"(?:<delete>)(?:\s+{_N})?"),
    ("edit", rf"(?:edit|change)(?:\s+{_N})?(?:\s*:?\s+(.+?))?"),
    ("move", rf"(?:move|reschedule)\s+{_N}\s+(?:to\s+)?(.+?)"),
    ("undo", r"(?:<undo>)"),
    ("snooze", rf"snooze(?:\s+{_N}(?=\s|$)(?!\s+{_UNIT}))?(?:\s+(.+?))?"),
    ("done", rf"(?:done|complete|completed|did it)(?:\s+{_N})?"),
    ("zone_question", r"(?:what(?:'s|\u2019s|\s+is)\s+)?(?:my\s+)?(?:time\s*zone|tz)\s*\?"),
    (
        "zone_question",
        r"(?:what(?:'s|\u2019s|\s+is)|which\s+is|show)\s+my\s+(?:time\s*zone|tz)"
        r"|which\s+time\s*zone\s+am\s+i\s+in",
    ),
    ("thanks", r"(?:<thanks>)(?:\s+(?:a\s+lot|so\s+much|very\s+much))?"),
    ("hello", r"(?:<hello>)"),
    ("settings", r"(?:<settings>)"),
    # A zone may be two words ("new york") or a country or abbreviation: find_zone reads it.
    ("tz", r"(?:set\s+)?(?:my\s+)?(?:time\s*zone|tz)\s+(?:to\s+|=\s*|is\s+)?(.+?)"),
    ("quiet_off", r"(?:set\s+)?(?:my\s+)?quiet\s+hours?\s+(?:off|none|disabled?)"),
    (
        "quiet",
        rf"(?:set\s+)?(?:my\s+)?quiet\s+hours?\s+(?:to\s+|from\s+)?{_CLOCK}"
        rf"\s*(?:-|to|until|\u2013)\s*{_CLOCK}",
    ),
    ("default_time", rf"(?:set\s+)?(?:my\s+)?default\s+time\s+(?:to\s+)?{_CLOCK}"),
    ("date_order", r"(?:set\s+)?(?:my\s+)?date\s+order\s+(?:to\s+)?(day/month|dmy|month/day|mdy)"),
    ("language", r"(?:set\s+)?(?:my\s+)?(?:<language>)\s+(?:to\s+|=\s*|is\s+)?(\w+)"),
    # calendar feed (ical)
    ("calendar_revoke", r"(?:<calendar_revoke>)"),
    ("calendar", r"(?:give\s+me\s+)?(?:<calendar>)"),
    # -- digests (bot/core/digests.py reads the schedule; a name ending _da is Danish)
    ("digest_off", r"(?:stop|cancel|end|delete|turn\s+off)\s+(?:my\s+|the\s+)?(?:daily\s+)?digest"),
    (
        "digest_off_da",
        r"(?:stop|slet|afmeld|fjern)\s+(?:mit\s+|det\s+)?(?:daglige\s+)?"
        r"(?:overblik|sammendrag)(?:et)?",
    ),
    (
        "digest",
        r"(?:(?:send|give)\s+me\s+)?(?:an?\s+|my\s+)?(?:daily\s+)?digest(?:\s+(.+?))?",
    ),
    (
        "digest_da",
        r"(?:(?:send|giv)\s+mig\s+)?(?:et\s+|mit\s+)?(?:dagligt\s+)?"
        r"(?:overblik|sammendrag)(?:\s+(.+?))?",
    ),
    # preferences: channels and email
    ("channels", r"(?:<channels>)\s+(?:to\s+|til\s+|=\s*|are\s+|er\s+)?(.+?)"),
    ("email_off", r"(?:<email>)(?:\s+address|\s*adresse)?\s+(?:off|none|fra|ingen)"),
    ("email", r"(?:<email>)(?:\s+address|\s*adresse)?\s+(?:to\s+|til\s+|=\s*|is\s+|er\s+)?(.+?)"),
)


def _words(name: str) -> str:
    """Every language's words for command ``name``, as one alternation."""
    found = [w for table in TABLES.values() for w in table.commands.get(name, ())]
    return "|".join(w.replace(" ", r"\s+") for w in found)


def _filled(pattern: str) -> str:
    return re.sub(r"<(\w+)>", lambda m: _words(m.group(1)), pattern)


# What ends a command: punctuation a person adds ("thanks!"), nothing else.
_COMPILED = tuple(
    (name, re.compile(rf"^(?:{_filled(pattern)}){_END}", re.IGNORECASE))
    for name, pattern in _PATTERNS
)
# The language a command's first word is in (``hjælp`` is Danish), from the same tables.
_HEADS = {
    word.split(" ")[0]: table.code
    for table in TABLES.values()
    for words in table.commands.values()
    for word in words
}


@dataclass(frozen=True, slots=True)
class TextCommand:
    """A command read from text; ``language`` is ``da`` when it was written in Danish."""

    name: str
    args: tuple[str | None, ...]
    language: str | None = None


def read_command(text: str) -> TextCommand | None:
    """The command ``text`` spells, or ``None`` when it should be read as a reminder."""
    cleaned = " ".join(text.strip().split())
    for name, pattern in _COMPILED:
        if m := pattern.match(cleaned):
            head = cleaned.split(" ", 1)[0].lower().rstrip("!.?")
            language = "da" if name.endswith("_da") else _HEADS.get(head)
            return TextCommand(name, m.groups(), None if language == "en" else language)
    return None


def channel_names(arg: str | None) -> list[str]:
    """``chat and email``, ``chat, e-mail``, ``chat og mail`` -> the names written."""
    return [w for w in re.split(r"\s*(?:,|&|\+|/|\band\b|\bog\b|\s)\s*", arg or "") if w]


def number(arg: str | None) -> int | None:
    return int(arg) if arg else None


def clock(hour: str | None, minute: str | None, meridiem: str | None) -> time | None:
    """``8``, ``8:30``, ``10pm`` -> a time, or ``None`` if it cannot be one."""
    if hour is None:
        return None
    h, m = int(hour), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    if h > 23 or m > 59:
        return None
    return time(h, m)
