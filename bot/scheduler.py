"""APScheduler as the alarm clock only: the reminders are rows, not jobs.

One ``date`` job (``wake``) is armed at the earliest due time and re-armed whenever an
earlier reminder appears; an ``interval`` job sweeps for rows written by other
processes; a daily-ish job expires old drafts. ``misfire_grace_time=None`` because
APScheduler 3's default of 1 s silently drops late runs under load
(measured: 142 of 2,500 jobs skipped in a 500-job burst on a SQLite job store).

The wake and sweep jobs do not tick themselves: they wake one runner task that ticks, one
tick at a time. A tick re-arms ``wake``, often for a reminder that came due while it ran;
were the job the tick, APScheduler would find it still running (``max_instances=1``),
skip that run and drop the one-off job, and the reminder would wait for the next sweep,
up to 30 s (docs/benchmarks.md, Dispatcher).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.dispatch import Dispatcher
from bot.core.ports import Clock, ReminderRepository

log = logging.getLogger(__name__)
WAKE = "wake"
# A due reminder that no claim could take (leased by another process, or the drain
# failed) is looked at again this much later: re-arming at once would spin.
RETRY = timedelta(seconds=1)


class Scheduler:
    def __init__(
        self,
        dispatcher: Dispatcher,
        repo: ReminderRepository,
        clock: Clock,
        *,
        sweep: timedelta = timedelta(seconds=30),
    ) -> None:
        self.dispatcher = dispatcher
        self.repo = repo
        self.clock = clock
        self.sweep = sweep
        self._armed: datetime | None = None
        self._woken = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()  # set by finish(): the runner ends
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def start(self, *, catch_up_now: bool = True) -> None:
        """Start inside the running loop (AsyncIOScheduler binds to it) and catch up:
        before returning, or (``catch_up_now=False``, ``remindbot run``) in the runner,
        where a SIGTERM during a long catch-up can still stop it gracefully."""
        self._aps.start()
        self._aps.add_job(
            self._tick_soon, "interval", seconds=self.sweep.total_seconds(), id="sweep"
        )
        self._aps.add_job(self.expire, "interval", minutes=15, id="drafts")
        if catch_up_now:
            await self.tick()
        else:
            self._woken.set()
        self._runner = asyncio.create_task(self._run())

    async def finish(self, seconds: float) -> int:
        """The graceful stop (SIGTERM): no new claim or delivery, up to ``seconds`` for
        the deliveries in flight, then the claims not started are released for another
        process; return how many. Past ``seconds`` the tick is cancelled: what it
        delivered is still recorded, a delivery cut off keeps its lease (it may have
        reached the platform; the next claim finds it in the conversation)."""
        self.dispatcher.stop()
        self._stopping.set()
        if self._aps.running:
            self._aps.shutdown(wait=False)
        self._woken.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            try:
                await asyncio.wait_for(asyncio.shield(runner), seconds)
            except TimeoutError:
                log.warning("deliveries still in flight after %g s: cut off", seconds)
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)
        return await self.dispatcher.release_unstarted()

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def problem(self) -> str | None:
        """What ``/healthz`` says of the process: ``None`` while the scheduler runs (and
        before it starts, or once a graceful stop began), else what stopped. Its runner
        survives a failed tick, so this is a task that ended or a timer that went away."""
        if self._runner is None or self._stopping.is_set():
            return None
        if self._runner.done():
            return "the scheduler stopped"
        if not self._aps.running:
            return "the scheduler's timer stopped"
        return None

    def arm(self, when: datetime) -> None:
        """Wake at ``when`` unless already waking earlier. Safe to call from any coroutine."""
        if self._armed is not None and self._armed <= when and self._armed > self.clock.now():
            return
        self._armed = when
        if self._aps.running:
            run_at = max(when, self.clock.now())
            self._aps.add_job(self._wake, "date", run_date=run_at, id=WAKE, replace_existing=True)

    async def _wake(self) -> None:
        """The ``wake`` job: ask the runner for a tick, unless the clock says it is early.

        APScheduler keeps real time; an injected clock behind it (tests) would have every
        wake fire at once, and each tick arm the same wake again, forever.
        """
        if self._armed is None or self._armed <= self.clock.now():
            self._woken.set()

    async def _tick_soon(self) -> None:
        """The ``sweep`` job: ask the runner for a tick; return at once."""
        self._woken.set()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            await self._woken.wait()
            self._woken.clear()
            if self._stopping.is_set():
                return
            try:
                await self.tick()
            except Exception:
                log.exception("scheduler tick failed")

    async def tick(self) -> None:
        try:
            handled = await self.dispatcher.drain()
        except Exception:
            log.exception("dispatch tick failed")
            handled = 0
        if handled:
            log.info("dispatched %d reminder(s)", handled)
        # Only what this process can deliver: a due row of another platform would wake
        # the timer again at once, forever.
        try:
            nxt = await self.repo.next_due(platforms=tuple(self.dispatcher.gateways))
        except Exception as error:
            # The database is away (an outage): look again soon, not at the next sweep;
            # a start with the database gone for a moment must not fail either.
            log.warning("could not read the next due time (%s)", type(error).__name__)
            self._armed = None
            self.arm(self.clock.now() + RETRY)
            return
        self._armed = None
        if nxt is None:
            return
        now = self.clock.now()
        self.arm(nxt if nxt > now or handled else now + RETRY)

    async def expire(self) -> None:
        expired = await self.repo.expire_drafts(self.clock.now())
        if expired:
            log.info("expired %d draft(s)", expired)
