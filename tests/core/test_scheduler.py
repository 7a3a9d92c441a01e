"""The alarm clock: what the scheduler arms after a tick, and that it never spins."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.dispatch import Dispatcher
from bot.core.model import Delivery
from bot.scheduler import WAKE, Scheduler
from tests.core.conftest import Core
from tests.core.test_dispatch import schedule


async def test_tick_delivers_and_arms_at_the_next_due_time(core: Core) -> None:
    await schedule(core, "remind me in 1 minute to stretch")
    await schedule(core, "remind me in 3 hours to eat")
    scheduler = Scheduler(core.dispatcher, core.repo, core.clock)
    await scheduler.start()
    try:
        core.clock.advance(timedelta(minutes=1))
        await scheduler.tick()
        assert core.platform.texts() == ["Reminder: stretch"]
        wake = scheduler._aps.get_job(WAKE)
        assert wake is not None
        assert wake.next_run_time == core.clock.now() + timedelta(hours=2, minutes=59)
        # A misfired wake must run late, never be dropped.
        assert wake.misfire_grace_time is None
    finally:
        await scheduler.stop()


async def test_due_rows_of_another_platform_do_not_wake_it_again(core: Core) -> None:
    await schedule(core, "remind me in 1 minute to stretch")  # a console reminder
    slack_only = Dispatcher(core.repo, {"slack": core.platform}, core.clock)
    scheduler = Scheduler(slack_only, core.repo, core.clock)
    await scheduler.start()
    try:
        core.clock.advance(timedelta(minutes=5))
        await scheduler.tick()
        # Nothing this process can deliver is due: no wake job, only the sweep.
        assert scheduler._aps.get_job(WAKE) is None
        assert {job.id for job in scheduler._aps.get_jobs()} == {"sweep", "drafts"}
    finally:
        await scheduler.stop()


async def test_a_reminder_due_during_a_tick_is_delivered_without_waiting_for_the_sweep(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    # APScheduler keeps real time: with the clock behind it, every wake is due at once.
    core.clock.set(datetime.now(UTC) - timedelta(minutes=5))
    await schedule(core, "remind me in 1 minute to stretch")
    await schedule(core, "remind me in 2 minutes to drink water")
    deliver = core.platform.deliver

    async def slow(delivery: Delivery) -> str:
        core.clock.advance(timedelta(minutes=2))  # the next reminder comes due meanwhile
        return await deliver(delivery)

    monkeypatch.setattr(core.platform, "deliver", slow)
    scheduler = Scheduler(core.dispatcher, core.repo, core.clock, sweep=timedelta(hours=1))
    await scheduler.start()
    try:
        core.clock.advance(timedelta(minutes=1))
        scheduler.arm(core.clock.now())
        # The wake re-armed by the tick that delivered "stretch" must run, not be skipped
        # as an instance of a job still running, which left it to the sweep.
        for _ in range(100):
            if len(core.platform.delivered) == 2:
                break
            await asyncio.sleep(0.05)
        assert [d.reminder.message for d in core.platform.delivered] == ["stretch", "drink water"]
    finally:
        await scheduler.stop()
