"""Scenarios through core: what a person types and presses, and what is stored and sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import actions
from bot.core.drafts import UPCOMING
from bot.core.model import ReminderState
from tests.core.conftest import ANN, BO, CHANNEL, DM, Core
from tests.core.platform import BOT


async def draft_id(core: Core, text: str, actor: object = ANN) -> int:
    reply = await core.handle(actor, DM, text)  # type: ignore[arg-type]
    assert reply.reminder_id is not None, reply.text
    assert [b.action_id for b in reply.buttons] == [actions.CONFIRM, actions.EDIT, actions.CANCEL]
    return reply.reminder_id


async def confirmed(core: Core, text: str) -> int:
    rid = await draft_id(core, text)
    reply = await core.press(ANN, DM, actions.CONFIRM, str(rid))
    assert reply.text.startswith(f"Scheduled #{rid}"), reply.text
    return rid


async def test_confirmed_reminder_is_delivered_once_at_its_time(core: Core) -> None:
    rid = await confirmed(core, "remind me in 10 minutes to stretch")
    assert await core.tick(timedelta(minutes=9)) == 0
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch"]
    assert await core.tick(timedelta(minutes=30)) == 0
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state == ReminderState.COMPLETED
    occurrences = await core.repo.occurrences(rid)
    assert [o.state.value for o in occurrences] == ["sent"]
    assert occurrences[0].message_ref == "msg-1"


async def test_confirmation_shows_time_target_and_message(core: Core) -> None:
    await core.handle(ANN, DM, "set my timezone to Europe/Copenhagen")
    reply = await core.handle(ANN, DM, "remind me Friday 9am about case 123")
    assert dict(reply.fields) == {
        "When": "Friday 27 November 2026 at 09:00 (Europe/Copenhagen), in 4 days",
        "To": "you",
        "Message": "case 123",
    }
    rem = await core.repo.get(reply.reminder_id or 0)
    assert rem is not None and rem.entity_type == "case" and rem.entity_id == "123"


async def test_draft_is_not_delivered_until_confirmed(core: Core) -> None:
    await draft_id(core, "remind me in 5 minutes to stretch")
    assert await core.tick(timedelta(minutes=10)) == 0
    assert core.platform.delivered == []


async def test_cancelled_draft_schedules_nothing(core: Core) -> None:
    rid = await draft_id(core, "remind me in 5 minutes to stretch")
    reply = await core.press(ANN, DM, actions.CANCEL, str(rid))
    assert reply.text == "Cancelled. Nothing was scheduled."
    again = await core.press(ANN, DM, actions.CONFIRM, str(rid))
    # A draft given up gives its number back, so the sentence names none.
    assert again.text == "That reminder is already cancelled."
    assert await core.tick(timedelta(hours=1)) == 0


async def test_edit_rereads_the_draft_quietly_and_confirm_uses_the_new_text(core: Core) -> None:
    rid = await draft_id(core, "remind me in 5 minutes to stretch")
    ask = await core.press(ANN, DM, actions.EDIT, str(rid))
    assert ask.prompt is not None and ask.prompt.initial == "remind me in 5 minutes to stretch"
    edited = await core.press(ANN, DM, actions.EDIT, str(rid), text="remind me in 2 hours to walk")
    assert dict(edited.fields)["Message"] == "walk"
    bad = await core.press(ANN, DM, actions.EDIT, str(rid), text="remind me whenever")
    assert bad.text.startswith("I could not find a time")
    await core.press(ANN, DM, actions.CONFIRM, str(rid))
    assert await core.tick(timedelta(minutes=5)) == 0
    assert await core.tick(timedelta(hours=1, minutes=55)) == 1
    assert core.platform.texts() == ["Reminder: walk"]


async def test_refused_phrase_stores_nothing_and_explains(core: Core) -> None:
    reply = await core.handle(ANN, DM, "remind me to call <!channel> yesterday")
    assert reply.reminder_id is None
    assert reply.text.startswith("That time has already passed.")
    assert "<!channel>" not in reply.text
    assert await core.repo.list_for(ANN.key, [ReminderState.DRAFT, *UPCOMING]) == []


async def test_drafts_expire_after_a_day(core: Core) -> None:
    rid = await draft_id(core, "remind me in 3 days to stretch")
    core.clock.advance(timedelta(hours=24, minutes=1))
    assert await core.repo.expire_drafts(core.clock.now()) == 1
    reply = await core.press(ANN, DM, actions.CONFIRM, str(rid))
    assert reply.text == "That reminder is already cancelled."


async def test_snooze_delivers_again_after_the_chosen_time(core: Core) -> None:
    await confirmed(core, "remind me in 10 minutes to stretch")
    await core.tick(timedelta(minutes=10))
    menu = core.platform.delivered[0].reply.menus[0]
    fifteen = dict(menu.options)["15 minutes"]
    reply = await core.press(ANN, DM, actions.SNOOZE, fifteen)
    assert reply.replace and reply.text == "Reminder: stretch \u2014 Snoozed until 09:25"
    assert await core.tick(timedelta(minutes=14)) == 0
    assert await core.tick(timedelta(minutes=1)) == 1
    assert core.platform.texts() == ["Reminder: stretch", "Reminder: stretch"]


async def test_snooze_accepts_a_phrase_and_refuses_nonsense(core: Core) -> None:
    await confirmed(core, "remind me in 10 minutes to stretch")
    await core.tick(timedelta(minutes=10))
    value = core.platform.delivered[0].reply.menus[0].options[-1][1]
    custom = await core.press(ANN, DM, actions.SNOOZE, value)
    assert custom.prompt is not None
    # The answer goes back with the prompt's own value, as an adapter sends it.
    base = custom.prompt.value
    occ = core.platform.delivered[0].occurrence
    assert base == f"{occ.reminder_id}:{occ.id}"
    bad = await core.press(ANN, DM, actions.SNOOZE, base, text="whenever")
    assert bad.text.startswith("I could not read that snooze time")
    good = await core.press(ANN, DM, actions.SNOOZE, base, text="until 4pm")
    assert good.text.endswith("Snoozed until 16:00")
    assert await core.tick(timedelta(hours=6, minutes=49)) == 0
    assert await core.tick(timedelta(minutes=1)) == 1


async def test_recurring_reminder_keeps_local_time_across_dst(core: Core) -> None:
    core.clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await core.handle(ANN, DM, "set my timezone to Europe/Copenhagen")
    await confirmed(core, "remind me every day at 9am to water the plants")
    for _ in range(4):
        await core.tick(timedelta(days=1))
    sent = [d.occurrence.due_at for d in core.platform.delivered]
    assert [s.isoformat() for s in sent] == [
        "2026-03-28T08:00:00+00:00",
        "2026-03-29T07:00:00+00:00",
        "2026-03-30T07:00:00+00:00",
        "2026-03-31T07:00:00+00:00",
    ]


async def test_skip_next_and_stop_a_recurring_reminder(core: Core) -> None:
    rid = await confirmed(core, "remind me every day at 10:00 to log hours")
    await core.tick(timedelta(hours=1))
    value = core.platform.delivered[0].reply.buttons[1].value
    skipped = await core.press(ANN, DM, actions.SKIP, value)
    assert skipped.text.endswith("Skipped Tue 24 Nov 10:00; next on Wed 25 Nov 10:00")
    assert await core.tick(timedelta(days=1)) == 0
    assert await core.tick(timedelta(days=1)) == 1
    stopped = await core.press(ANN, DM, actions.STOP, value)
    assert stopped.text.endswith("Stopped, no more reminders")
    assert await core.tick(timedelta(days=3)) == 0
    rem = await core.repo.get(rid)
    assert rem is not None and rem.state == ReminderState.CANCELLED


async def test_only_the_owner_may_confirm_or_delete(core: Core) -> None:
    rid = await draft_id(core, "remind me in 1 hour to stretch")
    refused = await core.press(BO, DM, actions.CONFIRM, str(rid))
    assert refused.text.startswith("Only the person who set this reminder")
    await core.press(ANN, DM, actions.CONFIRM, str(rid))
    # Typed numbers are each person's own: bo has no #1; ann's button is not his either.
    assert (await core.handle(BO, DM, "delete 1")).text == "You have no reminder #1."
    assert (await core.press(BO, DM, actions.DELETE, str(rid))).text.startswith("Only the person")
    deleted = await core.handle(ANN, DM, "delete 1")
    assert deleted.text.startswith("Deleted reminder #1 (stretch).")
    assert await core.tick(timedelta(hours=2)) == 0


async def test_recipient_may_complete_a_reminder_set_for_them(core: Core) -> None:
    rid = await draft_id(core, "remind @bo in 1 hour to send the report")
    await core.press(ANN, DM, actions.CONFIRM, str(rid))
    await core.tick(timedelta(hours=1))
    delivered = core.platform.delivered[0]
    assert delivered.reminder.target_ref == "bo"
    assert delivered.reply.set_by == "ann"
    done = await core.press(BO, DM, actions.COMPLETE, delivered.reply.buttons[0].value)
    assert done.text == "Reminder: send the report \u2014 Completed"


async def test_channel_reminder_shows_which_members_marked_it_done(core: Core) -> None:
    core.platform.members["C-ops"] = {"ann", "bo", BOT}
    reply = await core.handle(ANN, CHANNEL, "remind here in 1 hour to rotate logs")
    await core.press(ANN, CHANNEL, actions.CONFIRM, str(reply.reminder_id))
    await core.tick(timedelta(hours=1))
    value = core.platform.delivered[0].reply.buttons[0].value
    assert (await core.press(ANN, CHANNEL, actions.COMPLETE, value)).done_by == ("ann",)
    both = await core.press(BO, CHANNEL, actions.COMPLETE, value)
    assert both.done_by == ("ann", "bo")
    assert both.text == "Reminder: rotate logs" and both.buttons[0].action_id == actions.COMPLETE
    outsider = await core.press(
        BO.__class__(platform="console", workspace="local", user="cy"),
        CHANNEL,
        actions.COMPLETE,
        value,
    )
    assert outsider.text.startswith("Only the person")


async def test_settings_are_stored_and_shown(core: Core) -> None:
    for line in (
        "set my timezone to europe/copenhagen",
        "quiet hours 22:00-07:00",
        "default time 8:30",
        "date order day/month",
    ):
        await core.handle(ANN, DM, line)
    shown = await core.handle(ANN, DM, "settings")
    assert dict(shown.fields) == {
        "Time zone": "Europe/Copenhagen (yours)",
        "Quiet hours": "22:00-07:00 (yours)",
        "Default time": "08:30 (yours)",
        "Date order": "day/month",
        "Digest": "off",
        "Language": "as you write (built-in default)",
        "Channels": "chat (built-in default)",
        "Email": "the one in your chat profile (built-in default)",
    }
    draft = await core.handle(ANN, DM, "remind me 1/12 to pay rent")
    assert dict(draft.fields)["When"].startswith("Tuesday 1 December 2026 at 08:30")
    bad = await core.handle(ANN, DM, "set my timezone to Mars/Olympus")
    assert bad.text.startswith("I don't know that time zone")


async def test_list_and_help(core: Core) -> None:
    assert (await core.handle(ANN, DM, "list")).text == "You have no upcoming reminders."
    rid = await confirmed(core, "remind me tomorrow at 3pm to call Bo")
    listing = await core.handle(ANN, DM, "list")
    assert f"#{rid}  Tue 24 Nov 2026 15:00  to you \u2014 call Bo" in listing.text
    assert [b.action_id for b in listing.buttons] == [actions.EDIT, actions.DELETE]
    assert "remind me tomorrow at 9am" in (await core.handle(ANN, DM, "help")).text
