"""The calendar feed end to end: reminders made in chat, the feed URL asked for in chat,
the feed fetched over real HTTP from the bot's HTTP app and read back with ``icalendar``;
revoking, replacing, and what storage keeps of the token (its SHA-256 only)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import icalendar
import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import select

from bot.clock import ManualClock
from bot.core import actions, schedule
from bot.core.calendar import Calendars
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from bot.core.followups import Skipped
from bot.core.model import Reminder, ReminderState
from bot.http import create_http_app
from bot.ical import feed_route
from storage import SqlReminderRepository
from storage.models import CalendarTokenRow
from tests.core.conftest import ANN, BO, DM, Core
from tests.core.platform import FakePlatform
from tests.factories import new_reminder
from tests.servers.asgi import serve

PUBLIC = "https://remindbot.example.com"
ZONE = "Europe/Copenhagen"
DAY = timedelta(days=1)


@dataclass
class Feeds:
    core: Core
    http: httpx.AsyncClient

    async def url(self, text: str = "calendar feed") -> str:
        said = await self.core.handle(ANN, DM, text)
        assert said.text.startswith("Your private calendar feed: "), said.text
        return said.text.split("\n", 1)[0].removeprefix("Your private calendar feed: ")

    async def fetch(self, url: str) -> httpx.Response:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == PUBLIC
        return await self.http.get(parts.path)


@pytest.fixture
async def feeds(repo: SqlReminderRepository, clock: ManualClock) -> AsyncIterator[Feeds]:
    platform = FakePlatform()
    gateways = {platform.platform: platform}
    calendars = Calendars(repo, clock, PUBLIC)
    engine = build_engine(repo, clock, gateways, calendars=calendars)
    dispatcher = Dispatcher(repo, gateways, clock, lease=timedelta(minutes=2))
    core = Core(engine, dispatcher, platform, clock, repo, [])

    async def health() -> tuple[bool, dict[str, Any]]:
        return True, {}

    app = create_http_app([feed_route(calendars)], health=health)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        yield Feeds(core, http)


async def _confirm(core: Core, text: str) -> Reminder:
    draft = await core.handle(ANN, DM, text)
    assert draft.reminder_id is not None, draft.text
    done = await core.press(ANN, DM, actions.CONFIRM, str(draft.reminder_id))
    assert done.text.startswith("Scheduled #"), done.text
    rem = await core.repo.get(draft.reminder_id)
    assert rem is not None
    return rem


def _events(body: bytes) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(body)
    found = {str(e["summary"]): e for e in cal.events}
    assert len(found) == len(cal.events), "one event per summary here"
    return found


async def test_the_feed_holds_the_upcoming_reminders_as_their_rules_say(feeds: Feeds) -> None:
    core = feeds.core
    await core.handle(ANN, DM, f"set my timezone to {ZONE}")
    plants = await _confirm(core, "remind me every monday and wednesday at 9:30 to water plants")
    call = await _confirm(core, "remind me on friday at 14:00 to call Bo")
    stretch = await _confirm(core, "remind me every day at 11:00 to stretch")
    await core.handle(ANN, DM, "remind me tomorrow at 8 to pack")  # a draft, never confirmed
    gone = await _confirm(core, "remind me on saturday at 10 to buy bread")
    assert (await core.handle(ANN, DM, f"delete {gone.number}")).text.startswith("Deleted")
    once = await _confirm(core, "remind me in 30 minutes to drink water")
    # 11:00 in Copenhagen is 10:00 UTC: the one-off and the day's "stretch" are delivered,
    # then "stretch" is snoozed (a snoozed copy: it stays out of the feed).
    assert await core.tick(timedelta(hours=1)) == 2
    assert "Snoozed until" in (await core.handle(ANN, DM, "snooze 1h")).text
    assert len(await core.repo.snoozed_copies(stretch.id)) == 1
    assert (await core.repo.get(once.id)).state is ReminderState.COMPLETED  # type: ignore[union-attr]
    await core.handle(BO, DM, "remind me every day at 9 to walk")  # someone else's

    answer = await feeds.fetch(await feeds.url())
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(answer.content)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == [ZONE]
    events = _events(answer.content)
    assert sorted(events) == ["call Bo", "stretch", "water plants"]

    for rem in (plants, stretch):
        event = events[rem.message]
        assert rem.rrule is not None and rem.dtstart is not None
        assert event["rrule"] == icalendar.vRecur.from_ical(rem.rrule)
        assert event["dtstart"].params["TZID"] == ZONE
        start = event.decoded("dtstart")
        assert start == rem.dtstart and start.utcoffset() == timedelta(hours=1)
        assert event["uid"] == f"reminder-{rem.id}@remindbot"
    # The local wall times the feed gives, expanded by a calendar's rules (dateutil), are
    # the bot's own times, also past the change to summer time on 28 March 2027.
    now = core.clock.now()
    for rem, count, wall in ((plants, 40, (9, 30)), (stretch, 150, (11, 0))):
        event = events[rem.message]
        rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=event.decoded("dtstart"))
        theirs = [t for t in rule.xafter(now, count=count + 2) if t > now][:count]
        ours = schedule.following(rem, now, count)
        assert theirs == ours
        assert {(t.hour, t.minute) for t in theirs} == {wall}
        assert {t.utcoffset() for t in theirs} == {timedelta(hours=1), timedelta(hours=2)}
    # The snoozed "stretch" of today is not a second event; the series' next is tomorrow.
    assert "EXDATE" not in events["stretch"]
    one_off = events["call Bo"]
    assert "rrule" not in one_off
    assert one_off.decoded("dtstart") == call.next_due
    assert one_off.decoded("dtstart").strftime("%a %H:%M") == "Fri 14:00"
    assert one_off["dtstart"].params["TZID"] == ZONE


async def test_a_skipped_time_of_a_series_is_an_exdate(feeds: Feeds) -> None:
    core, followups, stored = feeds.core, feeds.core.engine.followups, feeds.core.engine.stored
    await core.handle(ANN, DM, f"set my timezone to {ZONE}")
    rem = await _confirm(core, "remind me every day at 8:00 to check the backups")
    assert await core.tick(timedelta(hours=22)) == 1  # 08:00 tomorrow in Copenhagen
    done = await followups.allowed(ANN, await stored.last_delivered(ANN, DM), actions.SKIP)
    skipped = await followups.skip(ANN, done)
    assert isinstance(skipped, Skipped)
    event = _events((await feeds.fetch(await feeds.url())).content)["check the backups"]
    assert [d.dt for d in event["exdate"].dts] == [skipped.skipped]
    assert event.decoded("dtstart") == rem.dtstart


async def test_revoked_and_replaced_feeds_are_404_with_nothing_said(feeds: Feeds) -> None:
    core = feeds.core
    first = await feeds.url()
    second = await feeds.url("my calendar")
    assert first != second
    old = await feeds.fetch(first)
    assert (old.status_code, old.content) == (404, b"")  # a new one revokes the old
    assert (await feeds.fetch(second)).status_code == 200
    said = await core.handle(ANN, DM, "revoke my calendar feed")
    assert said.text == "Your calendar feed is off: its link no longer works."
    assert (await feeds.fetch(second)).status_code == 404
    again = await core.handle(ANN, DM, "revoke my calendar feed")
    assert again.text == "You have no calendar feed to revoke."
    for path in ("/ical/nope.ics", "/ical/" + "A" * 43 + ".ics", "/ical/" + "x" * 5000 + ".ics"):
        answer = await feeds.http.get(path)
        assert (answer.status_code, answer.content) == (404, b""), path


async def test_only_the_tokens_hash_is_stored_and_one_is_active(feeds: Feeds) -> None:
    core = feeds.core
    urls = [await feeds.url(), await feeds.url()]
    tokens = [url.rsplit("/", 1)[1].removesuffix(".ics") for url in urls]
    async with core.repo._engine.connect() as conn:
        rows = (await conn.execute(select(CalendarTokenRow).order_by(CalendarTokenRow.id))).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    assert [r.owner for r in rows] == [ANN.key, ANN.key]
    assert rows[0].revoked_at is not None and rows[1].revoked_at is None
    for row in rows:
        assert all(token not in str(value) for token in tokens for value in row)


async def test_danish_words_and_answers(feeds: Feeds) -> None:
    core = feeds.core
    said = await core.handle(ANN, DM, "min kalender")
    assert said.text.startswith(f"Dit private kalenderfeed: {PUBLIC}/ical/")
    url = said.text.split("\n", 1)[0].removeprefix("Dit private kalenderfeed: ")
    assert (await feeds.fetch(url)).status_code == 200
    await core.handle(ANN, DM, "set my language to danish")
    body = (await feeds.fetch(url)).content
    assert icalendar.Calendar.from_ical(body)["x-wr-calname"] == "Påmindelser"
    gone = await core.handle(ANN, DM, "tilbagekald min kalender")
    assert gone.text == "Dit kalenderfeed er slået fra: linket virker ikke længere."
    assert (await feeds.fetch(url)).status_code == 404


async def test_without_a_public_url_the_answer_names_the_setting(core: Core) -> None:
    said = await core.handle(ANN, DM, "calendar feed")
    assert said.text == (
        "A calendar feed needs this bot's public address: an administrator sets"
        " REMINDBOT_PUBLIC_URL."
    )
    danish = await core.handle(ANN, DM, "kalenderfeed")
    assert danish.text.startswith("Et kalenderfeed kræver botens offentlige adresse")


async def test_a_message_that_could_ping_everyone_is_plain_text_in_the_feed(
    feeds: Feeds,
) -> None:
    core = feeds.core
    await _confirm(core, "remind me on friday at 9 to tell @channel; about it, now")
    event = _events((await feeds.fetch(await feeds.url())).content)
    assert list(event) == ["tell @channel; about it, now"]


async def test_offsets_before_an_event_are_one_event_each_and_paused_ones_are_out(
    feeds: Feeds,
) -> None:
    repo, now = feeds.core.repo, feeds.core.clock.now()
    mine = {"owner": ANN.key, "platform": "console", "workspace": "local", "target_ref": "ann"}
    event = now + timedelta(days=3)
    dentist = new_reminder(
        **mine, message="dentist", event_at=event, offsets=(1440, 60), next_due=event - DAY
    )
    rem = await repo.add(dentist, now)
    await repo.add(new_reminder(**mine, message="paused", state=ReminderState.PAUSED), now)
    cal = icalendar.Calendar.from_ical((await feeds.fetch(await feeds.url())).content)
    assert [str(e["summary"]) for e in cal.events] == ["dentist", "dentist"]
    starts = [e.decoded("dtstart") for e in cal.events]
    assert starts == [event - DAY, event - timedelta(hours=1)]
    uids = [str(e["uid"]) for e in cal.events]
    assert uids[0] == f"reminder-{rem.id}@remindbot" and len(set(uids)) == 2
