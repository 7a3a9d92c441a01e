"""The rate limit: at most N notifications per person per rolling hour; the rest are held
(never dropped) and go out as one summary when the window has room again.

Through the real Dispatcher over the real repository (SQLite and PostgreSQL), with the
chat front of the ``core`` fixture pressing the summary's buttons, and ManualClock time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import environment
from bot.app import build
from bot.clock import ManualClock
from bot.config import Settings
from bot.core import actions, ratelimit, values
from bot.core.dispatch import Dispatcher, _Journal
from bot.core.model import (
    NewReminder,
    OccurrenceState,
    Reminder,
    TargetKind,
    UserPrefs,
)
from bot.core.ports import DeliveryError, Outcome
from storage import SqlReminderRepository
from tests.core.conftest import ANN, BO, DM, Core
from tests.factories import DUE, new_reminder

LIMIT = 5


def _limited(core: Core, repo: SqlReminderRepository | None = None, **kw: object) -> Dispatcher:
    """A dispatcher like the core fixture's, with the limit on."""
    gateways = {core.platform.platform: core.platform}
    return Dispatcher(repo or core.repo, gateways, core.clock, max_per_hour=LIMIT, **kw)  # type: ignore[arg-type]


def _for(who: str = ANN.key, **overrides: object) -> NewReminder:
    """A one-off due at ``DUE`` on the console platform: to its owner, or to ``who``."""
    base = new_reminder(
        owner=ANN.key,
        platform="console",
        workspace="local",
        conversation=DM.id,
        target_kind=TargetKind.ME,
        target_ref="",
        target_name="",
        created_by=ANN.key,
        tz="UTC",
    )
    if who != ANN.key:
        user = who.rsplit(":", 1)[-1]
        base = replace(base, target_kind=TargetKind.USER, target_ref=user, target_name=user)
    return replace(base, **overrides)  # type: ignore[arg-type]


async def _add(core: Core, count: int, who: str = ANN.key, **kw: object) -> list[Reminder]:
    return [
        await core.repo.add(_for(who, message=f"{who.rsplit(':', 1)[-1]} task {i}", **kw), DUE)
        for i in range(1, count + 1)
    ]


async def _states(core: Core, rems: Sequence[Reminder]) -> list[OccurrenceState]:
    return [occ.state for rem in rems for occ in await core.repo.occurrences(rem.id)]


async def test_eight_at_once_give_five_then_one_summary_of_the_three_held(core: Core) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    rems = await _add(core, 8)
    assert await dispatcher.drain() == 8
    assert len(core.platform.delivered) == 5
    states = await _states(core, rems)
    assert states.count(OccurrenceState.SENT) == 5 and states.count(OccurrenceState.HELD) == 3
    held = [r for r, s in zip(rems, states, strict=True) if s is OccurrenceState.HELD]
    for rem in held:
        stored = await core.repo.get(rem.id)
        assert stored is not None and stored.next_due == DUE + timedelta(hours=1)
    # Nothing more while the five sends are younger than an hour.
    core.clock.advance(timedelta(minutes=59, seconds=59))
    assert await dispatcher.drain() == 0
    assert len(core.platform.delivered) == 5
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 3
    assert len(core.platform.delivered) == 6
    summary = core.platform.delivered[-1]
    lines = summary.reply.text.splitlines()
    assert lines[0] == "You have 3 reminders:"
    assert [line.split(" ", 1)[1] for line in lines[1:]] == [
        f"{rem.message} (due Mon 23 Nov 10:00)" for rem in held
    ]
    assert [line.split(" ", 1)[0] for line in lines[1:]] == [f"#{rem.number}" for rem in held]
    assert summary.occurrence.reminder_id == held[0].id  # tagged with the oldest held one
    for rem in held:
        (occ,) = await core.repo.occurrences(rem.id)
        assert (occ.state, occ.message_ref, occ.error) == (OccurrenceState.SENT, "msg-6", None)
        lines_of = [(a.action, a.detail) for a in await core.repo.audit_for(rem.id)]
        dispatched = [(action, d) for action, d in lines_of if action != "create"]
        assert [action for action, _ in dispatched] == ["held", "sent_in_summary"]
        assert dispatched[0][1] == {"occurrence": occ.id, "channel": "chat", "reason": "rate_limit"}
        assert dispatched[1][1] == {"occurrence": occ.id, "channel": "chat", "message_ref": "msg-6"}
    # One summary, once: nothing is left to send.
    assert await core.tick(timedelta(hours=2)) == 0
    assert len(core.platform.delivered) == 6


async def test_each_summary_button_acts_on_its_own_reminder_and_leaves_the_summary(
    core: Core,
) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    rems = await _add(core, 8)
    await dispatcher.drain()
    core.clock.set(DUE + timedelta(hours=1))
    await dispatcher.drain()
    summary = core.platform.delivered[-1].reply
    assert [b.action_id for b in summary.buttons] == [actions.COMPLETE, actions.SNOOZE] * 3
    completes = [b for b in summary.buttons if b.action_id == actions.COMPLETE]
    snoozes = [b for b in summary.buttons if b.action_id == actions.SNOOZE]
    held_ids = [int(b.value.split(":")[0]) for b in completes]
    assert held_ids == [rem.id for rem in rems[5:]]
    first, second, third = held_ids

    said = await core.press(ANN, DM, actions.COMPLETE, completes[1].value)
    assert not said.replace  # the summary stays, with the other reminders' buttons
    assert said.text == "Reminder: ann task 7 \u2014 Completed"
    done = {rid: (await core.repo.occurrences(rid))[0].completed_by for rid in held_ids}
    assert done == {first: (), second: (ANN.key,), third: ()}

    said = await core.press(ANN, DM, actions.SNOOZE, snoozes[2].value)
    assert not said.replace and said.text.startswith("Reminder: ann task 8 \u2014 Snoozed until")
    moved = await core.repo.get(third)
    assert moved is not None and moved.next_due == core.clock.now() + timedelta(hours=1)
    untouched = await core.repo.get(first)
    assert untouched is not None and untouched.next_due is None

    # Someone else may not act on them (the buttons' values are not a key).
    said = await core.press(BO, DM, actions.COMPLETE, completes[0].value)
    assert said.text == "Only the person who set this reminder (or its recipient) can do that."
    assert (await core.repo.occurrences(first))[0].completed_by == ()

    # "done" reaches a reminder delivered in the summary as it would a lone delivery.
    await core.handle(ANN, DM, f"done {rems[5].number}")
    assert (await core.repo.occurrences(first))[0].completed_by == (ANN.key,)


async def test_urgent_reminders_pass_the_limit_and_quiet_hours(core: Core) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    await _add(core, LIMIT)
    assert await dispatcher.drain() == LIMIT
    (urgent,) = await _add(core, 1, urgent=True)
    (normal,) = await _add(core, 1)
    assert await dispatcher.drain() == 2
    assert await _states(core, [urgent, normal]) == [OccurrenceState.SENT, OccurrenceState.HELD]
    assert core.platform.delivered[-1].reminder.id == urgent.id
    # Quiet hours from 10:00 to 12:00: the urgent one comes all the same.
    await core.repo.save_user(UserPrefs(key=ANN.key, quiet_start=time(10), quiet_end=time(12)))
    core.clock.set(DUE + timedelta(minutes=5))
    loud = await core.repo.add(_for(urgent=True, message="fire"), DUE)
    calm = await core.repo.add(_for(message="water the plants"), DUE)
    await dispatcher.drain()
    assert await _states(core, [loud]) == [OccurrenceState.SENT]
    (quiet_occ,) = await core.repo.occurrences(calm.id)
    assert (quiet_occ.state, quiet_occ.error) == (OccurrenceState.DEFERRED, "quiet")


async def test_a_held_reminder_in_quiet_hours_stays_held_and_joins_the_summary(
    core: Core,
) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    rems = await _add(core, LIMIT + 2)
    await dispatcher.drain()
    # The window opens at 11:00, inside quiet hours 10:30-12:00: held until they end.
    await core.repo.save_user(UserPrefs(key=ANN.key, quiet_start=time(10, 30), quiet_end=time(12)))
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 2
    assert len(core.platform.delivered) == LIMIT
    held = [(await core.repo.occurrences(rem.id))[0] for rem in rems[LIMIT:]]
    assert {(o.state, o.error) for o in held} == {(OccurrenceState.HELD, "rate_limit,quiet")}
    core.clock.set(DUE + timedelta(hours=2))
    assert await dispatcher.drain() == 2
    assert len(core.platform.delivered) == LIMIT + 1
    assert core.platform.delivered[-1].reply.text.startswith("You have 2 reminders:")


async def test_channel_reminders_are_neither_limited_nor_counted(core: Core) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    channel = {"target_kind": TargetKind.CHANNEL, "target_ref": "C-ops", "target_name": "ops"}
    posts = [await core.repo.add(_for(message=f"ops {i}", **channel), DUE) for i in range(8)]
    await _add(core, LIMIT)
    assert await dispatcher.drain() == 8 + LIMIT
    assert len(core.platform.delivered) == 8 + LIMIT
    assert set(await _states(core, posts)) == {OccurrenceState.SENT}


async def test_two_people_are_counted_separately(core: Core) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core)
    ann = await _add(core, LIMIT + 1)
    bo = await _add(core, LIMIT + 1, who=BO.key)
    assert await dispatcher.drain() == 2 * (LIMIT + 1)
    ann_states, bo_states = await _states(core, ann), await _states(core, bo)
    for states in (ann_states, bo_states):
        assert states.count(OccurrenceState.SENT) == LIMIT
        assert states.count(OccurrenceState.HELD) == 1
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 2
    summaries = core.platform.delivered[-2:]
    assert {s.reply.text for s in summaries} == {
        f"You have 1 reminder:\n#{ann[-1].number} ann task 6 (due Mon 23 Nov 10:00)",
        f"You have 1 reminder:\n#{bo[-1].number} bo task 6 (due Mon 23 Nov 10:00)",
    }
    assert {s.reminder.recipient.key for s in summaries if s.reminder.recipient} == {
        ANN.key,
        BO.key,
    }


async def test_the_window_rolls_the_summary_counts_once_and_later_sends_wait_for_it(
    core: Core,
) -> None:
    # Sends at 10:00, 10:10 ... 10:40 fill the window; the sixth at 10:50 is held until
    # 11:00, when the 10:00 send turns an hour old.
    dispatcher = _limited(core)
    for minute in range(0, 60, 10):
        core.clock.set(DUE + timedelta(minutes=minute))
        await core.repo.add(_for(message=f"at {minute}", next_due=core.clock.now()), DUE)
        await dispatcher.drain()
    assert len(core.platform.delivered) == LIMIT
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 1
    assert core.platform.delivered[-1].reply.text.startswith("You have 1 reminder:")
    # Now 10:10 ... 10:40 and the summary (one notification) fill it again: the next is
    # held until 11:10.
    late = await core.repo.add(_for(message="later", next_due=core.clock.now()), DUE)
    await dispatcher.drain()
    assert await _states(core, [late]) == [OccurrenceState.HELD]
    stored = await core.repo.get(late.id)
    assert stored is not None and stored.next_due == DUE + timedelta(hours=1, minutes=10)


async def test_nothing_is_dropped_across_a_restart(core: Core) -> None:
    core.clock.set(DUE)
    rems = await _add(core, 8)
    first = _limited(core)
    await first.drain()
    assert len(core.platform.delivered) == LIMIT
    # The process stops; another starts on the same database.
    second = _limited(core)
    core.clock.set(DUE + timedelta(hours=1))
    assert await second.drain() == 3
    assert set(await _states(core, rems)) == {OccurrenceState.SENT}
    assert len(core.platform.delivered) == LIMIT + 1


class LosingRepository(SqlReminderRepository):
    """The real repository, whose writes of summaries fail (the process dies after the
    post, before recording it)."""

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if any(outcome.action == "sent_in_summary" for outcome in outcomes):
            raise OperationalError("UPDATE", {}, Exception("connection reset"))
        await super().record_outcomes(outcomes, now)


async def test_a_summary_posted_but_not_recorded_is_found_not_sent_again(
    core: Core, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Journal, "RETRIES", (0.01,))
    core.clock.set(DUE)
    rems = await _add(core, 8)
    await _limited(core).drain()
    # The write is given up at once (a process that died would not retry it at all).
    losing = _limited(
        core, LosingRepository(engine, clock=core.clock), outcome_patience=timedelta(0)
    )
    core.clock.set(DUE + timedelta(hours=1))
    await losing.run_due()
    assert len(core.platform.delivered) == LIMIT + 1  # posted, and not recorded
    assert OccurrenceState.HELD not in await _states(core, rems[:LIMIT])
    searched = core.platform.searched
    # The leases run out; the next claim finds the post instead of posting again.
    core.clock.advance(timedelta(minutes=3))
    assert await _limited(core).drain() == 3
    assert core.platform.searched == searched + 1
    assert len(core.platform.delivered) == LIMIT + 1
    for rem in rems[LIMIT:]:
        (occ,) = await core.repo.occurrences(rem.id)
        assert (occ.state, occ.message_ref) == (OccurrenceState.SENT, "msg-6")


async def test_a_summary_that_fails_for_a_while_stays_held_and_goes_out_later(
    core: Core,
) -> None:
    core.clock.set(DUE)
    rems = await _add(core, LIMIT + 2)
    dispatcher = _limited(core)
    await dispatcher.drain()
    core.platform.faults.append(DeliveryError("ratelimited", temporary=True, retry_after=30))
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 2
    held = [(await core.repo.occurrences(rem.id))[0] for rem in rems[LIMIT:]]
    assert {(o.state, o.error) for o in held} == {(OccurrenceState.HELD, "rate_limit,ratelimited")}
    core.clock.advance(timedelta(seconds=30))
    assert await dispatcher.drain() == 2
    assert core.platform.delivered[-1].reply.text.startswith("You have 2 reminders:")
    assert set(await _states(core, rems)) == {OccurrenceState.SENT}


async def test_without_a_limit_nothing_is_held(core: Core) -> None:
    core.clock.set(DUE)
    rems = await _add(core, 8)
    assert await core.dispatcher.drain() == 8  # the fixture's dispatcher has no limit
    assert set(await _states(core, rems)) == {OccurrenceState.SENT}


async def test_the_default_of_five_comes_from_the_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'limit.db'}"
    app = await build(Settings(database_url=url), ManualClock(DUE))
    try:
        assert app.dispatcher.max_per_hour == 5
    finally:
        await app.close()
    environ = {"REMINDBOT_DATABASE_URL": url, "REMINDBOT_MAX_PER_USER_PER_HOUR": "0"}
    app = await build(environment.load(environ, tmp_path).settings, ManualClock(DUE))
    try:
        assert app.dispatcher.max_per_hour is None  # 0 turns the limit off
    finally:
        await app.close()


def test_a_summary_counts_once_and_the_window_reopens_as_the_oldest_ages_out() -> None:
    at = [DUE + timedelta(minutes=m) for m in (0, 5, 5, 5, 20)]
    rows = [(at[0], "m1"), (at[1], "m2"), (at[2], "m2"), (at[3], "m2"), (at[4], None)]
    moments = ratelimit.notifications(rows)
    assert moments == [at[0], at[1], at[4]]
    assert ratelimit.reopens(moments, 3) == at[0] + timedelta(hours=1)
    assert ratelimit.reopens(moments, 2) == at[1] + timedelta(hours=1)


async def test_the_summary_in_danish(core: Core) -> None:
    await core.repo.save_user(UserPrefs(key=ANN.key, language="da"))
    core.clock.set(DUE)
    dispatcher = _limited(core)
    rems = await _add(core, LIMIT + 2)
    await dispatcher.drain()
    core.clock.set(DUE + timedelta(hours=1))
    await dispatcher.drain()
    reply = core.platform.delivered[-1].reply
    assert reply.text.splitlines()[0] == "Du har 2 påmindelser:"
    assert [b.label for b in reply.buttons] == [
        f"Fuldfør #{rems[5].number}",
        f"Udsæt #{rems[5].number} 1 time",
        f"Fuldfør #{rems[6].number}",
        f"Udsæt #{rems[6].number} 1 time",
    ]


async def test_many_held_list_all_and_put_buttons_on_the_first_ten(core: Core) -> None:
    core.clock.set(DUE)
    dispatcher = _limited(core, batch=50)
    await _add(core, LIMIT + 12)
    await dispatcher.drain()
    core.clock.set(DUE + timedelta(hours=1))
    await dispatcher.drain()
    reply = core.platform.delivered[-1].reply
    lines = reply.text.splitlines()
    assert lines[0] == "You have 12 reminders:" and len(lines) == 14
    assert lines[-1].startswith("Buttons are on the first 10;")
    assert len(reply.buttons) == 20


async def test_deliveries_of_one_batch_are_counted_in_it(core: Core) -> None:
    # The sixth of one batch is held even though nothing was sent before the batch.
    core.clock.set(DUE)
    rems = await _add(core, LIMIT + 1)
    assert await _limited(core, batch=LIMIT + 1).run_due() == LIMIT + 1
    assert (await _states(core, rems)).count(OccurrenceState.HELD) == 1


ENGINE_DOC = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text()


async def test_the_summary_in_the_docs_is_the_one_sent(core: Core) -> None:
    docs = ENGINE_DOC
    shown = docs.split("## Rate limit", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    example = [line.strip() for line in shown.strip().splitlines()]
    core.clock.set(DUE)
    dispatcher = _limited(core)
    for n in range(1, LIMIT + 1):
        await core.repo.add(_for(message=f"task {n}"), DUE)
    for message in ("call the vet", "send the invoice", "water the plants"):
        await core.repo.add(_for(message=message), DUE)
    await dispatcher.drain()
    core.clock.set(DUE + timedelta(hours=1))
    await dispatcher.drain()
    assert core.platform.delivered[-1].reply.text.splitlines() == example


async def test_a_summary_refused_for_good_fails_its_occurrences_and_tells_the_owner(
    core: Core,
) -> None:
    core.clock.set(DUE)
    rems = await _add(core, LIMIT + 2)
    dispatcher = _limited(core)
    await dispatcher.drain()
    core.platform.faults.append(DeliveryError("user_not_found", temporary=False))
    core.clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 2
    held = [(await core.repo.occurrences(rem.id))[0] for rem in rems[LIMIT:]]
    assert {(o.state, o.error) for o in held} == {(OccurrenceState.FAILED, "user_not_found")}
    assert [owner for owner, _ in core.platform.notices] == [ANN.key, ANN.key]
    assert await core.tick(timedelta(hours=2)) == 0


async def test_two_processes_at_the_summary_send_it_once(core: Core) -> None:
    core.clock.set(DUE)
    await _add(core, 8)
    await _limited(core).drain()
    core.clock.set(DUE + timedelta(hours=1))
    one, two = _limited(core), _limited(core)
    counts = await asyncio.gather(one.drain(), two.drain())
    assert sorted(counts) == [0, 3]
    assert len(core.platform.delivered) == LIMIT + 1
    assert core.platform.delivered[-1].reply.text.startswith("You have 3 reminders:")


def test_summary_buttons_say_so_in_their_value_and_others_do_not() -> None:
    assert values.decode("12:40:summary.1h", occurrence=True).choice == values.in_summary("1h")
    assert values.from_summary(values.in_summary("1h")) == (True, "1h")
    assert values.from_summary(values.in_summary()) == (True, "")
    assert values.from_summary("1h") == (False, "1h")
    assert values.from_summary("summaryish") == (False, "summaryish")
