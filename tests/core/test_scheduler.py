"""The alarm clock: what the scheduler arms after a tick, and that it never spins."""

from __future__ import annotations

from datetime import timedelta

from bot.core.dispatch import Dispatcher
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
