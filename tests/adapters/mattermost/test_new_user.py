"""Issue 11 on Mattermost against the stand-in: the list's Edit button, typed commands
after a delivery, and answers in Danish (alice lives in Europe/Copenhagen)."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.mattermost.conftest import MattermostBot
from tests.servers import mattermost_payloads as mp


async def test_the_list_has_edit_buttons_that_change_a_reminder_in_place(
    bot: MattermostBot,
) -> None:
    draft = await bot.dm("remind me tomorrow at 9 to water the plants")
    await bot.click(draft, "Confirm")
    listing = await bot.dm("list")
    assert "#1  Tue 24 Nov 2026 09:00  to you \u2014 water the plants" in listing["message"]
    names = [a["name"] for a in mp.actions(bot.mm.post(listing["id"]))]
    assert names == ["Edit #1", "Delete #1"]
    asked = await bot.click(listing, "Edit #1")
    assert asked.response is not None
    assert asked.response["ephemeral_text"].startswith(
        "Send the new time (or the whole new phrase) for #1."
    )
    changed = await bot.dm("Friday 10am")
    assert changed["message"].startswith(
        "Changed #1: Friday 27 November 2026 at 10:00 (Europe/Copenhagen), in 4 days"
    )
    assert changed["message"].endswith("\u2014 water the plants")


async def test_typed_done_after_a_delivery_and_delete_with_undo(bot: MattermostBot) -> None:
    draft = await bot.dm("remind me in 10 minutes to stretch")
    await bot.click(draft, "Confirm")
    assert await bot.tick(timedelta(minutes=10)) == 1
    dm = bot.mm.dm_with(bot.alice)
    [delivered] = [p for p in bot.mm.posts_in(dm) if p["message"] == "Reminder: stretch"]
    assert mp.actions(delivered)
    done = await bot.dm("done")
    assert done["message"] == "Reminder: stretch \u2014 Completed"
    # The delivered post loses its buttons, as when Complete is pressed on it.
    changed = bot.mm.post(delivered["id"])
    assert changed["message"] == done["message"] and not mp.actions(changed)
    draft = await bot.dm("remind me tomorrow at 9 to call Bob")
    await bot.click(draft, "Confirm")
    deleted = await bot.dm("delete 2")
    assert deleted["message"].startswith("Deleted reminder #2 (call Bob).")
    undo = await bot.click(deleted, "Undo")
    assert undo.error is None
    assert bot.mm.post(deleted["id"])["message"].startswith("Restored reminder #2: ")
    assert (await bot.dm("delete 99"))["message"] == "You have no reminder #99."


async def test_danish_answers(bot: MattermostBot) -> None:
    draft = await bot.dm("påmind mig i morgen kl 9 om at ringe til Bo")
    assert draft["message"].startswith("Påmind dig: tirsdag 24. november 2026 kl. 09:00")
    assert [a["name"] for a in mp.actions(bot.mm.post(draft["id"]))] == [
        "Bekræft",
        "Ret",
        "Annuller",
    ]
