"""Workspace templates where reminders are delivered: the real ``Dispatcher`` on each
storage backend words the reminder and its late note by the workspace's templates, a
broken stored template falls back to the built-in text, and what a template renders stays
inert for pings through the Slack and Mattermost renderers."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from bot.adapters.mattermost import attachments
from bot.adapters.slack import blocks
from bot.clock import ManualClock
from bot.core import actions
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState, Reminder
from storage import SqlReminderRepository
from tests.core.conftest import ANN, BO, CHANNEL, Core
from tests.core.platform import BOT, FakePlatform
from tests.core.test_channels import Receiver
from tests.factories import DUE, new_reminder

REMINDER = "{{ owner }}, time to {{ message }}{% if entity %} ({{ entity }}){% endif %}"
LATE = " [{{ late_by }} late, due {{ due }}]"


async def _deliver(
    repo: SqlReminderRepository, clock: ManualClock, late: timedelta = timedelta(), **kw: object
) -> tuple[FakePlatform, Reminder]:
    """A reminder of workspace ``slack:T1`` delivered ``late`` after it was due."""
    platform = FakePlatform(platform="slack")
    dispatcher = Dispatcher(repo, {"slack": platform}, clock)
    rem = await repo.add(new_reminder(**kw), clock.now())
    clock.set(DUE + late)
    assert await dispatcher.drain() == 1
    return platform, rem


async def test_a_delivered_reminder_is_worded_by_its_workspace_template(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.save_template("slack:T1", "reminder", REMINDER, clock.now())
    await repo.save_template("slack:T2", "reminder", "other workspace: {{ message }}", clock.now())
    platform, _ = await _deliver(repo, clock, entity_type="case", entity_id="123")
    [delivery] = platform.delivered
    assert delivery.reply.text == "U1, time to call the vet (case 123)"
    assert [b.action_id for b in delivery.reply.buttons]  # the buttons stay as they were


async def test_a_workspace_without_templates_keeps_the_built_in_text(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.save_template("slack:T2", "reminder", "other: {{ message }}", clock.now())
    platform, _ = await _deliver(repo, clock)
    assert platform.texts() == ["Reminder: call the vet"]


async def test_the_late_note_is_worded_by_the_late_template_in_the_reminders_language(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.save_template("slack:T1", "late", LATE, clock.now())
    late = timedelta(hours=2, minutes=5)
    platform, _ = await _deliver(repo, clock, late)
    assert platform.texts() == ["Reminder: call the vet [2 h 5 min late, due Mon 23 Nov 11:00]"]
    await repo.save_template("slack:T1", "reminder", REMINDER, clock.now())
    danish, _ = await _deliver(repo, clock, late, language="da", message="ring til dyrlægen")
    assert danish.texts() == [
        "U1, time to ring til dyrlægen [2 t 5 min late, due man 23. nov 11:00]"
    ]


async def test_a_reminder_on_time_gets_no_late_note(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.save_template("slack:T1", "late", LATE, clock.now())
    platform, _ = await _deliver(repo, clock)
    assert platform.texts() == ["Reminder: call the vet"]


async def test_every_channel_gets_the_worded_text(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.save_template("slack:T1", "reminder", REMINDER, clock.now())
    platform, email = FakePlatform(platform="slack"), Receiver()
    dispatcher = Dispatcher(repo, {"slack": platform}, clock, channels={"email": email})
    await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    clock.set(DUE)
    assert await dispatcher.drain() == 1
    assert platform.texts() == ["U1, time to call the vet"]
    assert [d.reply.text for d in email.sent] == ["U1, time to call the vet"]


async def test_a_broken_stored_template_falls_back_with_a_warning_never_a_failure(
    repo: SqlReminderRepository, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    # Saved past the check (as odd data might be): it fails when rendered.
    await repo.save_template("slack:T1", "reminder", "{{ message }", clock.now())
    await repo.save_template("slack:T1", "late", "{{ message.nope }}", clock.now())
    with caplog.at_level(logging.WARNING, logger="bot.core.templates"):
        platform, rem = await _deliver(repo, clock, timedelta(minutes=10))
    assert platform.texts() == ["Reminder: call the vet (due at 11:00)"]
    warned = [r.getMessage() for r in caplog.records if r.name == "bot.core.templates"]
    assert len(warned) == 2 and all("the built-in text is used" in w for w in warned)
    assert [o.state for o in await repo.occurrences(rem.id)] == [OccurrenceState.SENT]


async def test_a_template_cannot_make_a_ping_on_slack_or_mattermost(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    source = "<!channel> @channel {{ message }} <!here|here> @all"
    await repo.save_template("slack:T1", "reminder", source, clock.now())
    message = "<!everyone> @here call <@U2> &lt;!channel&gt;"
    platform, _ = await _deliver(repo, clock, message=message)
    [delivery] = platform.delivered
    assert "<!channel>" in delivery.reply.text  # rendered as plain text, as written
    slack = blocks.message(delivery.reply)
    shown = [slack["text"], slack["blocks"][0]["text"]["text"]]
    assert slack["blocks"][0]["text"]["verbatim"] is True  # Slack links nothing by itself
    for text in shown:
        assert "<!" not in text and "<@" not in text, text
        assert "&lt;!channel&gt; @channel" in text
    mattermost = attachments.text_of(delivery.reply)
    for ping in ("@channel", "@here", "@all", "@everyone"):
        assert ping not in mattermost, mattermost
    assert "@\u200dchannel" in mattermost
    assert json.dumps(slack)  # the payload is plain JSON


async def test_a_channels_reminder_marked_done_keeps_its_worded_text(core: Core) -> None:
    """Pressing done (or typing it) re-draws the channel's delivery with who did it: in
    the workspace's wording, as it was delivered."""
    await core.repo.save_template("console:local", "reminder", "Ops: {{ message }}", DUE)
    core.platform.members["C-ops"] = {"ann", "bo", BOT}
    draft = await core.handle(ANN, CHANNEL, "remind here in 1 hour to rotate logs")
    await core.press(ANN, CHANNEL, actions.CONFIRM, str(draft.reminder_id))
    await core.tick(timedelta(hours=1))
    assert core.platform.texts() == ["Ops: rotate logs"]
    value = core.platform.delivered[0].reply.buttons[0].value
    pressed = await core.press(ANN, CHANNEL, actions.COMPLETE, value)
    assert (pressed.text, pressed.done_by) == ("Ops: rotate logs", ("ann",))
    typed = await core.handle(BO, CHANNEL, "done")
    assert (typed.text, typed.done_by) == ("Ops: rotate logs", ("ann", "bo"))
