"""The dispatcher: policy, retries, failures, late deliveries and exactly-once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.core import actions
from bot.core.dispatch import Dispatcher, _Journal
from bot.core.model import Conversation, Delivery, OccurrenceState, ReminderState
from bot.core.ports import DeliveryError, Outcome
from storage import SqlReminderRepository
from tests.core.conftest import ANN, BO, DM, Core

BO_DM = Conversation(id="D-bo", kind="dm")


async def schedule(core: Core, text: str) -> int:
    reply = await core.handle(ANN, DM, text)
    assert reply.reminder_id is not None, reply.text
    await core.press(ANN, DM, actions.CONFIRM, str(reply.reminder_id))
    return reply.reminder_id


async def test_quiet_hours_defer_delivery_to_their_end(core: Core) -> None:
    await core.handle(ANN, DM, "quiet hours 09:30-11:00")
    rid = await schedule(core, "remind me at 10:00 to stretch")
    assert await core.tick(timedelta(hours=1)) == 1
    assert core.platform.delivered == []
    assert await core.tick(timedelta(minutes=59)) == 0
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch (due at 10:00)"]
    history = await core.repo.occurrences(rid)
    assert [o.state for o in history] == [OccurrenceState.SENT]
    assert history[0].attempts == 2


async def test_quiet_hours_longer_than_the_late_limit_do_not_skip_the_reminder(
    core: Core,
) -> None:
    await core.handle(ANN, DM, "quiet hours 09:30-13:00")
    await schedule(core, "remind me at 10:00 to stretch")
    limited = Dispatcher(
        core.repo, {"console": core.platform}, core.clock, late_limit=timedelta(hours=1)
    )
    core.clock.advance(timedelta(hours=1))  # 10:00, quiet: deferred to 13:00
    assert await limited.drain() == 1
    core.clock.advance(timedelta(hours=3))
    assert await limited.drain() == 1
    assert core.platform.texts() == ["Reminder: stretch (due at 10:00)"]


async def test_reminder_due_while_down_is_delivered_late_and_says_so(core: Core) -> None:
    await schedule(core, "remind me at 10:00 to stretch")
    await core.tick(timedelta(hours=5))
    assert core.platform.texts() == ["Reminder: stretch (due at 10:00)"]


async def test_reminders_older_than_the_late_limit_are_skipped(core: Core) -> None:
    rid = await schedule(core, "remind me every day at 10:00 to stretch")
    late = Dispatcher(
        core.repo, {"console": core.platform}, core.clock, late_limit=timedelta(hours=1)
    )
    core.clock.advance(timedelta(hours=3))
    assert await late.drain() == 1
    assert core.platform.delivered == []
    assert [o.state for o in await core.repo.occurrences(rid)] == [OccurrenceState.SKIPPED]
    rem = await core.repo.get(rid)
    assert rem is not None and rem.next_due is not None
    assert rem.next_due.isoformat() == "2026-11-24T10:00:00+00:00"


async def test_rate_limit_waits_for_retry_after_then_delivers_once(core: Core) -> None:
    rid = await schedule(core, "remind me in 1 minute to stretch")
    core.platform.faults = [DeliveryError("ratelimited", temporary=True, retry_after=30)]
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.delivered == []
    assert await core.tick(timedelta(seconds=29)) == 0
    assert await core.tick(timedelta(seconds=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch"]
    history = await core.repo.occurrences(rid)
    assert len(history) == 1 and history[0].state == OccurrenceState.SENT


async def test_server_errors_back_off_and_lose_nothing(core: Core) -> None:
    await schedule(core, "remind me in 1 minute to stretch")
    core.platform.faults = [DeliveryError("http_500", temporary=True) for _ in range(3)]
    await core.tick(timedelta(minutes=1))
    for _ in range(10):
        await core.tick(timedelta(minutes=5))
    assert core.platform.texts() == ["Reminder: stretch (due at 09:01)"]


async def test_permanent_error_fails_the_occurrence_and_tells_the_owner(core: Core) -> None:
    rid = await schedule(core, "remind me in 1 minute to stretch")
    core.platform.faults = [DeliveryError("channel_not_found", temporary=False)]
    await core.tick(timedelta(minutes=1))
    history = await core.repo.occurrences(rid)
    assert [(o.state, o.error) for o in history] == [(OccurrenceState.FAILED, "channel_not_found")]
    assert core.platform.notices[0][0] == ANN.key
    assert "channel_not_found" in core.platform.notices[0][1].text
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state == ReminderState.COMPLETED


async def test_the_owner_hears_of_a_failure_in_their_own_language(core: Core) -> None:
    await core.handle(BO, BO_DM, "set my language to danish")
    await schedule(core, "remind @bo in 1 minute to stretch")
    core.platform.faults = [DeliveryError("user_not_found", temporary=False)]
    await core.tick(timedelta(minutes=1))
    [(owner, notice)] = core.platform.notices
    assert owner == ANN.key
    assert notice.text.startswith("I could not deliver reminder"), notice.text


async def test_an_occurrence_recorded_before_a_crash_is_not_sent_again(core: Core) -> None:
    rid = await schedule(core, "remind me in 1 minute to stretch")
    core.clock.advance(timedelta(minutes=1))
    now = core.clock.now()
    claimed = await core.repo.claim_due(now, now + timedelta(minutes=2), 10)
    assert [r.id for r in claimed] == [rid]
    occ = await core.repo.open_occurrence(rid, claimed[0].next_due or now, now)
    await core.repo.finish_occurrence(occ.id, OccurrenceState.SENT, now, message_ref="m1")
    # The process died here, before advancing the reminder; its lease runs out.
    assert await core.tick(timedelta(minutes=3)) == 1
    assert core.platform.delivered == []
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state == ReminderState.COMPLETED


async def test_a_claim_abandoned_before_delivery_is_delivered_after_the_lease(core: Core) -> None:
    await schedule(core, "remind me in 1 minute to stretch")
    core.clock.advance(timedelta(minutes=1))
    now = core.clock.now()
    assert len(await core.repo.claim_due(now, now + timedelta(minutes=2), 10)) == 1
    assert await core.tick() == 0
    assert await core.tick(timedelta(minutes=2)) == 1
    assert core.platform.texts() == ["Reminder: stretch (due at 09:01)"]


async def test_two_dispatchers_never_deliver_the_same_occurrence(core: Core) -> None:
    ids = [await schedule(core, f"remind me in 1 minute to task {i}") for i in range(60)]
    other = Dispatcher(core.repo, {"console": core.platform}, core.clock, batch=7)
    core.dispatcher.batch = 5
    core.clock.advance(timedelta(minutes=1))
    await asyncio.gather(core.dispatcher.drain(), other.drain(), core.dispatcher.drain())
    delivered = [d.reminder.id for d in core.platform.delivered]
    assert sorted(delivered) == sorted(ids)


async def test_reminders_of_a_platform_without_gateway_are_left_for_another_process(
    core: Core,
) -> None:
    rid = await schedule(core, "remind me in 1 minute to stretch")
    slack_only = Dispatcher(core.repo, {"slack": core.platform}, core.clock)
    core.clock.advance(timedelta(minutes=5))
    assert await slack_only.drain() == 0
    rem = await core.repo.get(rid)
    assert rem is not None and rem.lease_until is None
    assert await core.repo.occurrences(rid) == []
    # The console process delivers it, late but whole.
    assert await core.tick() == 1
    assert core.platform.texts() == ["Reminder: stretch (due at 09:01)"]


async def test_a_batch_that_runs_out_of_lease_releases_the_rest_and_nothing_goes_twice(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await schedule(core, f"remind me in 1 minute to task {i}") for i in range(20)]
    deliver = core.platform.deliver

    async def slow(delivery: Delivery) -> str:
        core.clock.advance(timedelta(seconds=20))  # each call takes 20 s of the 2 min lease
        return await deliver(delivery)

    monkeypatch.setattr(core.platform, "deliver", slow)
    slow_one = Dispatcher(
        core.repo,
        {"console": core.platform},
        core.clock,
        lease=timedelta(minutes=2),
        batch=20,
        concurrency=1,
    )
    core.clock.advance(timedelta(minutes=1))
    assert await slow_one.run_due() == 20
    first = [d.reminder.id for d in core.platform.delivered]
    # Deliveries start only in the first half of the lease: at 0, 20 and 40 s.
    assert len(first) == 3
    # The rest were released at once: the next claim takes them without waiting.
    monkeypatch.undo()
    other = Dispatcher(core.repo, {"console": core.platform}, core.clock)
    assert await other.drain() == 17
    delivered = [d.reminder.id for d in core.platform.delivered]
    assert sorted(delivered) == sorted(ids)


async def test_a_delivery_that_hangs_times_out_and_is_retried(core: Core) -> None:
    rid = await schedule(core, "remind me in 1 minute to stretch")
    hang = asyncio.Event()
    deliver = core.platform.deliver

    async def stuck(delivery: Delivery) -> str:
        if not hang.is_set():
            hang.set()
            await asyncio.Event().wait()
        return await deliver(delivery)

    core.platform.deliver = stuck  # type: ignore[method-assign]
    quick = Dispatcher(
        core.repo, {"console": core.platform}, core.clock, lease=timedelta(seconds=0.2)
    )
    core.clock.advance(timedelta(minutes=1))
    assert await quick.run_due() == 1  # waits 0.05 s of real time, a quarter of the lease
    [occ] = await core.repo.occurrences(rid)
    assert (occ.state, occ.error) == (OccurrenceState.DEFERRED, "timeout")
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch"]


class FlakyRepository(SqlReminderRepository):
    """The real repository whose next ``failures`` outcome writes fail."""

    failures = 0

    def __init__(self, engine: AsyncEngine, *, clock: ManualClock) -> None:
        super().__init__(engine, clock=clock)
        self.outage_over = asyncio.Event()

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if self.failures:
            self.failures -= 1
            if not self.failures:
                self.outage_over.set()
            raise OperationalError("UPDATE", {}, Exception("connection reset"))
        await super().record_outcomes(outcomes, now)


async def test_a_failed_outcome_write_is_retried_and_nothing_goes_twice(
    core: Core, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await schedule(core, f"remind me in 1 minute to task {i}") for i in range(30)]
    flaky = FlakyRepository(engine, clock=core.clock)
    flaky.failures = 2
    monkeypatch.setattr(_Journal, "RETRIES", (0.01, 0.01, 0.01))
    dispatcher = Dispatcher(flaky, {"console": core.platform}, core.clock)
    core.clock.advance(timedelta(minutes=1))
    assert await dispatcher.drain() == 30
    assert flaky.failures == 0
    assert sorted(d.reminder.id for d in core.platform.delivered) == sorted(ids)
    for rid in ids:
        assert [o.state for o in await core.repo.occurrences(rid)] == [OccurrenceState.SENT]
    assert await core.tick(timedelta(minutes=5)) == 0


async def test_when_outcomes_cannot_be_written_no_more_deliveries_start(
    core: Core, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await schedule(core, f"remind me in 1 minute to task {i}") for i in range(30)]
    flaky = FlakyRepository(engine, clock=core.clock)
    flaky.failures = 4  # the first write and its three retries
    monkeypatch.setattr(_Journal, "RETRIES", (0.01, 0.01, 0.01))
    deliver = core.platform.deliver

    async def second_waits_for_the_outage(delivery: Delivery) -> str:
        if len(core.platform.delivered) == 1:
            await flaky.outage_over.wait()
        return await deliver(delivery)

    monkeypatch.setattr(core.platform, "deliver", second_waits_for_the_outage)
    # No patience beyond RETRIES: the write is given up after its three retries.
    dispatcher = Dispatcher(
        flaky, {"console": core.platform}, core.clock, concurrency=1, outcome_patience=timedelta(0)
    )
    core.clock.advance(timedelta(minutes=1))
    assert await dispatcher.run_due() == 30
    # The outcomes of the first two could not be written: no third delivery started.
    assert len(core.platform.delivered) == 2
    # The database is back; after the lease the rest goes out. The first two were posted
    # and not recorded: their posts are found in the conversation, not sent again.
    assert await core.tick(timedelta(minutes=3)) == 30
    delivered = [d.reminder.id for d in core.platform.delivered]
    assert sorted(delivered) == sorted(ids)
    assert core.platform.searched == 30  # every reopened occurrence was looked for first


async def test_outcomes_refused_for_a_while_are_written_once_the_database_is_back(
    core: Core, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outage longer than RETRIES but within the patience: the batch waits, starts
    nothing new, and writes what it delivered when the database answers again; no lease
    has to run out and no conversation is searched."""
    ids = [await schedule(core, f"remind me in 1 minute to task {i}") for i in range(30)]
    flaky = FlakyRepository(engine, clock=core.clock)
    flaky.failures = 12  # the first write, its three retries and eight more
    monkeypatch.setattr(_Journal, "RETRIES", (0.01, 0.01, 0.01))
    dispatcher = Dispatcher(
        flaky,
        {"console": core.platform},
        core.clock,
        concurrency=1,
        outcome_patience=timedelta(seconds=30),
    )
    core.clock.advance(timedelta(minutes=1))
    assert await dispatcher.run_due() == 30
    assert flaky.failures == 0
    assert sorted(d.reminder.id for d in core.platform.delivered) == sorted(ids)
    for rid in ids:
        assert [o.state for o in await core.repo.occurrences(rid)] == [OccurrenceState.SENT]
    assert core.platform.searched == 0
    assert await core.tick(timedelta(minutes=5)) == 0  # nothing left, nothing twice


async def test_a_stopping_process_does_not_wait_out_the_patience(
    core: Core, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await schedule(core, "remind me in 1 minute to stretch")
    flaky = FlakyRepository(engine, clock=core.clock)
    flaky.failures = 10_000
    monkeypatch.setattr(_Journal, "RETRIES", (0.01,))
    dispatcher = Dispatcher(
        flaky, {"console": core.platform}, core.clock, outcome_patience=timedelta(minutes=5)
    )
    core.clock.advance(timedelta(minutes=1))
    batch = asyncio.create_task(dispatcher.run_due())
    await asyncio.sleep(0.2)
    assert not batch.done()  # still trying to write
    dispatcher.stop()
    assert await asyncio.wait_for(batch, 5) == 1  # gave up once stopping
    assert len(core.platform.delivered) == 1


async def test_a_cancelled_batch_still_records_what_it_delivered(core: Core) -> None:
    first = await schedule(core, "remind me in 1 minute to stretch")
    second = await schedule(core, "remind me in 2 minutes to drink water")
    deliver = core.platform.deliver
    started = asyncio.Event()

    async def second_hangs(delivery: Delivery) -> str:
        if delivery.reminder.id == second:
            started.set()
            await asyncio.Event().wait()
        return await deliver(delivery)

    core.platform.deliver = second_hangs  # type: ignore[method-assign]
    core.clock.advance(timedelta(minutes=2))
    task = asyncio.create_task(core.dispatcher.run_due())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [o.state for o in await core.repo.occurrences(first)] == [OccurrenceState.SENT]
    assert [o.state for o in await core.repo.occurrences(second)] == [OccurrenceState.CLAIMED]
