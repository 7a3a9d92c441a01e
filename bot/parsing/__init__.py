"""Pure phrase parsing: ``parse(text, now, tz, prefs) -> Command | Refusal``."""

from bot.parsing.model import (
    Command,
    Entity,
    ParseResult,
    Prefs,
    Recurrence,
    Refusal,
    RefusalCode,
    Target,
)
from bot.parsing.parse import parse
from bot.parsing.recurrence import occurrences_after
from bot.parsing.timing import offset_times

__all__ = [
    "Command",
    "Entity",
    "ParseResult",
    "Prefs",
    "Recurrence",
    "Refusal",
    "RefusalCode",
    "Target",
    "occurrences_after",
    "offset_times",
    "parse",
]
