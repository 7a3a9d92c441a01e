"""Escalation and nags through the chat front and the real dispatcher, on SQLite and
PostgreSQL: the lead is told when an occurrence is not done in time, Complete calls it
off, a series escalates each occurrence, a nag stops at Complete, and a target nobody may
reach is refused with nothing stored.

The clock starts on Monday 23 November 2026 at 09:00 UTC (people's zone: UTC).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core import actions
from bot.core.model import (
    Delivery,
    OccurrenceState,
    Reminder,
    ReminderKind,
    ReminderQuery,
    ReminderState,
    TargetKind,
    UserPrefs,
)
from bot.core.ports import DeliveryError, Outcome
from storage import SqlReminderRepository
from tests.core.conftest import ANN, CHANNEL, DM, Core
from tests.factories import new_reminder

TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
INVOICE = "remind me tomorrow at 9am to approve the invoice, and tell @bo if it is not done by 11"


async def _confirm(core: Core, text: str) -> int:
    draft = await core.handle(ANN, DM, text)
    assert draft.reminder_id is not None, draft.text
    scheduled = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert scheduled.text.startswith(("Scheduled #", "Planlagt #")), scheduled.text
    return draft.reminder_id


async def _escalations(core: Core) -> list[Reminder]:
    every = await core.repo.find(ReminderQuery(owner=ANN.key, limit=100))
    return [r for r in every if r.kind is ReminderKind.ESCALATION]


def _to(core: Core, user: str) -> list[Delivery]:
    return [d for d in core.platform.delivered if d.reminder.target_ref == user]


async def test_the_lead_is_told_when_it_is_not_done_with_who_what_and_when(core: Core) -> None:
    draft = await core.handle(ANN, DM, INVOICE)
    assert dict(draft.fields)["Escalation"] == "If not done by 11:00: tell @bo"
    assert dict(draft.fields)["Message"] == "approve the invoice"
    await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert await _escalations(core) == []  # made when an occurrence is sent, not before

    await core.tick(TUESDAY_9 - core.clock.now())
    (sent,) = core.platform.delivered
    assert sent.reminder.target_kind is TargetKind.ME
    (esc,) = await _escalations(core)
    assert (esc.target_kind, esc.target_ref, esc.state) == (
        TargetKind.USER,
        "bo",
        ReminderState.SCHEDULED,
    )
    assert esc.watch_occurrence_id == sent.occurrence.id and esc.parent_id == draft.reminder_id
    assert esc.next_due == TUESDAY_9 + timedelta(hours=2)

    assert await core.tick(timedelta(hours=1, minutes=59)) == 0
    assert _to(core, "bo") == []
    assert await core.tick(timedelta(minutes=1)) == 1
    (told,) = _to(core, "bo")
    assert (
        told.reply.text == "Not done yet: @ann was reminded Tue 24 Nov 09:00: approve the invoice"
    )
    assert told.reply.set_by == "ann"  # adapters show who set it as a mention
    assert told.reply.buttons == ()
    actions_done = [line.action for line in await core.repo.audit_for(esc.id)]
    assert "escalated" in actions_done
    assert await core.tick(timedelta(days=2)) == 0
    assert len(_to(core, "bo")) == 1  # told once


async def test_completing_before_the_deadline_calls_the_escalation_off(core: Core) -> None:
    await _confirm(core, INVOICE)
    await core.tick(TUESDAY_9 - core.clock.now())
    (sent,) = core.platform.delivered
    await core.tick(timedelta(minutes=30))
    done = await core.press(ANN, DM, actions.COMPLETE, sent.reply.buttons[0].value)
    assert done.text == "Reminder: approve the invoice \u2014 Completed"
    (esc,) = await _escalations(core)
    assert esc.state is ReminderState.CANCELLED and esc.next_due is None
    lines = [(a.action, a.actor, a.detail) for a in await core.repo.audit_for(esc.id)]
    assert (
        "escalation_cancelled",
        ANN.key,
        {"occurrence": sent.occurrence.id, "reason": "completed"},
    ) in lines
    assert await core.tick(timedelta(hours=3)) == 0
    assert _to(core, "bo") == []


async def test_done_typed_in_chat_also_calls_it_off(core: Core) -> None:
    await _confirm(core, INVOICE)
    await core.tick(TUESDAY_9 - core.clock.now())
    answer = await core.handle(ANN, DM, "done")
    assert answer.text == "Reminder: approve the invoice \u2014 Completed"
    (esc,) = await _escalations(core)
    assert esc.state is ReminderState.CANCELLED
    assert await core.tick(timedelta(hours=3)) == 0
    assert _to(core, "bo") == []


async def test_completed_where_nothing_cancelled_it_the_escalation_is_skipped_as_done(
    core: Core,
) -> None:
    # The safety net: a completion recorded without the cancel (another process, an old
    # version) is seen when the escalation falls due.
    await _confirm(core, INVOICE)
    await core.tick(TUESDAY_9 - core.clock.now())
    (sent,) = core.platform.delivered
    await core.repo.add_completion(sent.occurrence.id, ANN.key, core.clock.now())
    assert await core.tick(timedelta(hours=2)) == 1
    assert _to(core, "bo") == []
    (esc,) = await _escalations(core)
    (occ,) = await core.repo.occurrences(esc.id)
    assert (occ.state, occ.error) == (OccurrenceState.SKIPPED, "done")
    assert "escalation_cancelled" in [a.action for a in await core.repo.audit_for(esc.id)]


async def test_each_occurrence_of_a_series_escalates_on_its_own(core: Core) -> None:
    rem_id = await _confirm(
        core, "remind me every day at 10 to check the backups, escalate to #ops after 30 minutes"
    )
    await core.tick(timedelta(hours=1))  # Mon 10:00
    assert await core.tick(timedelta(minutes=30)) == 1  # 10:30: #ops is told
    (ops,) = _to(core, "ops")
    assert ops.reply.text == ("Not done yet: @ann was reminded Mon 23 Nov 10:00: check the backups")
    await core.tick(timedelta(hours=23, minutes=30))  # Tue 10:00
    tuesday = [d for d in core.platform.delivered if d.reminder.id == rem_id][-1]
    await core.press(ANN, DM, actions.COMPLETE, tuesday.reply.buttons[0].value)
    assert await core.tick(timedelta(minutes=30)) == 0  # Tuesday's was done in time
    assert len(_to(core, "ops")) == 1
    series = await core.repo.get(rem_id)
    assert series is not None and series.state is ReminderState.SCHEDULED  # goes on
    await core.tick(timedelta(hours=23, minutes=30))  # Wed 10:00
    assert await core.tick(timedelta(minutes=30)) == 1
    assert _to(core, "ops")[-1].reply.text == (
        "Not done yet: @ann was reminded Wed 25 Nov 10:00: check the backups"
    )
    states = sorted(e.state.value for e in await _escalations(core))
    assert states == ["cancelled", "completed", "completed"]


async def test_a_nag_comes_every_30_minutes_until_someone_completes_it(core: Core) -> None:
    draft = await core.handle(ANN, DM, "remind me every 30 minutes until done to submit the report")
    assert dict(draft.fields)["Until done"] == "It repeats until someone completes it."
    rem_id = await _confirm(core, "remind me every 30 minutes until done to submit the report")
    for _ in range(3):
        assert await core.tick(timedelta(minutes=30)) == 1
    nags = [d for d in core.platform.delivered if d.reminder.id == rem_id]
    assert [d.occurrence.due_at.strftime("%H:%M") for d in nags] == ["09:30", "10:00", "10:30"]
    # Complete on an earlier one ends the series, as on the last.
    done = await core.press(ANN, DM, actions.COMPLETE, nags[1].reply.buttons[0].value)
    assert "Completed" in done.text
    rem = await core.repo.get(rem_id)
    assert rem is not None and rem.state is ReminderState.COMPLETED and rem.next_due is None
    assert await core.tick(timedelta(hours=3)) == 0
    assert len([d for d in core.platform.delivered if d.reminder.id == rem_id]) == 3


async def test_a_nag_with_an_escalation_calls_every_one_off_when_done(core: Core) -> None:
    rem_id = await _confirm(
        core,
        "remind me every 30 minutes until done to submit the report "
        "and tell @bo if not done within 1 hour",
    )
    await core.tick(timedelta(minutes=30))  # 09:30
    await core.tick(timedelta(minutes=30))  # 10:00
    assert len(await _escalations(core)) == 2
    last = [d for d in core.platform.delivered if d.reminder.id == rem_id][-1]
    await core.press(ANN, DM, actions.COMPLETE, last.reply.buttons[0].value)
    assert {e.state for e in await _escalations(core)} == {ReminderState.CANCELLED}
    assert await core.tick(timedelta(hours=2)) == 0
    assert _to(core, "bo") == []


async def test_an_escalation_target_out_of_reach_is_refused_and_nothing_stored(
    core: Core,
) -> None:
    core.platform.strangers = {"zed"}
    refused = await core.handle(
        ANN, DM, "remind me tomorrow at 9 to pay and tell @zed if not done by 11"
    )
    assert refused.text == (
        "I can't send reminders to @zed: they are not someone you can message here."
    )
    assert refused.buttons == ()
    core.platform.members = {"C-sec": {"ann"}}  # the bot is not in it
    no_bot = await core.handle(
        ANN, DM, "remind me tomorrow at 9 to pay, escalate to <#C-sec|sec> after 30 minutes"
    )
    assert no_bot.text == "I'm not a member of #sec, so I can't post there. Invite me first."
    assert await core.repo.find(ReminderQuery(owner=ANN.key, with_deleted=True)) == []


async def test_danish_escalation_is_said_in_danish(core: Core) -> None:
    await _confirm(
        core,
        "påmind mig i morgen kl. 9 om at godkende fakturaen og sig det til @bo "
        "hvis det ikke er gjort kl. 11",
    )
    await core.tick(TUESDAY_9 - core.clock.now())
    await core.tick(timedelta(hours=2))
    (told,) = _to(core, "bo")
    assert told.reply.text == (
        "Ikke gjort endnu: @ann blev mindet om det tir 24. nov 09:00: godkende fakturaen"
    )


async def test_an_escalation_in_a_channel_names_the_channel_reminded(core: Core) -> None:
    draft = await core.handle(
        ANN, CHANNEL, "remind here tomorrow at 9 to restock, tell @bo if not done within 2h"
    )
    assert draft.reminder_id is not None, draft.text
    await core.press(ANN, CHANNEL, actions.CONFIRM, str(draft.reminder_id))
    await core.tick(TUESDAY_9 - core.clock.now())
    await core.tick(timedelta(hours=2))
    (told,) = _to(core, "bo")
    assert told.reply.text == "Not done yet: #ops was reminded Tue 24 Nov 09:00: restock"


async def test_a_delivery_that_went_out_after_the_deadline_gets_the_whole_span(
    core: Core,
) -> None:
    await _confirm(core, INVOICE)
    core.platform.faults = [DeliveryError("ratelimited", temporary=True, retry_after=3 * 3600)]
    await core.tick(TUESDAY_9 - core.clock.now())  # 09:00: refused, retried at 12:00
    assert await core.tick(timedelta(hours=3)) == 1  # 12:00: sent, after 11:00
    (esc,) = await _escalations(core)
    assert esc.next_due == core.clock.now() + timedelta(hours=2)


async def test_a_sent_outcome_written_twice_makes_its_escalations_once(
    repo: SqlReminderRepository,
) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    rem = await repo.add(new_reminder(), now)
    occ = await repo.open_occurrence(rem.id, now, now)
    step = new_reminder(
        kind=ReminderKind.ESCALATION,
        target_ref="U2",
        watch_occurrence_id=occ.id,
        parent_id=rem.id,
        next_due=now + timedelta(hours=2),
    )
    sent = Outcome(
        reminder=rem, occurrence_id=occ.id, state=OccurrenceState.SENT, escalations=(step,)
    )
    await repo.record_outcomes([sent], now)
    await repo.record_outcomes([sent], now)  # a retried write, a late writer
    made = [r for r in await repo.find(ReminderQuery(owner=rem.owner)) if r.kind == "escalation"]
    assert [(r.target_ref, r.watch_occurrence_id, r.number) for r in made] == [("U2", occ.id, None)]
    # Not sent, no escalation: a deferred outcome carries none into storage.
    other = await repo.add(new_reminder(), now)
    occ2 = await repo.open_occurrence(other.id, now, now)
    deferred = Outcome(
        reminder=other,
        occurrence_id=occ2.id,
        state=OccurrenceState.DEFERRED,
        escalations=(step,),
    )
    await repo.record_outcomes([deferred], now)
    after = [r for r in await repo.find(ReminderQuery(owner=rem.owner)) if r.kind == "escalation"]
    assert len(after) == 1


async def test_an_edit_giving_only_a_time_keeps_the_escalation(core: Core) -> None:
    rem_id = await _confirm(core, INVOICE)
    changed = await core.handle(ANN, DM, "edit 1 Wednesday 10am")
    assert changed.reminder_id == rem_id, changed.text
    rem = await core.repo.get(rem_id)
    assert rem is not None
    assert [(e.after_minutes, e.target.ref) for e in rem.escalate] == [(120, "bo")]
    again = await core.handle(ANN, DM, "edit 1 Wednesday 10am to approve it")
    assert again.reminder_id == rem_id, again.text
    rem = await core.repo.get(rem_id)
    assert rem is not None and rem.escalate == ()  # a whole new phrase is read whole


async def test_the_person_reminded_is_named_as_the_platform_shows_them(core: Core) -> None:
    await _confirm(core, INVOICE)
    prefs = await core.repo.get_user(ANN.key) or UserPrefs(key=ANN.key)
    await core.repo.save_user(replace(prefs, display_name="Ann Lee"))
    await core.tick(TUESDAY_9 - core.clock.now())
    await core.tick(timedelta(hours=2))
    (told,) = _to(core, "bo")
    assert told.reply.text.startswith("Not done yet: @Ann Lee was reminded Tue 24 Nov 09:00")
