"""What a new user meets through the chat front: answers that used to mislead (issue 11).

Every case runs on SQLite and PostgreSQL through the real repository; the clock starts
on Monday 23 November 2026 at 09:00 UTC.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core import actions
from bot.core.model import ReminderState
from tests.core.conftest import ANN, BO, DM, Core


async def _confirm(core: Core, text: str) -> int:
    draft = await core.handle(ANN, DM, text)
    assert draft.reminder_id is not None, draft.text
    scheduled = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert scheduled.text.startswith("Scheduled #"), scheduled.text
    return draft.reminder_id


async def test_two_recipients_are_both_in_the_confirmation_with_one_confirm(core: Core) -> None:
    draft = await core.handle(ANN, DM, "remind @bob and @carol Friday 9am about case 123")
    assert draft.text == (
        "Remind @bob and @carol: Friday 27 November 2026 at 09:00 (UTC), in 4 days?"
    )
    assert dict(draft.fields)["To"] == "@bob and @carol"
    assert [b.label for b in draft.buttons] == ["Confirm", "Edit", "Cancel"]
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert done.text.startswith("Scheduled #1, #2: Friday 27 November 2026 at 09:00 (UTC)")
    assert "for @bob and @carol" in done.text
    stored = await core.repo.list_for(ANN.key, [ReminderState.SCHEDULED])
    assert sorted((r.number, r.target_ref, r.message) for r in stored) == [
        (1, "bob", "case 123"),
        (2, "carol", "case 123"),
    ]


async def test_snooze_and_done_typed_after_a_reminder_fired_act_on_it(core: Core) -> None:
    await _confirm(core, "remind me in 10 minutes to stretch")
    await core.tick(timedelta(minutes=10))
    until = await core.handle(ANN, DM, "snooze until Friday 9am")
    assert until.text == "Reminder: stretch \u2014 Snoozed until Fri 27 Nov 09:00"
    assert await core.repo.list_for(ANN.key, [ReminderState.DRAFT]) == []
    short = await core.handle(ANN, DM, "snooze 20m")
    assert short.text == "Reminder: stretch \u2014 Snoozed until 09:30"
    assert await core.tick(timedelta(minutes=20)) == 1
    done = await core.handle(ANN, DM, "done")
    assert done.text == "Reminder: stretch \u2014 Completed"
    assert await core.tick(timedelta(days=5)) == 0


async def test_snooze_or_done_before_anything_fired_says_so(core: Core) -> None:
    for text in ("done", "snooze 20m"):
        answer = await core.handle(ANN, DM, text)
        assert answer.text.startswith("No reminder has come to you yet")


async def test_a_typed_number_nobody_has_is_named_and_a_stale_button_keeps_its_sentence(
    core: Core,
) -> None:
    assert (await core.handle(ANN, DM, "delete 99")).text == "You have no reminder #99."
    assert (await core.handle(ANN, DM, "edit 7")).text == "You have no reminder #7."
    rid = await _confirm(core, "remind me tomorrow at 9 to call Bo")
    await core.handle(ANN, DM, "delete 1")
    core.clock.advance(timedelta(minutes=2))
    stale = await core.press(ANN, DM, actions.DELETE, str(rid))
    assert stale.text == "That reminder no longer exists."


async def test_commands_without_their_number_answer_with_help(core: Core) -> None:
    delete = await core.handle(ANN, DM, "delete")
    assert delete.text.startswith("To delete a reminder, write 'delete' and its number")
    edit = await core.handle(ANN, DM, "edit")
    assert edit.text.startswith("To change a reminder, write 'edit' with its number")
    assert (await core.handle(ANN, DM, "help snooze")).text.startswith("After a reminder fires")
    assert (await core.handle(ANN, DM, "undo")).text.startswith("There is nothing to undo")


async def test_timezone_question_thanks_and_hello_get_answers(core: Core) -> None:
    zone = await core.handle(ANN, DM, "what's my timezone?")
    assert zone.text == (
        "Your time zone is UTC (the default); 'set my timezone to \u2026' changes it."
    )
    await core.handle(ANN, DM, "set my timezone to Europe/Copenhagen")
    again = await core.handle(ANN, DM, "What is my time zone")
    assert again.text.startswith("Your time zone is Europe/Copenhagen (you set it)")
    assert (await core.handle(ANN, DM, "thanks!")).text == "You're welcome!"
    assert (await core.handle(ANN, DM, "Thank you so much")).text == "You're welcome!"
    assert (await core.handle(ANN, DM, "hi")).text.startswith("Hello!")
    assert await core.repo.list_for(ANN.key, list(ReminderState)) == []


async def test_quiet_hours_are_noted_in_the_confirmation_with_when_it_arrives(core: Core) -> None:
    await core.handle(ANN, DM, "quiet hours 22:00-07:00")
    draft = await core.handle(ANN, DM, "remind me at 11pm to check the backups")
    assert dict(draft.fields)["Quiet hours"] == (
        "That is in your quiet hours (22:00-07:00), so it will arrive Tuesday 24 November"
        " 2026 at 07:00 (UTC), tomorrow."
    )
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert dict(done.fields)["Quiet hours"].startswith("That is in your quiet hours")
    assert await core.tick(timedelta(hours=14)) == 1  # 23:00: held
    assert core.platform.delivered == []
    assert await core.tick(timedelta(hours=8)) == 1  # 07:00
    assert core.platform.texts() == ["Reminder: check the backups (due at 23:00)"]


async def test_quiet_hours_of_another_recipient_are_theirs(core: Core) -> None:
    await core.handle(BO, DM, "quiet hours 22:00-07:00")
    draft = await core.handle(ANN, DM, "remind @bo at 11pm to check the backups")
    assert dict(draft.fields)["Quiet hours"].startswith("That is in @bo's quiet hours")
    plain = await core.handle(ANN, DM, "remind me at 11pm to check the backups")
    assert "Quiet hours" not in dict(plain.fields)


async def test_an_edit_that_gives_only_a_time_keeps_the_message_and_target(core: Core) -> None:
    draft = await core.handle(ANN, DM, "remind @bo tomorrow at 9 about case 123")
    rid = str(draft.reminder_id)
    edited = await core.press(ANN, DM, actions.EDIT, rid, text="Friday 10am")
    assert dict(edited.fields)["Message"] == "case 123"
    assert dict(edited.fields)["To"] == "@bo"
    assert dict(edited.fields)["When"].startswith("Friday 27 November 2026 at 10:00")
    rem = await core.repo.get(int(rid))
    assert rem is not None and (rem.entity_type, rem.entity_id) == ("case", "123")


async def test_a_danish_phrase_is_answered_in_danish(core: Core) -> None:
    draft = await core.handle(ANN, DM, "påmind mig i morgen kl 9 om at ringe til Bo")
    assert draft.text == "Påmind dig: tirsdag 24. november 2026 kl. 09:00 (UTC), i morgen?"
    assert [b.label for b in draft.buttons] == ["Bekræft", "Ret", "Annuller"]
    assert dict(draft.fields)["Besked"] == "ringe til Bo"
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert done.text.startswith("Planlagt #1: tirsdag 24. november 2026 kl. 09:00")
    await core.tick(timedelta(days=1))
    delivered = core.platform.delivered[0].reply
    assert delivered.text == "Påmindelse: ringe til Bo"
    assert delivered.buttons[0].label == "Fuldført"
    assert delivered.menus[0].label == "Udsæt"
    refused = await core.handle(ANN, DM, "påmind mig om noget")
    assert refused.text.startswith("Jeg kunne ikke finde et tidspunkt")


async def test_the_language_setting_chooses_the_answers(core: Core) -> None:
    danish = await core.handle(ANN, DM, "sprog dansk")
    assert danish.text == "Dine indstillinger"
    assert dict(danish.fields)["Sprog"] == "dansk (din egen)"
    # Phrases are still read in the language they are written in.
    draft = await core.handle(ANN, DM, "remind me tomorrow at 9 to call Bo")
    assert draft.text.startswith("Påmind dig: tirsdag 24. november 2026 kl. 09:00")
    assert dict(draft.fields)["Besked"] == "call Bo"
    assert (await core.handle(ANN, DM, "list")).text == "Du har ingen kommende påmindelser."
    english = await core.handle(ANN, DM, "set my language to English")
    assert dict(english.fields)["Language"] == "English (yours)"
    unknown = await core.handle(ANN, DM, "set my language to klingon")
    assert unknown.text.startswith("I can answer in English or Danish")


async def test_a_bad_zone_in_storage_falls_back_to_the_default(core: Core) -> None:
    prefs = await core.engine.people.prefs(ANN)
    await core.repo.save_user(replace(prefs, tz="Nowhere/Land", tz_source="user"))
    draft = await core.handle(ANN, DM, "remind me tomorrow at 9 to stretch")
    assert "(UTC)" in draft.text
    shown = await core.handle(ANN, DM, "settings")
    assert dict(shown.fields)["Time zone"] == "UTC (built-in default)"


async def test_a_zone_the_platform_reports_is_checked_before_it_is_kept(core: Core) -> None:
    core.platform.zones["ann"] = "Mars/Olympus"
    draft = await core.handle(ANN, DM, "remind me tomorrow at 9 to stretch")
    assert "(UTC)" in draft.text
    assert await core.repo.get_user(ANN.key) is None
    core.platform.zones["bo"] = "Asia/Tokyo"
    assert "(Asia/Tokyo)" in (await core.handle(BO, DM, "remind me tomorrow at 9 to x")).text
