"""History and statistics: what happened to reminders, read back from the audit log and
the delivery records, for the ``history`` command and ``GET /api/v1/stats``.

The counting is storage's (one query a table); what is worth computing once and the
same way everywhere (percentiles, the default period, who sees what) is here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.errors import InvalidRequest
from bot.core.model import UserRef
from bot.core.ports import Clock
from bot.core.tallies import HistoryEntry, PeriodCounts
from bot.core.tokens import is_system

# Lateness percentiles are computed over at most this many values: the occurrences sent
# most recently (by due time) in the period. A day of a busy bot stays far below it; a
# year asked for at once is answered from its latest 100,000 deliveries.
LATENESS_LIMIT = 100_000
DEFAULT_PERIOD = timedelta(hours=24)


@dataclass(frozen=True, slots=True, kw_only=True)
class Stats:
    """The statistics of one period, as the API answers them."""

    since: datetime
    until: datetime
    owner: str | None  # ``None``: every owner (a system token asked)
    occurrences: dict[str, int]
    deliveries: dict[str, dict[str, int]]
    sent: int  # how many lateness values the percentiles are over
    lateness_p50: float | None
    lateness_p99: float | None
    capped: bool


class ReportRepository(Protocol):
    """The reads this module needs (``storage.reports``)."""

    async def period_counts(
        self, owner: str | None, since: datetime, until: datetime, limit: int
    ) -> PeriodCounts:
        """Counts of the occurrences due in ``[since, until)``, of ``owner``'s reminders
        (every owner's for ``None``)."""
        ...

    async def history(
        self, reminder_id: int | None, user: str | None, limit: int
    ) -> list[HistoryEntry]:
        """The latest ``limit`` audit lines, oldest first: of one reminder, or those
        ``user`` wrote or that are about reminders ``user`` owns, or all."""
        ...


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank percentile (the smallest value with at least ``p`` % of the
    values at or below it), or ``None`` for no values. It is always one of the values,
    so ``p50`` of ``[1, 2, 3, 4]`` is 2 and ``p99`` of 100 values is the 99th smallest."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Reports:
    """Statistics for the API and history for the CLI."""

    def __init__(self, repo: ReportRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def stats(
        self, caller: UserRef, since: datetime | None = None, until: datetime | None = None
    ) -> Stats:
        """The period's counts and lateness; ``until`` defaults to now and ``since`` to a
        day before ``until``. A system account sees every reminder, anyone else their own.

        Raises:
            InvalidRequest: ``since`` is not before ``until`` (``bad_period``).
        """
        until = until or self.clock.now()
        since = since or until - DEFAULT_PERIOD
        if since >= until:
            raise InvalidRequest("bad_period")
        owner = None if is_system(caller) else caller.key
        found = await self.repo.period_counts(owner, since, until, LATENESS_LIMIT)
        return Stats(
            since=since,
            until=until,
            owner=owner,
            occurrences=found.occurrences,
            deliveries=found.deliveries,
            sent=len(found.lateness),
            lateness_p50=percentile(found.lateness, 50),
            lateness_p99=percentile(found.lateness, 99),
            capped=found.capped,
        )

    async def history(
        self, *, reminder_id: int | None = None, user: str | None = None, limit: int = 50
    ) -> list[HistoryEntry]:
        return await self.repo.history(reminder_id, user, limit)
