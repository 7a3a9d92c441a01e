"""The graceful stop below the process (tests/test_shutdown.py runs the whole command):
``release_leases`` keyed on the exact lease, and ``Scheduler.finish`` when deliveries
end in time and when they must be cut off; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import Delivery, OccurrenceState, ReminderState
from bot.scheduler import Scheduler
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder


@dataclass
class Held(FakePlatform):
    """A platform whose deliveries wait for ``go`` (never set: they hang)."""

    go: asyncio.Event = field(default_factory=asyncio.Event)
    started: int = 0

    async def deliver(self, delivery: Delivery) -> str:
        self.started += 1
        await self.go.wait()
        return await super().deliver(delivery)


async def _burst(repo: SqlReminderRepository, clock: ManualClock, count: int) -> list[int]:
    ids = []
    for i in range(count):
        who = f"slack:T1:U{i}"
        rem = new_reminder(owner=who, created_by=who, target_ref=f"U{i}", conversation=f"D{i}")
        ids.append((await repo.add(rem, clock.now())).id)
    return ids


async def _until(check: Callable[[], bool]) -> None:
    for _ in range(1000):  # ten seconds at most
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never came true")


async def test_release_leases_takes_only_the_exact_lease_still_held(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    first, second, third = await _burst(repo, clock, 3)
    lease = DUE + timedelta(minutes=2)
    assert len(await repo.claim_due(DUE, lease, 10)) == 3
    other = lease + timedelta(seconds=1)  # e.g. another process's newer claim
    held = [(first, lease), (second, other)]
    assert await repo.release_leases(held, clock.now()) == 1
    found = [await repo.get(i) for i in (first, second, third)]
    leases = {rem.id: rem.lease_until for rem in found if rem is not None}
    assert leases == {first: None, second: lease, third: lease}
    assert await repo.release_leases([], clock.now()) == 0


async def test_finish_in_time_records_the_in_flight_and_releases_the_rest(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    ids = await _burst(repo, clock, 5)
    platform = Held(platform="slack")
    dispatcher = Dispatcher(repo, {"slack": platform}, clock, concurrency=2)
    scheduler = Scheduler(dispatcher, repo, clock)
    await scheduler.start(catch_up_now=False)
    await _until(lambda: platform.started == 2)
    stopping = asyncio.create_task(scheduler.finish(5))
    await _until(lambda: dispatcher.stopping)
    platform.go.set()  # the two in flight finish inside the grace time
    assert await stopping == 3
    await scheduler.stop()
    delivered = {d.reminder.id for d in platform.delivered}
    assert len(delivered) == 2
    for i in ids:
        rem = await repo.get(i)
        assert rem is not None and rem.lease_until is None
        states = [o.state for o in await repo.occurrences(i)]
        if i in delivered:
            assert rem.state is ReminderState.COMPLETED and states == [OccurrenceState.SENT]
        else:
            assert rem.state is ReminderState.SCHEDULED
    again = FakePlatform(platform="slack")
    assert await Dispatcher(repo, {"slack": again}, clock).drain() == 3  # at once
    assert {d.reminder.id for d in again.delivered} == set(ids) - delivered


async def test_finish_past_the_grace_time_cuts_off_and_keeps_those_leases(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    ids = await _burst(repo, clock, 5)
    platform = Held(platform="slack")  # never answers
    dispatcher = Dispatcher(repo, {"slack": platform}, clock, concurrency=2)
    scheduler = Scheduler(dispatcher, repo, clock)
    await scheduler.start(catch_up_now=False)
    await _until(lambda: platform.started == 2)
    assert await scheduler.finish(0.2) == 3
    await scheduler.stop()
    rows = {i: await repo.get(i) for i in ids}
    cut = {i for i, rem in rows.items() if rem is not None and rem.lease_until is not None}
    assert len(cut) == 2  # may have reached the platform: left for the lease to expire
    again = FakePlatform(platform="slack")
    assert await Dispatcher(repo, {"slack": again}, clock).drain() == 3
    assert {d.reminder.id for d in again.delivered} == set(ids) - cut
    clock.advance(timedelta(minutes=3))  # past the cut-off claims' lease
    assert await Dispatcher(repo, {"slack": again}, clock).drain() == 2
    assert sorted(d.reminder.id for d in again.delivered) == sorted(ids)
