"""Digests through the real chat front and Dispatcher on SQLite and PostgreSQL: what a
digest lists, empty days skipped or told, weekdays only, 08:00 local across both DST
changes, one digest per person, and exactly one delivery with two dispatchers racing."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.mattermost.attachments import text_of
from bot.adapters.slack.blocks import fallback, to_blocks
from bot.clock import ManualClock
from bot.core import texts
from bot.core.digests import MAX_LINES, DigestPlan, Digests, day_items, read_plan
from bot.core.dispatch import Dispatcher
from bot.core.errors import InvalidRequest
from bot.core.model import (
    Actor,
    Delivery,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Origin,
    Reminder,
    ReminderKind,
    ReminderState,
    TargetKind,
    UserPrefs,
    UserRef,
)
from bot.core.schedule import recurrence
from bot.parsing import Recurrence
from storage import SqlReminderRepository
from storage.models import ReminderRow
from tests.conftest import Database
from tests.core.conftest import ANN, BO, DM, Core
from tests.core.platform import FakePlatform
from tests.factories import new_reminder

CPH = ZoneInfo("Europe/Copenhagen")


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A Copenhagen wall time as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=CPH).astimezone(UTC)


def mine(person: UserRef = ANN, **overrides: object) -> NewReminder:
    """A scheduled reminder of ``person`` to themselves, on the console."""
    base = new_reminder(
        owner=person.key,
        platform=person.platform,
        workspace=person.workspace,
        conversation="D-ann",
        target_kind=TargetKind.ME,
        target_ref="",
        target_name="",
        created_by=person.key,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


async def in_copenhagen(core: Core, actor: Actor = ANN) -> None:
    said = await core.handle(actor, DM, "set my timezone to Europe/Copenhagen")
    assert "Europe/Copenhagen" in str(said.fields)


async def digest_of(core: Core, actor: Actor = ANN) -> Reminder:
    found = await core.repo.digest_of(actor.key)
    assert found is not None
    return found


# -- setting it in chat ------------------------------------------------------------------------


async def test_setting_a_digest_in_chat_schedules_it_and_settings_show_it(core: Core) -> None:
    await in_copenhagen(core)
    said = await core.handle(ANN, DM, "send me a digest every weekday at 8am")
    # Monday 23 Nov 2026 10:00 local now: the next is Tuesday's.
    assert said.text == (
        "Your digest will come every weekday at 08:00 (Europe/Copenhagen); the next on"
        " Tue 24 Nov 08:00. 'stop my digest' ends it."
    )
    rem = await digest_of(core)
    assert rem.kind is ReminderKind.DIGEST and rem.target_kind is TargetKind.ME
    assert rem.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0"
    assert rem.next_due == local(2026, 11, 24, 8, 0) and rem.number is None
    assert core.woken == [rem.next_due]
    settings = await core.handle(ANN, DM, "settings")
    assert ("Digest", "every weekday at 08:00") in settings.fields
    # A digest is not one of the numbered reminders of 'list'.
    listed = await core.handle(ANN, DM, "list")
    assert listed.text == "You have no upcoming reminders."


async def test_a_second_digest_replaces_the_first_and_stop_ends_it(core: Core) -> None:
    await core.handle(ANN, DM, "send me a digest every weekday at 8am")
    first = await digest_of(core)
    said = await core.handle(ANN, DM, "send me a digest every day at 7:30 even when empty")
    assert "every day at 07:30 (even when empty)" in said.text
    second = await digest_of(core)
    assert second.id != first.id and second.digest_empty
    gone = await core.repo.get(first.id)
    assert gone is not None and gone.state is ReminderState.CANCELLED and gone.deleted_at
    assert (await core.handle(ANN, DM, "stop my digest")).text == "Your digest is stopped."
    assert await core.repo.digest_of(ANN.key) is None
    settings = await core.handle(ANN, DM, "settings")
    assert ("Digest", "off") in settings.fields
    assert await core.tick(timedelta(days=3)) == 0 and core.platform.delivered == []
    again = await core.handle(ANN, DM, "stop my digest")
    assert again.text == "You have no digest. Try 'send me a digest every weekday at 8am'."


async def test_danish_phrases_set_and_stop_a_digest_in_danish(core: Core) -> None:
    await in_copenhagen(core)
    said = await core.handle(ANN, DM, "send mig et overblik om mandagen og torsdagen kl. 9.30")
    assert said.text.startswith("Dit overblik kommer ")
    assert "09:30 (Europe/Copenhagen)" in said.text and "'stop mit overblik'" in said.text
    rem = await digest_of(core)
    assert rem.rrule == "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=30"
    assert rem.next_due == local(2026, 11, 26, 9, 30)  # Thursday
    settings = await core.handle(ANN, DM, "indstillinger")
    assert ("Overblik", texts.DANISH.w.rule(_recurrence(rem))) in settings.fields
    assert (await core.handle(ANN, DM, "stop mit overblik")).text == "Dit overblik er stoppet."


async def test_what_cannot_be_read_gets_one_sentence_in_each_language(core: Core) -> None:
    said = await core.handle(ANN, DM, "send me a digest every fortnight at 8")
    assert said.text.startswith("I could not read when to send your digest.")
    said = await core.handle(ANN, DM, "send me a digest every 2 days")
    assert said.text.startswith("I could not read when to send your digest.")
    said = await core.handle(ANN, DM, "send mig et overblik hver uge kl 25")
    assert said.text.startswith("Jeg kunne ikke læse, hvornår dit overblik skal komme.")
    assert (await core.handle(ANN, DM, "digest")).text.startswith("You have no digest.")
    assert await core.repo.digest_of(ANN.key) is None


def _recurrence(rem: Reminder) -> Recurrence:
    found = recurrence(rem)
    assert found is not None
    return found


# -- reading the schedule (pure) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "plan"),
    [
        ("every weekday at 8am", DigestPlan(at=time(8), days=("MO", "TU", "WE", "TH", "FR"))),
        ("every day at 7:30", DigestPlan(at=time(7, 30))),
        (
            "on mondays and thursdays at 9 even when empty",
            DigestPlan(at=time(9), days=("MO", "TH"), even_when_empty=True),
        ),
        ("hver hverdag kl 8", DigestPlan(at=time(8), days=("MO", "TU", "WE", "TH", "FR"))),
        ("hver dag kl 7.30", DigestPlan(at=time(7, 30))),
        (
            "om mandagen og torsdagen kl 9 også når det er tomt",
            DigestPlan(at=time(9), days=("MO", "TH"), even_when_empty=True),
        ),
        ("every weekday", DigestPlan(at=time(9), days=("MO", "TU", "WE", "TH", "FR"))),
    ],
)
def test_read_plan(phrase: str, plan: DigestPlan) -> None:
    assert read_plan(phrase, time(9)) == plan


@pytest.mark.parametrize(
    "phrase", ["every fortnight at 8", "at 8 and at 9", "at 24:00", "every 2 days"]
)
def test_read_plan_refuses(phrase: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        read_plan(phrase, time(9))
    assert refused.value.code == "digest_format"


# -- what it lists ---------------------------------------------------------------------------


async def test_the_digest_lists_the_days_reminders_of_its_owner(core: Core) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, "send me a digest every weekday at 8am")
    repo, now = core.repo, core.clock.now()
    tue = datetime(2026, 11, 24, tzinfo=CPH)
    await repo.add(mine(message="call Bo", next_due=local(2026, 11, 24, 9, 30)), now)
    await repo.add(
        mine(
            message="lunch",
            rrule="FREQ=DAILY;BYHOUR=12;BYMINUTE=0",
            dtstart=tue - timedelta(days=1),
            next_due=local(2026, 11, 24, 12, 0),
        ),
        now,
    )
    await repo.add(
        mine(
            message="water the plants",
            rrule="FREQ=HOURLY;INTERVAL=4",
            dtstart=local(2026, 11, 24, 10, 0),
            next_due=local(2026, 11, 24, 10, 0),
        ),
        now,
    )
    channel: dict[str, Any] = {
        "target_kind": TargetKind.CHANNEL,
        "target_ref": "C-ops",
        "target_name": "ops",
    }
    await repo.add(mine(message="standup", next_due=local(2026, 11, 24, 9, 0), **channel), now)
    for_ann: dict[str, Any] = {
        "target_kind": TargetKind.USER,
        "target_ref": "ann",
        "target_name": "ann",
    }
    await repo.add(
        mine(BO, message="review <!channel>", next_due=local(2026, 11, 24, 16, 0), **for_ann), now
    )
    # Not listed: another day, someone else's, paused, deleted, one ann set for Bo.
    await repo.add(mine(message="tomorrow's", next_due=local(2026, 11, 25, 9, 0)), now)
    await repo.add(mine(BO, message="bo's own", next_due=local(2026, 11, 24, 9, 0)), now)
    await repo.add(
        mine(message="paused", next_due=local(2026, 11, 24, 9, 0), state=ReminderState.PAUSED),
        now,
    )
    gone = await repo.add(mine(message="deleted", next_due=local(2026, 11, 24, 9, 0)), now)
    await repo.save(replace(gone, deleted_at=now), now)
    for_bo: dict[str, Any] = {
        "target_kind": TargetKind.USER,
        "target_ref": "bo",
        "target_name": "bo",
    }
    await repo.add(mine(message="for bo", next_due=local(2026, 11, 24, 9, 0), **for_bo), now)

    core.clock.set(local(2026, 11, 24, 8, 0) - timedelta(minutes=1))
    assert await core.dispatcher.drain() == 0
    core.clock.set(local(2026, 11, 24, 8, 0))
    assert await core.dispatcher.drain() == 1
    [sent] = core.platform.delivered
    assert sent.reminder.kind is ReminderKind.DIGEST and sent.reply.buttons == ()
    assert sent.reply.text == "\n".join(
        [
            "Your digest for Tue 24 Nov (times in Europe/Copenhagen):",
            "  09:00  to #ops \u2014 standup",
            "  09:30  call Bo",
            "  10:00  water the plants",
            "  12:00  lunch",
            "  14:00  water the plants",
            "  16:00  review <!channel>",
            "  18:00  water the plants",
            "  22:00  water the plants",
        ]
    )
    [occ] = await repo.occurrences(sent.reminder.id)
    assert occ.state is OccurrenceState.SENT
    assert (await digest_of(core)).next_due == local(2026, 11, 25, 8, 0)


def test_a_skip_is_not_listed_and_offsets_are() -> None:
    """A series listed from its pending time on: what a skip passed over is left out."""
    start, end = local(2026, 11, 24, 0, 0), local(2026, 11, 25, 0, 0)
    base = _stored(mine(rrule="FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0"))
    skipped = replace(
        base,
        dtstart=datetime(2026, 11, 1, tzinfo=CPH),
        next_due=local(2026, 11, 24, 17, 0),
        occurrence_due=local(2026, 11, 24, 17, 0),
    )
    offsets = replace(
        _stored(mine()),
        id=2,
        event_at=local(2026, 11, 24, 15, 0),
        offsets=(60, 24 * 60),
        next_due=local(2026, 11, 23, 15, 0),
        occurrence_due=local(2026, 11, 23, 15, 0),
    )
    items = day_items([skipped, offsets], start, end)
    assert [(i.at, i.reminder.id) for i in items] == [
        (local(2026, 11, 24, 14, 0), 2),
        (local(2026, 11, 24, 17, 0), 1),
    ]


def _stored(new: NewReminder) -> Reminder:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    return Reminder(id=1, created_at=now, updated_at=now, **_fields(new))


def _fields(new: NewReminder) -> dict[str, Any]:
    return {name: getattr(new, name) for name in NewReminder.__dataclass_fields__}


# -- empty days, weekdays, DST ---------------------------------------------------------------


async def test_an_empty_day_is_skipped_unless_even_when_empty(core: Core) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, "send me a digest every day at 8am")
    quiet = await digest_of(core)
    core.clock.set(local(2026, 11, 24, 8, 0))
    assert await core.dispatcher.drain() == 1
    assert core.platform.delivered == []
    [occ] = await core.repo.occurrences(quiet.id)
    assert occ.state is OccurrenceState.SKIPPED and occ.error == "empty"
    assert (await digest_of(core)).next_due == local(2026, 11, 25, 8, 0)

    await core.handle(ANN, DM, "send me a digest every day at 8am even when empty")
    told = await digest_of(core)
    core.clock.set(local(2026, 11, 25, 8, 0))
    assert await core.dispatcher.drain() == 1
    assert core.platform.texts() == ["Your digest for Wed 25 Nov: nothing is due today."]
    [occ] = await core.repo.occurrences(told.id)
    assert occ.state is OccurrenceState.SENT
    # 'snooze' and 'done' reach the last reminder delivered, and a digest is none.
    nothing = "No reminder has come to you yet, so there is nothing to snooze or mark done."
    assert (await core.handle(ANN, DM, "snooze 1h")).text == nothing
    assert (await core.handle(ANN, DM, "done")).text == nothing


async def test_weekdays_skip_saturday_and_sunday(core: Core) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, "send me a digest every weekday at 8am even when empty")
    rem = await digest_of(core)
    day = local(2026, 11, 24, 8, 0)  # Tuesday
    for _ in range(7):
        core.clock.set(day)
        await core.dispatcher.drain()
        day += timedelta(days=1)
    days = [o.due_at.astimezone(CPH).strftime("%a %d") for o in await core.repo.occurrences(rem.id)]
    assert days == ["Tue 24", "Wed 25", "Thu 26", "Fri 27", "Mon 30"]
    assert len(core.platform.delivered) == 5
    assert (await digest_of(core)).next_due == local(2026, 12, 1, 8, 0)


@pytest.mark.parametrize(
    ("before", "days"),
    [
        # 25 Oct 2026: CEST (UTC+2) ends; 08:00 local is 06:00 UTC, then 07:00 UTC.
        (datetime(2026, 10, 23, 12, 0, tzinfo=UTC), (6, 7, 7)),
        # 28 Mar 2027: CEST begins; 08:00 local is 07:00 UTC, then 06:00 UTC.
        (datetime(2027, 3, 26, 12, 0, tzinfo=UTC), (7, 6, 6)),
    ],
)
async def test_it_fires_at_eight_local_across_a_dst_change(
    core: Core, before: datetime, days: tuple[int, ...]
) -> None:
    core.clock.set(before)
    await in_copenhagen(core)
    await core.handle(ANN, DM, "send me a digest every day at 8am even when empty")
    rem = await digest_of(core)
    first = before.date() + timedelta(days=1)
    for offset, utc_hour in enumerate(days):
        at = datetime.combine(first + timedelta(days=offset), time(utc_hour), tzinfo=UTC)
        core.clock.set(at - timedelta(minutes=1))
        assert await core.dispatcher.drain() == 0, f"early on {at}"
        core.clock.set(at)
        assert await core.dispatcher.drain() == 1, f"not at {at}"
    dues = [o.due_at for o in await core.repo.occurrences(rem.id)]
    assert [d.astimezone(CPH).hour for d in dues] == [8, 8, 8]
    assert [d.astimezone(UTC).hour for d in dues] == list(days)
    assert len(core.platform.delivered) == 3


# -- replicas ------------------------------------------------------------------------------------


@pytest.fixture
async def replica(
    database: Database, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[SqlReminderRepository]:
    """A second repository on its own engine, over the same (already migrated) database."""
    engine = database.engine()
    yield SqlReminderRepository(engine, clock=clock)
    await engine.dispose()


async def test_two_dispatchers_deliver_each_digest_once(
    repo: SqlReminderRepository, replica: SqlReminderRepository, clock: ManualClock
) -> None:
    people = [UserRef(platform="console", workspace="local", user=f"u{n}") for n in range(30)]
    digests = Digests(repo, clock)
    plan = DigestPlan(at=time(8), even_when_empty=True)
    made = [await digests.set(p, plan, tz="Europe/Copenhagen", origin=Origin.API) for p in people]
    for person in people[:10]:  # some have something due, so the composer reads too
        await repo.add(mine(person, next_due=local(2026, 11, 24, 12, 0)), clock.now())
    one, two = FakePlatform(), FakePlatform()
    first = Dispatcher(repo, {"console": one}, clock, batch=7)
    second = Dispatcher(replica, {"console": two}, clock, batch=7)
    clock.set(local(2026, 11, 24, 8, 0))
    counts = await asyncio.gather(first.drain(), second.drain(), first.drain(), second.drain())
    delivered = one.delivered + two.delivered
    assert sum(counts) == len(made) == len(delivered)
    assert sorted(d.reminder.id for d in delivered) == sorted(r.id for r in made)
    assert one.delivered and two.delivered, "both dispatchers took part"
    listing = [d for d in delivered if "12:00" in d.reply.text]
    assert len(listing) == 10
    for rem in made:
        [occ] = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.SENT


async def test_racing_replicas_leave_one_digest_per_person(
    repo: SqlReminderRepository,
    replica: SqlReminderRepository,
    clock: ManualClock,
    engine: AsyncEngine,
) -> None:
    here, there = Digests(repo, clock), Digests(replica, clock)
    plans = [DigestPlan(at=time(h)) for h in range(6, 20)]
    await asyncio.gather(
        *(
            (here if n % 2 else there).set(ANN, plan, tz="UTC", origin=Origin.API)
            for n, plan in enumerate(plans)
        )
    )
    live = (
        select(func.count())
        .select_from(ReminderRow)
        .where(
            ReminderRow.owner == ANN.key,
            ReminderRow.kind == "digest",
            ReminderRow.deleted_at.is_(None),
        )
    )
    async with engine.connect() as conn:
        assert (await conn.execute(live)).scalar_one() == 1
        every = select(func.count()).select_from(ReminderRow).where(ReminderRow.owner == ANN.key)
        assert (await conn.execute(every)).scalar_one() == len(plans)
    found = await repo.digest_of(ANN.key)
    assert found is not None and found.rrule in {p.rrule for p in plans}


async def test_a_system_account_cannot_have_a_digest(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    system = UserRef.of("system::nightly-job")
    with pytest.raises(InvalidRequest) as refused:
        await Digests(repo, clock).set(system, DigestPlan(at=time(8)), tz="UTC", origin=Origin.API)
    assert refused.value.code == "digest_system"


# -- the phrase guide's examples ---------------------------------------------------------------

GUIDE = Path(__file__).parents[2] / "docs" / "phrases.md"


def guide_rows() -> list[tuple[str, str, str]]:
    """(phrase, rule, empty days) of the guide's Digests table."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Digests") :]
    section = section[: section.index("\n## ", 1)]
    found = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| (skipped|sent) \|$", section, re.M)
    return [(phrase, rule.strip(), empty) for phrase, rule, empty in found]


def test_the_guide_has_digest_examples_in_both_languages() -> None:
    phrases = [phrase for phrase, _, _ in guide_rows()]
    assert len(phrases) >= 6
    assert any(p.startswith("send mig") for p in phrases)


@pytest.mark.parametrize(("phrase", "rule", "empty"), guide_rows())
async def test_a_guide_example_sets_the_digest_shown(
    core: Core, phrase: str, rule: str, empty: str
) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, phrase)
    rem = await digest_of(core)
    assert texts.ENGLISH.w.rule(_recurrence(rem)) == rule
    assert rem.digest_empty is (empty == "sent")


def test_what_people_wrote_cannot_ping_a_channel_from_a_digest() -> None:
    """The digest is a Reply like any delivery: the adapters defuse it as they render."""
    digest = replace(_stored(mine(rrule="FREQ=DAILY;BYHOUR=8;BYMINUTE=0")), id=9)
    hostile = [
        replace(_stored(mine(message="<!channel> review")), id=1),
        replace(_stored(mine(message="@here and @everyone, standup")), id=2),
    ]
    occ = Occurrence(
        id=1, reminder_id=9, due_at=local(2026, 11, 24, 8, 0), state=OccurrenceState.CLAIMED
    )
    at = local(2026, 11, 24, 9, 0)
    reply = texts.ENGLISH.digest(digest, occ, [(at, r) for r in hostile], 50)
    assert "<!channel> review" in reply.text  # the words are kept …
    slack = json.dumps([to_blocks(reply), fallback(reply)])
    assert "<!" not in slack and "&lt;!channel&gt; review" in slack  # … and shown, inert
    mattermost = text_of(reply)
    assert not re.search(r"@(?:here|everyone|channel)\b", mattermost)
    assert "review" in mattermost and "standup" in mattermost


async def test_quiet_hours_defer_a_digest_which_still_lists_its_own_day(core: Core) -> None:
    await in_copenhagen(core)
    await core.handle(ANN, DM, "quiet hours 07:00-09:00")
    await core.handle(ANN, DM, "send me a digest every day at 8am")
    await core.repo.add(
        mine(message="call Bo", next_due=local(2026, 11, 24, 11, 0)), core.clock.now()
    )
    core.clock.set(local(2026, 11, 24, 8, 0))
    assert await core.dispatcher.drain() == 1  # deferred to the end of the quiet hours
    assert core.platform.delivered == []
    core.clock.set(local(2026, 11, 24, 9, 0))
    assert await core.dispatcher.drain() == 1
    assert core.platform.texts() == [
        "Your digest for Tue 24 Nov (times in Europe/Copenhagen):\n  11:00  call Bo"
    ]


async def test_a_digest_goes_on_its_owners_channels_with_the_same_listing(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    """On chat and email alike (the owner's channels): one composed message, one record each."""
    sent: list[Delivery] = []

    class Email:
        name = "email"

        async def send(self, delivery: Delivery) -> str:
            sent.append(delivery)
            return f"mail-{len(sent)}"

    await repo.save_user(UserPrefs(key=ANN.key, tz="Europe/Copenhagen", channels=("chat", "email")))
    digest = await Digests(repo, clock).set(
        ANN, DigestPlan(at=time(8)), tz="Europe/Copenhagen", origin=Origin.API
    )
    await repo.add(mine(message="call Bo", next_due=local(2026, 11, 24, 11, 0)), clock.now())
    chat = FakePlatform()
    dispatcher = Dispatcher(repo, {"console": chat}, clock, channels={"email": Email()})
    clock.set(local(2026, 11, 24, 8, 0))
    assert await dispatcher.drain() == 1
    listing = "Your digest for Tue 24 Nov (times in Europe/Copenhagen):\n  11:00  call Bo"
    assert chat.texts() == [listing] and [d.reply.text for d in sent] == [listing]
    [occ] = await repo.occurrences(digest.id)
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    assert {c: r.state for c, r in records.items()} == {
        "chat": OccurrenceState.SENT,
        "email": OccurrenceState.SENT,
    }


def test_a_long_day_lists_the_first_fifty_and_counts_the_rest() -> None:
    digest = replace(_stored(mine(rrule="FREQ=DAILY;BYHOUR=8;BYMINUTE=0")), id=9)
    occ = Occurrence(
        id=1, reminder_id=9, due_at=local(2026, 11, 24, 8, 0), state=OccurrenceState.CLAIMED
    )
    many = [
        (local(2026, 11, 24, 9, 0) + timedelta(minutes=5 * n), _stored(mine(message=f"m{n}")))
        for n in range(55)
    ]
    lines = texts.ENGLISH.digest(digest, occ, many, MAX_LINES).text.splitlines()
    assert len(lines) == 1 + 50 + 1
    assert lines[1] == "  09:00  m0" and lines[50] == "  13:05  m49"
    assert lines[-1] == "  \u2026and 5 more."
    danish = texts.DANISH.digest(digest, occ, many, MAX_LINES).text.splitlines()
    assert danish[0] == "Dit overblik for tir 24. nov (tider i Europe/Copenhagen):"
    assert danish[-1] == "  \u2026og 5 mere."
