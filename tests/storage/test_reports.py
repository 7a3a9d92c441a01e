"""The reads behind statistics: lateness is bounded to the latest values, percentiles
are nearest-rank, and the period is by due time, [since, until)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.reports import percentile
from bot.core.tallies import PeriodCounts
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder


def test_percentiles_are_nearest_rank_values() -> None:
    assert percentile([], 50) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 99) == 4.0
    hundred = [float(n) for n in range(100, 0, -1)]
    assert (percentile(hundred, 50), percentile(hundred, 99)) == (50.0, 99.0)
    assert percentile([7.0], 1) == 7.0


async def test_lateness_is_read_from_the_latest_due_up_to_the_limit(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    for seconds in (0, 10, 20, 30):  # sent together at DUE + 60 s: 60, 50, 40, 30 s late
        await repo.add(new_reminder(next_due=DUE + timedelta(seconds=seconds)), clock.now())
    clock.set(DUE + timedelta(seconds=60))
    platform = FakePlatform(platform="slack")
    assert await Dispatcher(repo, {"slack": platform}, clock).drain() == 4
    hour = timedelta(hours=1)
    capped = await repo.period_counts(None, DUE - hour, DUE + hour, limit=2)
    assert sorted(capped.lateness) == [30.0, 40.0] and capped.capped
    assert capped.occurrences == {"sent": 4}
    whole = await repo.period_counts(None, DUE - hour, DUE + hour, limit=4)
    assert sorted(whole.lateness) == [30.0, 40.0, 50.0, 60.0] and not whole.capped
    # [since, until): due exactly at DUE + 30 s is out when until is DUE + 30 s.
    edge = await repo.period_counts(None, DUE, DUE + timedelta(seconds=30), limit=10)
    assert sorted(edge.lateness) == [40.0, 50.0, 60.0]
    nobody = await repo.period_counts("slack:T1:U9", DUE - hour, DUE + hour, limit=10)
    assert nobody == PeriodCounts()
