"""Numbered choices and lists through the chat front: the person's own numbers, pages,
deleting with Undo, reaching an earlier delivery, and changing a stored reminder."""

from __future__ import annotations

from datetime import timedelta

from bot.core import actions
from bot.core.model import ReminderState
from tests.core.conftest import ANN, BO, CHANNEL, DM, Core


async def _confirm(core: Core, text: str, actor: object = ANN) -> int:
    draft = await core.handle(actor, DM, text)  # type: ignore[arg-type]
    assert draft.reminder_id is not None, draft.text
    await core.press(actor, DM, actions.CONFIRM, str(draft.reminder_id))  # type: ignore[arg-type]
    return draft.reminder_id


async def test_numbers_are_each_owners_own_and_drafts_given_up_do_not_eat_them(
    core: Core,
) -> None:
    await _confirm(core, "remind me tomorrow at 9 to stretch", BO)
    for _ in range(3):
        draft = await core.handle(ANN, DM, "remind me tomorrow at 9 to stretch")
        await core.press(ANN, DM, actions.CANCEL, str(draft.reminder_id))
    draft = await core.handle(ANN, DM, "remind me tomorrow at 10 to call Bo")
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert done.text.startswith("Scheduled #1: ")
    core.clock.advance(timedelta(days=2))
    assert await core.repo.expire_drafts(core.clock.now()) == 0
    draft = await core.handle(ANN, DM, "remind me in 1 hour to walk")
    core.clock.advance(timedelta(days=1, minutes=1))
    assert await core.repo.expire_drafts(core.clock.now()) == 1
    await _confirm(core, "remind me in 1 hour to walk")
    numbers = [r.number for r in await core.repo.list_for(ANN.key, [ReminderState.SCHEDULED])]
    assert numbers == [1, 2]  # the expired draft gave #2 back


async def test_list_shows_zone_target_rule_and_next_date(core: Core) -> None:
    await core.handle(ANN, DM, "set my timezone to Europe/Copenhagen")
    await _confirm(core, "remind me tomorrow at 9 to water the plants")
    await _confirm(core, "remind @bo every Monday at 10 about the standup")
    listing = await core.handle(ANN, DM, "list")
    assert listing.text.splitlines() == [
        "Your upcoming reminders (times in Europe/Copenhagen):",
        "  #1  Tue 24 Nov 2026 09:00  to you \u2014 water the plants",
        "  #2  every Monday at 10:00, next Mon 30 Nov 10:00  to @bo \u2014 the standup",
    ]
    assert [b.label for b in listing.buttons] == ["Edit #1", "Delete #1", "Edit #2", "Delete #2"]


async def test_list_pages_by_ten_and_more_goes_on(core: Core) -> None:
    for hour in range(12, 24):
        await _confirm(core, f"remind me tomorrow at {hour}:30 to task {hour}")
    first = await core.handle(ANN, DM, "list")
    assert first.text.count("\n  #") == 10
    assert first.text.endswith("Showing 1\u201310. Type 'more' for the next ones.")
    second = await core.handle(ANN, DM, "more")
    assert second.text.splitlines()[1:] == [
        "  #11  Tue 24 Nov 2026 22:30  to you \u2014 task 22",
        "  #12  Tue 24 Nov 2026 23:30  to you \u2014 task 23",
    ]
    assert (await core.handle(ANN, DM, "more")).text.startswith("There is no list to continue")


async def test_list_done_and_list_all_show_the_past(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await _confirm(core, "remind me tomorrow at 9 to call Bo")
    await core.tick(timedelta(minutes=10))
    done = await core.handle(ANN, DM, "list done")
    assert done.text.splitlines() == [
        "Your past reminders (times in UTC):",
        "  #1  completed Mon 23 Nov 2026 09:10  to you \u2014 stretch",
    ]
    every = await core.handle(ANN, DM, "list all")
    assert [line.split()[0] for line in every.text.splitlines()[1:]] == ["#2", "#1"]
    assert (await core.handle(BO, DM, "list done")).text == "You have no past reminders."


async def test_delete_from_a_list_offers_undo_for_a_minute(core: Core) -> None:
    rid = await _confirm(core, "remind me tomorrow at 9 to call Bob")
    listing = await core.handle(ANN, DM, "list")
    delete = next(b for b in listing.buttons if b.action_id == actions.DELETE)
    deleted = await core.press(ANN, DM, actions.DELETE, delete.value)
    assert deleted.text.startswith("Deleted reminder #1 (call Bob). Undo within a minute")
    assert [b.label for b in deleted.buttons] == ["Undo"]
    assert (await core.handle(ANN, DM, "list")).text == "You have no upcoming reminders."
    back = await core.press(ANN, DM, actions.UNDO, deleted.buttons[0].value)
    assert back.text.startswith("Restored reminder #1: Tuesday 24 November 2026 at 09:00")
    await core.handle(ANN, DM, "delete 1")
    core.clock.advance(timedelta(minutes=2))
    late = await core.press(ANN, DM, actions.UNDO, str(rid))
    assert late.text.startswith("That delete is more than a minute old")
    assert (await core.handle(ANN, DM, "undo")).text.startswith("There is nothing to undo")
    assert await core.tick(timedelta(days=1)) == 0


async def test_typed_undo_brings_back_the_last_delete_and_it_is_delivered(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await core.handle(ANN, DM, "delete #1")
    restored = await core.handle(ANN, DM, "undo")
    assert restored.text.startswith("Restored reminder #1: ")
    assert await core.tick(timedelta(minutes=10)) == 1


async def test_an_earlier_delivery_is_reached_by_its_number(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await _confirm(core, "remind me in 20 minutes to drink water")
    await core.tick(timedelta(minutes=10))
    await core.tick(timedelta(minutes=10))
    snoozed = await core.handle(ANN, DM, "snooze 1 1h")
    assert snoozed.text == "Reminder: stretch \u2014 Snoozed until 10:20"
    done = await core.handle(ANN, DM, "done 2")
    assert done.text == "Reminder: drink water \u2014 Completed"
    two_hours = await core.handle(ANN, DM, "snooze 2 hours")  # a length, not reminder #2
    assert two_hours.text == "Reminder: drink water \u2014 Snoozed until 11:20"
    assert (await core.handle(ANN, DM, "done 3")).text == "You have no reminder #3."
    await _confirm(core, "remind me tomorrow to call Bo")
    assert (await core.handle(ANN, DM, "done 3")).text.startswith("Reminder #3 has not come yet")


async def test_snooze_knows_every_unit_the_parser_knows(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await _confirm(core, "remind me in 20 minutes to drink water")
    await core.tick(timedelta(minutes=10))
    await core.tick(timedelta(minutes=10))
    # "wks" is a unit as "hours" is: a length, not reminder #2 with the word "wks".
    two_weeks = await core.handle(ANN, DM, "snooze 2 wks")
    assert two_weeks.text == "Reminder: drink water \u2014 Snoozed until Mon 07 Dec 09:20"
    one_month = await core.handle(ANN, DM, "snooze 1 1mo")
    assert one_month.text == "Reminder: stretch \u2014 Snoozed until Wed 23 Dec 09:20"


async def test_snooze_with_a_number_and_no_time_asks_until_when(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await core.tick(timedelta(minutes=10))
    asked = await core.handle(ANN, DM, "snooze 1", modals=False)
    assert asked.text == "Until when? (e.g. 4pm, in 20 minutes)"
    answered = await core.handle(ANN, DM, "4pm")
    assert answered.text == "Reminder: stretch \u2014 Snoozed until 16:00"


async def test_edit_and_move_reschedule_a_stored_reminder_in_place(core: Core) -> None:
    rid = await _confirm(core, "remind me tomorrow at 9 to call Bob")
    changed = await core.handle(ANN, DM, "edit 1 Friday 10am")
    assert changed.text == (
        "Changed #1: Friday 27 November 2026 at 10:00 (UTC), in 4 days \u2014 call Bob"
    )
    moved = await core.handle(ANN, DM, "move #1 to 4pm")
    assert moved.text.startswith("Changed #1: Monday 23 November 2026 at 16:00 (UTC)")
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state is ReminderState.SCHEDULED and rem.number == 1
    assert await core.tick(timedelta(hours=7)) == 1
    assert core.platform.texts() == ["Reminder: call Bob"]


async def test_edit_with_only_a_number_asks_and_the_next_message_answers(core: Core) -> None:
    await _confirm(core, "remind me tomorrow at 9 to call Bob")
    asked = await core.handle(ANN, DM, "edit 1", modals=False)
    assert asked.text == (
        "Send the new time (or the whole new phrase) for #1.\n"
        "  (was: remind me tomorrow at 9 to call Bob)"
    )
    answered = await core.handle(ANN, DM, "Thursday 8am")
    assert answered.text.startswith("Changed #1: Thursday 26 November 2026 at 08:00")
    # A command is never the answer to the question before it.
    await core.handle(ANN, DM, "edit 1", modals=False)
    listing = await core.handle(ANN, DM, "list")
    assert listing.text.startswith("Your upcoming reminders")


async def test_a_series_is_not_silently_made_a_one_off(core: Core) -> None:
    await _confirm(core, "remind me every Monday at 10 to plan the week")
    refused = await core.handle(ANN, DM, "edit 1 Friday 10am")
    assert refused.text.startswith("#1 repeats (every Monday at 10:00). To change it give")
    changed = await core.handle(ANN, DM, "edit 1 every Tuesday at 11")
    assert changed.text.startswith("Changed #1: every Tuesday at 11:00; Tuesday 24 November")
    assert changed.text.endswith("\u2014 plan the week")


async def test_the_edit_button_of_a_list_edits_in_place(core: Core) -> None:
    rid = await _confirm(core, "remind me tomorrow at 9 to call Bob")
    listing = await core.handle(ANN, DM, "list")
    edit = next(b for b in listing.buttons if b.action_id == actions.EDIT)
    asked = await core.press(ANN, DM, actions.EDIT, edit.value)
    assert asked.prompt is not None and asked.prompt.label == "New time or phrase"
    changed = await core.press(ANN, DM, actions.EDIT, str(rid), text="Friday 10am")
    assert changed.text.startswith("Changed #1: Friday 27 November 2026 at 10:00")


async def test_done_in_a_channel_is_about_that_channels_reminder(core: Core) -> None:
    core.platform.members["C-ops"] = {"ann", "bo", "BOT"}
    draft = await core.handle(ANN, CHANNEL, "remind here in 10 minutes to rotate logs")
    await core.press(ANN, CHANNEL, actions.CONFIRM, str(draft.reminder_id))
    await core.tick(timedelta(minutes=10))
    done = await core.handle(BO, CHANNEL, "done")
    assert done.done_by == ("bo",)
    assert (await core.handle(BO, DM, "done")).text.startswith("No reminder has come to you")
