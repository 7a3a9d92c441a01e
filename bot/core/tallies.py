"""The values history and statistics are read as (``storage.reports`` makes them,
``bot.core.reports`` uses them). Plain data: storage may import it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodCounts:
    """What storage counted for a period.

    Attributes:
        occurrences: occurrences due in the period, by state.
        deliveries: channel deliveries of those occurrences, by channel, then state (an
            occurrence told on chat alone counts as one chat delivery in its own state).
        lateness: ``sent_at - due_at`` in seconds of the sent ones, at most ``limit`` of
            them (the latest due), in no particular order.
        capped: whether there were more sent occurrences than ``lateness`` holds.
    """

    occurrences: dict[str, int] = field(default_factory=dict)
    deliveries: dict[str, dict[str, int]] = field(default_factory=dict)
    lateness: list[float] = field(default_factory=list)
    capped: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One audit line as ``remindbot history`` prints it."""

    at: datetime
    actor: str
    action: str
    reminder_id: int | None
    number: int | None  # the reminder's number for its owner, if it still has one
    channel: str | None
    reason: str | None
