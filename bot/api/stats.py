"""``/stats``: how delivery went over a period, for dashboards and alerts.

A system token sees every reminder; a user's token their own. The period is
``[since, until)`` by due time, the last 24 hours by default.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from bot.api.deps import Auth, Use
from bot.api.reminders import ERRORS
from bot.core.errors import InvalidRequest
from bot.core.reports import LATENESS_LIMIT

router = APIRouter(prefix="/stats", tags=["stats"])


class LatenessOut(BaseModel):
    count: int = Field(description="sent occurrences the percentiles are over")
    p50: float | None = Field(description="seconds from due to sent, median (nearest rank)")
    p99: float | None = Field(description="seconds from due to sent, 99th percentile")
    capped: bool = Field(
        description=f"more were sent than the {LATENESS_LIMIT:,} latest ranked here"
    )


class StatsOut(BaseModel):
    since: datetime
    until: datetime
    owner: str | None = Field(description="whose reminders; null: everyone's (system token)")
    occurrences: dict[str, int] = Field(description="occurrences due in the period, by state")
    deliveries: dict[str, dict[str, int]] = Field(
        description="their deliveries by channel, then state (chat alone counts as chat)"
    )
    lateness: LatenessOut


@router.get("", response_model=StatsOut, responses=ERRORS)
async def stats(
    use: Use, who: Auth, since: datetime | None = None, until: datetime | None = None
) -> StatsOut:
    """Counts of the occurrences due in ``[since, until)`` by state, of their channel
    deliveries by channel and state, and how late the sent ones were (p50, p99)."""
    if use.reports is None:
        raise HTTPException(404, "Not Found")
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise InvalidRequest("naive_time")
    found = await use.reports.stats(who.owner, since, until)
    return StatsOut(
        since=found.since,
        until=found.until,
        owner=found.owner,
        occurrences=found.occurrences,
        deliveries=found.deliveries,
        lateness=LatenessOut(
            count=found.sent, p50=found.lateness_p50, p99=found.lateness_p99, capped=found.capped
        ),
    )
