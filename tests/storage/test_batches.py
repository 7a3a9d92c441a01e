"""The dispatcher's batch methods: open_occurrences, record_outcomes, get_users."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.clock import ManualClock
from bot.core.model import OccurrenceState, ReminderState, UserPrefs
from bot.core.ports import Outcome
from storage import SqlReminderRepository, make_engine
from storage.models import OCCURRENCES, AuditRow
from storage.types import UTCDateTime, sqlite_text
from tests.factories import DUE, new_reminder

# A table of one instant, to see what UTCDateTime itself stores on SQLite.
TABLE = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))


async def test_get_users_reads_many_at_once_and_skips_unknown(
    repo: SqlReminderRepository,
) -> None:
    ann = await repo.save_user(UserPrefs(key="slack:T1:ann", tz="Europe/Copenhagen"))
    bo = await repo.save_user(UserPrefs(key="slack:T1:bo", tz="America/New_York"))
    found = await repo.get_users({"slack:T1:ann", "slack:T1:bo", "slack:T1:nobody"})
    assert found == {ann.key: ann, bo.key: bo}
    assert await repo.get_users(set()) == {}


async def test_open_occurrences_creates_reopens_and_keeps_finished_in_item_order(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    fresh, deferred, sent = [await repo.add(new_reminder(), now) for _ in range(3)]
    first = await repo.open_occurrence(deferred.id, DUE, now)
    await repo.finish_occurrence(first.id, OccurrenceState.DEFERRED, now, error="quiet")
    done = await repo.open_occurrence(sent.id, DUE, now)
    await repo.finish_occurrence(done.id, OccurrenceState.SENT, now, message_ref="m1")
    await repo.add_completion(done.id, "slack:T1:U2", now)
    later = clock.advance(timedelta(minutes=1))
    items = [(sent.id, DUE), (fresh.id, DUE), (deferred.id, DUE), (fresh.id, DUE)]
    opened = await repo.open_occurrences(items, later)
    assert [(o.reminder_id, o.state, o.attempts) for o in opened] == [
        (sent.id, OccurrenceState.SENT, 1),
        (fresh.id, OccurrenceState.CLAIMED, 1),
        (deferred.id, OccurrenceState.CLAIMED, 2),
    ]
    assert opened[0].completed_by == ("slack:T1:U2",)
    assert opened[0].message_ref == "m1"
    assert opened[2].id == first.id and opened[2].claimed_at == later


async def test_open_occurrences_of_a_missing_reminder_opens_nothing(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    real = await repo.add(new_reminder(), clock.now())
    with pytest.raises(LookupError, match="4242"):
        await repo.open_occurrences([(real.id, DUE), (4242, DUE)], clock.now())
    assert await repo.occurrences(real.id) == []


async def test_record_outcomes_writes_occurrences_reminders_and_audit_in_one_go(
    repo: SqlReminderRepository, engine: AsyncEngine, clock: ManualClock
) -> None:
    now = clock.now()
    for _ in range(3):
        await repo.add(new_reminder(), now)
    # As the dispatcher does: the outcomes carry the reminders as claimed (with the lease).
    a, b, c = await repo.claim_due(DUE, DUE + timedelta(minutes=2), 10)
    oa, ob, oc = await repo.open_occurrences([(a.id, DUE), (b.id, DUE), (c.id, DUE)], now)
    retry = DUE + timedelta(minutes=5)
    outcomes = [
        Outcome(
            reminder=replace(a, state=ReminderState.COMPLETED, next_due=None),
            occurrence_id=oa.id,
            state=OccurrenceState.SENT,
            message_ref="D1:1.1",
        ),
        Outcome(
            reminder=replace(b, next_due=retry),
            occurrence_id=ob.id,
            state=OccurrenceState.DEFERRED,
            error="ratelimited",
        ),
        # Already finished before a crash: only the reminder moves on.
        Outcome(
            reminder=replace(c, state=ReminderState.COMPLETED, next_due=None),
            occurrence_id=oc.id,
            state=None,
        ),
    ]
    await repo.record_outcomes(outcomes, now)
    got_a, got_b, got_c = [await repo.get(r.id) for r in (a, b, c)]
    assert got_a is not None and got_b is not None and got_c is not None
    assert (got_a.state, got_a.next_due) == (ReminderState.COMPLETED, None)
    assert (got_b.state, got_b.next_due) == (ReminderState.SCHEDULED, retry)
    assert got_c.state == ReminderState.COMPLETED
    sent = await repo.get_occurrence(oa.id)
    assert sent is not None
    assert (sent.state, sent.message_ref, sent.sent_at) == (OccurrenceState.SENT, "D1:1.1", now)
    deferred = await repo.get_occurrence(ob.id)
    assert deferred is not None
    assert (deferred.state, deferred.error, deferred.sent_at) == (
        OccurrenceState.DEFERRED,
        "ratelimited",
        None,
    )
    untouched = await repo.get_occurrence(oc.id)
    assert untouched is not None and untouched.state == OccurrenceState.CLAIMED
    # The leases are cleared: b is claimable again once its retry time comes.
    assert [r.id for r in await repo.claim_due(retry, retry + timedelta(minutes=2), 10)] == [b.id]
    async with async_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(AuditRow).order_by(AuditRow.id))).all()
    assert [(r.actor, r.action, r.reminder_id, r.detail) for r in rows] == [
        (
            "dispatcher",
            "delivered",
            a.id,
            {"occurrence": oa.id, "channel": "chat", "message_ref": "D1:1.1"},
        ),
        (
            "dispatcher",
            "deferred",
            b.id,
            {"occurrence": ob.id, "channel": "chat", "reason": "ratelimited"},
        ),
    ]


async def test_record_outcomes_never_undoes_a_finished_occurrence(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.add(new_reminder(), clock.now())
    (stale,) = await repo.claim_due(DUE, DUE + timedelta(minutes=2), 10)
    (occ,) = await repo.open_occurrences([(stale.id, DUE)], DUE)
    # Another process, after the lease ran out, delivered and recorded it.
    later = DUE + timedelta(minutes=3)
    (fresh,) = await repo.claim_due(later, later + timedelta(minutes=2), 10)
    sent = replace(fresh, state=ReminderState.COMPLETED, next_due=None, occurrence_due=None)
    await repo.record_outcomes(
        [Outcome(reminder=sent, occurrence_id=occ.id, state=OccurrenceState.SENT)], later
    )
    # The first, stale batch now writes its late "deferred": it changes nothing.
    retry = replace(stale, next_due=later + timedelta(minutes=1))
    late = Outcome(
        reminder=retry, occurrence_id=occ.id, state=OccurrenceState.DEFERRED, error="timeout"
    )
    await repo.record_outcomes([late], later)
    got = await repo.get_occurrence(occ.id)
    assert got is not None and (got.state, got.error) == (OccurrenceState.SENT, None)
    rem = await repo.get(stale.id)
    assert rem is not None and (rem.state, rem.next_due) == (ReminderState.COMPLETED, None)


async def test_an_edit_saved_during_delivery_wins_over_the_dispatcher(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.add(new_reminder(rrule="FREQ=DAILY"), clock.now())
    (claimed,) = await repo.claim_due(DUE, DUE + timedelta(minutes=2), 10)
    (occ,) = await repo.open_occurrences([(claimed.id, DUE)], DUE)
    # The owner deletes the reminder while the platform call is in flight.
    await repo.save(replace(claimed, deleted_at=DUE), DUE)
    advanced = replace(claimed, next_due=DUE + timedelta(days=1))
    await repo.record_outcomes(
        [Outcome(reminder=advanced, occurrence_id=occ.id, state=OccurrenceState.SENT)], DUE
    )
    rem = await repo.get(claimed.id)
    assert rem is not None and rem.deleted_at == DUE and rem.next_due == DUE
    got = await repo.get_occurrence(occ.id)
    assert got is not None and got.state == OccurrenceState.SENT


async def test_open_occurrences_finds_a_row_other_writers_stored(
    repo: SqlReminderRepository, engine: AsyncEngine, clock: ManualClock
) -> None:
    """On SQLite the batch statements carry their instants as JSON text (sqlite_text):
    an occurrence stored through SQLAlchemy's own binding (as every other writer stores
    them) must be the same key, or a second copy of it would be opened and delivered."""
    rem = await repo.add(new_reminder(), clock.now())
    due = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))  # whole second
    async with engine.begin() as conn:
        await conn.execute(
            insert(OCCURRENCES).values(
                reminder_id=rem.id, due_at=due, state="deferred", attempts=1, claimed_at=due
            )
        )
        (stored,) = (await conn.execute(select(OCCURRENCES.c.id))).one()
    (opened,) = await repo.open_occurrences([(rem.id, due.astimezone(UTC))], clock.now())
    assert (opened.id, opened.attempts, opened.state) == (stored, 2, OccurrenceState.CLAIMED)
    assert opened.due_at == due and opened.due_at.tzinfo is UTC


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Copenhagen")),
        datetime(1999, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    ],
)
async def test_sqlite_text_is_what_utc_datetime_stores(tmp_path: Path, when: datetime) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: TABLE.create(sync))
            await conn.execute(insert(TABLE).values(at=when))
            stored = (await conn.execute(text("SELECT at FROM t"))).scalar_one()
            read = (await conn.execute(select(TABLE.c.at))).scalar_one()
    finally:
        await engine.dispose()
    assert sqlite_text(when) == stored
    assert read == when and read.tzinfo is UTC


def test_sqlite_text_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        sqlite_text(datetime(2026, 12, 1, 9, 0))


async def test_record_outcomes_audit_details_read_back_as_written(
    repo: SqlReminderRepository, engine: AsyncEngine, clock: ManualClock
) -> None:
    """The audit lines of a batch (one JSON statement on SQLite): detail objects with
    quotes, non-ASCII text and nulls left out come back as the dicts the dispatcher wrote."""
    await repo.add(new_reminder(), clock.now())
    (claimed,) = await repo.claim_due(DUE, DUE + timedelta(minutes=2), 10)
    (occ,) = await repo.open_occurrences([(claimed.id, DUE)], DUE)
    odd = 'chat:"quoted" \\ back\u00e6\u00f8\u00e5 \U0001f600'
    outcome = Outcome(
        reminder=replace(claimed, next_due=DUE + timedelta(minutes=5)),
        occurrence_id=occ.id,
        state=OccurrenceState.DEFERRED,
        error=odd,
    )
    await repo.record_outcomes([outcome], DUE)
    async with async_sessionmaker(engine)() as session:
        (line,) = (await session.scalars(select(AuditRow))).all()
    assert (line.actor, line.action, line.reminder_id) == ("dispatcher", "deferred", claimed.id)
    assert line.detail == {"occurrence": occ.id, "channel": "chat", "reason": odd}
    assert line.at == DUE
    got = await repo.get_occurrence(occ.id)
    assert got is not None and (got.state, got.error) == (OccurrenceState.DEFERRED, odd)
