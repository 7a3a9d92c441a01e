"""The dispatcher: policy, retries, failures, late deliveries and exactly-once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core import actions
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState, ReminderState
from bot.core.ports import DeliveryError
from tests.core.conftest import ANN, DM, Core


async def schedule(core: Core, text: str) -> int:
    reply = await core.service.handle(ANN, DM, text)
    assert reply.reminder_id is not None, reply.text
    await core.service.press(ANN, DM, actions.CONFIRM, str(reply.reminder_id))
    return reply.reminder_id


async def test_quiet_hours_defer_delivery_to_their_end(core: Core) -> None:
    await core.service.handle(ANN, DM, "quiet hours 09:30-11:00")
    rid = await schedule(core, "remind me at 10:00 to stretch")
    assert await core.tick(timedelta(hours=1)) == 1
    assert core.platform.delivered == []
    assert await core.tick(timedelta(minutes=59)) == 0
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch (due at 10:00)"]
    history = await core.repo.occurrences(rid)
    assert [o.state for o in history] == [OccurrenceState.SENT]
    assert history[0].attempts == 2


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
