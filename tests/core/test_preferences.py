"""Preferences in chat: channels and an email address, with where each setting comes from
(yours, the workspace's default, the built-in one), and workspace defaults applied where
the person chose nothing: to the answers, to the phrases read and to deliveries."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core import actions
from bot.core.dispatch import Dispatcher
from bot.core.model import Actor, UserPrefs
from storage import SqlReminderRepository
from tests.core.conftest import ANN, BO, DM, Core
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder

WORKSPACE = "console:local"  # where ANN and BO are


async def _stored(core: Core, who: Actor = ANN) -> UserPrefs | None:
    return await core.repo.get_user(who.key)


async def test_channels_are_set_in_chat_and_shown_as_yours(core: Core) -> None:
    before = await core.handle(ANN, DM, "settings")
    assert dict(before.fields)["Channels"] == "chat (built-in default)"
    shown = await core.handle(ANN, DM, "set my channels to email and chat")
    assert dict(shown.fields)["Channels"] == "chat and email (yours)"
    stored = await _stored(core)
    assert stored is not None and stored.channels == ("chat", "email")
    again = await core.handle(ANN, DM, "channels webhook, e-mail")
    assert dict(again.fields)["Channels"] == "email and webhook (yours)"


async def test_danish_channels_and_email_answer_in_danish(core: Core) -> None:
    shown = await core.handle(ANN, DM, "sæt mine kanaler til chat og e-mail")
    assert shown.text == "Dine indstillinger"
    assert dict(shown.fields)["Kanaler"] == "chat og e-mail (din egen)"
    mail = await core.handle(ANN, DM, "sæt min e-mail til ann@example.dk")
    assert dict(mail.fields)["E-mail"] == "ann@example.dk (din egen)"
    refused = await core.handle(ANN, DM, "sæt min e-mail til ann")
    assert refused.text == "'ann' er ikke en e-mailadresse; skriv en som ann@example.com."


async def test_an_email_address_is_checked_and_can_go_back_to_the_profile(core: Core) -> None:
    shown = await core.handle(ANN, DM, "set my email to ann@example.com")
    assert dict(shown.fields)["Email"] == "ann@example.com (yours)"
    stored = await _stored(core)
    assert stored is not None and stored.email == "ann@example.com"
    for bad in ("ann.example.com", "ann@", "@example.com", "ann@exa mple.com", "a@b"):
        refused = await core.handle(ANN, DM, f"set my email to {bad}")
        assert refused.text.startswith(f"'{bad}' is not an email address"), bad
        assert "\n" not in refused.text
    stored = await _stored(core)
    assert stored is not None and stored.email == "ann@example.com"  # nothing stored
    off = await core.handle(ANN, DM, "my email off")
    assert dict(off.fields)["Email"] == "the one in your chat profile (yours)"


async def test_refused_channels_store_nothing(core: Core) -> None:
    unknown = await core.handle(ANN, DM, "set my channels to chat and pigeon")
    assert unknown.text == "I don't know the channel 'pigeon': use chat, email or webhook."
    empty = await core.handle(ANN, DM, "set my channels to ,")
    assert empty.text == "Name at least one channel: chat, email or webhook."
    assert await _stored(core) is None


async def test_workspace_defaults_apply_where_the_person_chose_nothing(core: Core) -> None:
    now = core.clock.now()
    await core.repo.set_workspace_default(WORKSPACE, "channels", ["email"], now)
    await core.repo.set_workspace_default(
        WORKSPACE, "quiet_hours", {"start": "22:00", "end": "07:00"}, now
    )
    await core.repo.set_workspace_default(WORKSPACE, "default_time", "08:15", now)
    await core.repo.set_workspace_default(WORKSPACE, "tz", "Europe/Copenhagen", now)
    shown = dict((await core.handle(ANN, DM, "settings")).fields)
    assert shown["Channels"] == "email (workspace default)"
    assert shown["Quiet hours"] == "22:00-07:00 (workspace default)"
    assert shown["Default time"] == "08:15 (workspace default)"
    assert shown["Time zone"] == "Europe/Copenhagen (workspace default)"
    assert shown["Language"] == "as you write (built-in default)"
    # The default time and the zone are the ones a phrase is read with.
    draft = await core.handle(ANN, DM, "remind me tomorrow to water the plants")
    assert draft.text.startswith(
        "Remind you: Tuesday 24 November 2026 at 08:15 (Europe/Copenhagen)"
    )
    # Nothing of the workspace's is stored as the person's own.
    assert await _stored(core) is None


async def test_your_own_choice_wins_even_when_it_is_the_built_in_value(core: Core) -> None:
    now = core.clock.now()
    await core.repo.set_workspace_default(
        WORKSPACE, "quiet_hours", {"start": "22:00", "end": "07:00"}, now
    )
    await core.repo.set_workspace_default(WORKSPACE, "default_time", "08:15", now)
    await core.repo.set_workspace_default(WORKSPACE, "language", "da", now)
    danish = await core.handle(ANN, DM, "settings")
    assert danish.text == "Dine indstillinger"  # the workspace's language
    assert dict(danish.fields)["Sprog"] == "dansk (arbejdsområdets standard)"
    await core.handle(ANN, DM, "quiet hours off")
    await core.handle(ANN, DM, "default time 9:00")
    shown = await core.handle(ANN, DM, "set my language to english")
    fields = dict(shown.fields)
    assert fields["Quiet hours"] == "off (yours)"
    assert fields["Default time"] == "09:00 (yours)"
    assert fields["Language"] == "English (yours)"
    # Only what they set is theirs: the workspace's channels still apply.
    assert fields["Channels"] == "chat (built-in default)"
    stored = await _stored(core)
    assert stored is not None
    assert set(stored.own) == {"quiet_hours", "default_time", "language"}
    assert stored.quiet_start is None and stored.channels == ()


async def test_workspace_quiet_hours_hold_deliveries_unless_the_person_turned_them_off(
    core: Core,
) -> None:
    now = core.clock.now()  # Monday 09:00 UTC
    await core.repo.set_workspace_default(
        WORKSPACE, "quiet_hours", {"start": "22:00", "end": "07:00"}, now
    )
    for who in (ANN, BO):
        draft = await core.handle(who, DM, "remind me at 11pm to check the backups")
        await core.press(who, DM, actions.CONFIRM, str(draft.reminder_id))
    await core.handle(BO, DM, "quiet hours off")
    assert await core.tick(timedelta(hours=14)) == 2  # 23:00: Bo's goes, Ann's is held
    assert [d.reminder.owner for d in core.platform.delivered] == [BO.key]
    assert await core.tick(timedelta(hours=8)) == 1  # 07:00: Ann's quiet hours are over
    assert [d.reminder.owner for d in core.platform.delivered] == [BO.key, ANN.key]


async def test_a_stored_default_that_fails_its_check_is_ignored(core: Core) -> None:
    now = core.clock.now()
    await core.repo.set_workspace_default(WORKSPACE, "channels", ["pigeon"], now)
    await core.repo.set_workspace_default(WORKSPACE, "tz", "Mars/Olympus", now)
    shown = dict((await core.handle(ANN, DM, "settings")).fields)
    assert shown["Channels"] == "chat (built-in default)"
    assert shown["Time zone"] == "UTC (built-in default)"


async def test_email_me_makes_a_reminder_told_by_email_alone(core: Core) -> None:
    draft = await core.handle(ANN, DM, "email me about case 123 tomorrow at 9")
    fields = dict(draft.fields)
    assert fields["Channels"] == "email" and fields["Message"] == "case 123"
    assert draft.reminder_id is not None
    rem = await core.repo.get(draft.reminder_id)
    assert rem is not None and rem.channels == ("email",) and not rem.urgent
    both = await core.handle(ANN, DM, "remind me by email and chat tomorrow at 10 to call Bo")
    assert both.reminder_id is not None
    rem = await core.repo.get(both.reminder_id)
    assert rem is not None and rem.channels == ("chat", "email") and rem.message == "call Bo"
    plain = await core.handle(ANN, DM, "remind me tomorrow at 10 to call Bo")
    assert "Channels" not in dict(plain.fields)  # the person's default: nothing to show


async def test_danish_mail_mig_and_haster(core: Core) -> None:
    draft = await core.handle(ANN, DM, "mail mig om sag 123 i morgen kl 9")
    assert dict(draft.fields)["Kanaler"] == "e-mail"
    urgent = await core.handle(ANN, DM, "haster: påmind mig i morgen kl 9 om backup")
    assert dict(urgent.fields)["Haster"] == "ja, den kommer også i stille timer"


async def test_an_urgent_reminder_passes_quiet_hours(core: Core) -> None:
    await core.handle(ANN, DM, "quiet hours 22:00-07:00")
    draft = await core.handle(ANN, DM, "urgent: remind me at 11pm to check the backups")
    fields = dict(draft.fields)
    assert fields["Urgent"] == "yes, it passes quiet hours"
    assert "Quiet hours" not in fields  # it is not held
    await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    tail = await core.handle(ANN, DM, "remind me at 11pm to lock up (urgent)")
    assert dict(tail.fields)["Urgent"] == "yes, it passes quiet hours"
    assert await core.tick(timedelta(hours=14)) == 1  # 23:00, inside quiet hours
    assert core.platform.texts() == ["Reminder: check the backups"]


async def test_someone_never_seen_gets_their_workspaces_quiet_hours_and_language(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE - timedelta(minutes=5))
    platform = FakePlatform(platform="slack")
    dispatcher = Dispatcher(repo, {"slack": platform}, clock)
    quiet = {"start": "09:00", "end": "11:00"}  # UTC: nobody gave U1 a zone
    await repo.set_workspace_default("slack:T1", "quiet_hours", quiet, clock.now())
    await repo.set_workspace_default("slack:T1", "language", "da", clock.now())
    await repo.add(new_reminder(), clock.now())  # for slack:T1:U1, who never wrote
    assert await repo.get_user("slack:T1:U1") is None
    clock.set(DUE)  # 10:00 UTC, in the workspace's quiet hours
    assert await dispatcher.drain() == 1
    assert platform.delivered == []
    clock.set(DUE + timedelta(hours=1))
    assert await dispatcher.drain() == 1
    assert [d.reply.text.split(":")[0] for d in platform.delivered] == ["Påmindelse"]
    # Another workspace's defaults are not theirs.
    await repo.set_workspace_default("slack:T2", "quiet_hours", None, clock.now())
    assert await repo.workspace_defaults(["slack:T2"]) == {}
