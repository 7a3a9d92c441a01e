"""In chat: reminders that stop when a record's status arrives, that fire on a status
change, and several before an event; each shown in the confirmation as it will happen."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import actions
from bot.core.model import ReminderState
from bot.core.records import Records
from tests.core.conftest import ANN, DM, Core


async def _confirmed(core: Core, text: str) -> tuple[int, str]:
    draft = await core.handle(ANN, DM, text)
    assert draft.reminder_id is not None, draft.text
    shown = "\n".join([draft.text, *(f"{k}: {v}" for k, v in draft.fields)])
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert done.text.startswith("Scheduled #"), done.text
    return draft.reminder_id, shown


def _records(core: Core) -> Records:
    return Records(core.repo, core.clock, {"console": core.platform})


async def test_a_series_until_the_case_is_closed_stops_when_it_is(core: Core) -> None:
    rid, shown = await _confirmed(
        core, "remind me every day at 10 about case 123 until it is closed"
    )
    assert "Stops: when case 123 is closed" in shown
    assert await core.tick(timedelta(days=1)) == 1
    await _records(core).set_status("case", "123", "closed")
    assert await core.tick(timedelta(days=3)) == 0
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state is ReminderState.COMPLETED
    assert [r.text for _owner, r in core.platform.notices] == [
        "Stopped: case 123 is closed (Reminder: case 123)"
    ]


async def test_a_trigger_written_in_chat_fires_on_the_change(core: Core) -> None:
    _rid, shown = await _confirmed(core, "remind me when case 77 is resolved to deploy")
    assert "When: when case 77 is resolved" in shown
    assert await core.tick(timedelta(days=1)) == 0
    records = _records(core)
    await records.set_status("case", "77", "open")
    await records.set_status("case", "77", "resolved")
    assert await core.tick() == 1
    assert core.platform.texts() == ["Reminder: deploy (case 77: open \u2192 resolved)"]


async def test_reminders_before_an_event_come_at_each_offset(core: Core) -> None:
    # Monday 09:00 UTC; the event is Friday 15:00 UTC.
    _rid, shown = await _confirmed(
        core, "remind me 1 day and 1 hour before Friday 3pm about the dentist"
    )
    assert "Before: 1 day and 1 hour before Friday 27 November 2026 at 15:00" in shown
    assert "Thu 26 Nov 15:00, Fri 27 Nov 14:00" in shown
    assert await core.tick(timedelta(days=3, hours=6)) == 1  # Thursday 15:00
    assert await core.tick(timedelta(hours=23)) == 1  # Friday 14:00
    assert await core.tick(timedelta(days=7)) == 0
    assert core.platform.texts() == ["Reminder: the dentist", "Reminder: the dentist"]


async def test_an_edit_in_chat_keeps_what_was_set_elsewhere(core: Core) -> None:
    rid, _shown = await _confirmed(
        core, "remind me every day at 10 about case 123 until it is closed"
    )
    rem = await core.repo.get(rid)
    assert rem is not None and rem.stop_statuses == ("closed",)
    # Channels and the event type come from the API, never from a phrase.
    await core.repo.save(replace(rem, channels=("chat",), event_type="followup"), core.clock.now())
    said = await core.handle(ANN, DM, "edit 1 every day at 11")
    assert "11:00" in said.text, said.text
    edited = await core.repo.get(rid)
    assert edited is not None and edited.rrule is not None and "BYHOUR=11" in edited.rrule
    assert (edited.stop_statuses, edited.channels, edited.event_type) == (
        ("closed",),
        ("chat",),
        "followup",
    )
    assert (edited.entity_type, edited.entity_id) == ("case", "123")
