"""The ReminderRepository contract, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.clock import ManualClock
from bot.core.model import OccurrenceState, Origin, ReminderState, TargetKind, UserPrefs
from storage import SqlReminderRepository
from storage.models import AuditRow
from tests.factories import DUE, new_reminder

CPH = timezone(timedelta(hours=1))


def assert_utc(moment: datetime | None) -> None:
    assert moment is not None
    assert moment.tzinfo is UTC


# -- users -----------------------------------------------------------------------------


async def test_unknown_user_is_none(repo: SqlReminderRepository) -> None:
    assert await repo.get_user("slack:T1:nobody") is None


async def test_user_prefs_round_trip(repo: SqlReminderRepository) -> None:
    prefs = UserPrefs(
        key="slack:T1:U1",
        tz="Europe/Copenhagen",
        tz_source="user",
        date_order="DMY",
        default_time=time(8, 30),
        quiet_start=time(22, 0),
        quiet_end=time(7, 15),
        language="da",
        display_name="Åse",
    )
    assert await repo.save_user(prefs) == prefs
    assert await repo.get_user(prefs.key) == prefs


async def test_saving_user_again_replaces_prefs(repo: SqlReminderRepository) -> None:
    await repo.save_user(UserPrefs(key="k", quiet_start=time(22), quiet_end=time(7)))
    changed = UserPrefs(key="k", tz="America/New_York", tz_source="platform")
    await repo.save_user(changed)
    assert await repo.get_user("k") == changed  # quiet hours back to None


# -- reminders -------------------------------------------------------------------------


async def test_add_assigns_id_timestamps_and_occurrence_due(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    added = await repo.add(new_reminder(), clock.now())
    assert added.id > 0
    assert (added.created_at, added.updated_at) == (clock.now(), clock.now())
    assert added.occurrence_due == added.next_due == DUE
    assert (added.attempts, added.lease_until, added.deleted_at) == (0, None, None)
    assert await repo.get(added.id) == added


async def test_get_missing_is_none(repo: SqlReminderRepository) -> None:
    assert await repo.get(12345) is None


async def test_datetimes_come_back_aware_utc(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    local = DUE.astimezone(CPH)
    added = await repo.add(new_reminder(next_due=local, dtstart=local), clock.now())
    stored = await repo.get(added.id)
    assert stored is not None
    for moment in (stored.next_due, stored.dtstart, stored.created_at, stored.occurrence_due):
        assert_utc(moment)
    assert stored.next_due == DUE


async def test_naive_datetime_is_refused(repo: SqlReminderRepository, clock: ManualClock) -> None:
    with pytest.raises(StatementError, match="naive datetime") as caught:
        await repo.add(new_reminder(next_due=DUE.replace(tzinfo=None)), clock.now())
    assert isinstance(caught.value.orig, ValueError)


async def test_every_field_round_trips(repo: SqlReminderRepository, clock: ManualClock) -> None:
    parent = await repo.add(new_reminder(), clock.now())
    new = new_reminder(
        entity_type="case",
        entity_id="123",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        dtstart=DUE,
        draft_expires_at=DUE + timedelta(minutes=10),
        parent_id=parent.id,
        origin=Origin.SNOOZE,
        state=ReminderState.DRAFT,
    )
    added = await repo.add(new, clock.now())
    assert {name: getattr(added, name) for name in new.__dataclass_fields__} == {
        name: getattr(new, name) for name in new.__dataclass_fields__
    }
    assert added.recurring


async def test_save_writes_changes_and_clears_lease(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    added = await repo.add(new_reminder(), clock.now())
    (claimed,) = await repo.claim_due(DUE, DUE + timedelta(minutes=5), 10)
    assert claimed.lease_until == DUE + timedelta(minutes=5)
    later = clock.advance(timedelta(hours=2))
    changed = replace(
        claimed,
        state=ReminderState.PAUSED,
        next_due=DUE + timedelta(days=1),
        occurrence_due=DUE + timedelta(hours=20),
        message="call the vet again",
        target_kind=TargetKind.CHANNEL,
        target_ref="C9",
        target_name="#ops",
        rrule="FREQ=DAILY",
        dtstart=DUE,
        tz="UTC",
        entity_type="ticket",
        entity_id="TSK-1",
        phrase="every day",
        attempts=3,
        owner="someone else",  # not changeable: ignored
    )
    saved = await repo.save(changed, later)
    assert saved == replace(changed, owner=added.owner, lease_until=None, updated_at=later)
    assert await repo.get(added.id) == saved


async def test_save_of_missing_reminder_raises(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    added = await repo.add(new_reminder(), clock.now())
    with pytest.raises(LookupError, match="999"):
        await repo.save(replace(added, id=999), clock.now())


async def test_soft_deleted_is_kept_but_not_listed(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    added = await repo.add(new_reminder(), clock.now())
    await repo.save(replace(added, deleted_at=clock.now()), clock.now())
    assert await repo.list_for(added.owner, [ReminderState.SCHEDULED]) == []
    stored = await repo.get(added.id)
    assert stored is not None and stored.deleted_at == clock.now()


async def test_list_for_filters_by_owner_and_state_ordered_by_due(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    late = await repo.add(new_reminder(next_due=DUE + timedelta(hours=3)), now)
    early = await repo.add(new_reminder(next_due=DUE), now)
    undated = await repo.add(new_reminder(next_due=None, state=ReminderState.PAUSED), now)
    await repo.add(new_reminder(owner="slack:T1:U2"), now)
    await repo.add(new_reminder(state=ReminderState.COMPLETED), now)
    states = [ReminderState.SCHEDULED, ReminderState.PAUSED]
    listed = await repo.list_for("slack:T1:U1", states)
    assert [r.id for r in listed] == [early.id, late.id, undated.id]
    assert len(await repo.list_for(None, [ReminderState.SCHEDULED])) == 3
    assert [r.id for r in await repo.list_for("slack:T1:U1", states, limit=1)] == [early.id]
    assert await repo.list_for("slack:T1:U1", []) == []


async def test_expire_drafts_cancels_only_expired_drafts(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    expired = await repo.add(
        new_reminder(state=ReminderState.DRAFT, draft_expires_at=now - timedelta(seconds=1)), now
    )
    fresh = await repo.add(
        new_reminder(state=ReminderState.DRAFT, draft_expires_at=now + timedelta(minutes=9)), now
    )
    scheduled = await repo.add(new_reminder(draft_expires_at=now - timedelta(hours=1)), now)
    assert await repo.expire_drafts(now) == 1
    assert await repo.expire_drafts(now) == 0
    states = {r.id: (await repo.get(r.id)) for r in (expired, fresh, scheduled)}
    assert {i: r.state for i, r in states.items() if r} == {
        expired.id: ReminderState.CANCELLED,
        fresh.id: ReminderState.DRAFT,
        scheduled.id: ReminderState.SCHEDULED,
    }


async def test_next_due_is_earliest_scheduled_not_deleted(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    now = clock.now()
    assert await repo.next_due() is None
    await repo.add(new_reminder(next_due=DUE + timedelta(hours=1)), now)
    await repo.add(new_reminder(next_due=DUE, state=ReminderState.PAUSED), now)
    gone = await repo.add(new_reminder(next_due=DUE - timedelta(hours=1)), now)
    await repo.save(replace(gone, deleted_at=now), now)
    earliest = await repo.next_due()
    assert earliest == DUE + timedelta(hours=1)
    assert_utc(earliest)


# -- occurrences -----------------------------------------------------------------------


async def test_open_occurrence_creates_then_reopens(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    first = await repo.open_occurrence(reminder.id, DUE, clock.now())
    assert (first.reminder_id, first.due_at, first.state, first.attempts) == (
        reminder.id,
        DUE,
        OccurrenceState.CLAIMED,
        1,
    )
    assert first.claimed_at == clock.now()
    await repo.finish_occurrence(first.id, OccurrenceState.DEFERRED, clock.now(), error="timeout")
    later = clock.advance(timedelta(minutes=1))
    again = await repo.open_occurrence(reminder.id, DUE.astimezone(CPH), later)
    assert (again.id, again.state, again.attempts, again.claimed_at) == (
        first.id,
        OccurrenceState.CLAIMED,
        2,
        later,
    )


@pytest.mark.parametrize(
    "state", [OccurrenceState.SENT, OccurrenceState.FAILED, OccurrenceState.SKIPPED]
)
async def test_open_occurrence_leaves_a_finished_one_unchanged(
    repo: SqlReminderRepository, clock: ManualClock, state: OccurrenceState
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    first = await repo.open_occurrence(reminder.id, DUE, clock.now())
    await repo.finish_occurrence(first.id, state, clock.now(), message_ref="m1")
    again = await repo.open_occurrence(reminder.id, DUE, clock.advance(timedelta(minutes=5)))
    assert (again.id, again.state, again.attempts, again.message_ref) == (first.id, state, 1, "m1")


async def test_open_occurrence_of_missing_reminder_raises(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    with pytest.raises(LookupError, match="4242"):
        await repo.open_occurrence(4242, DUE, clock.now())


async def test_finish_occurrence_records_outcome(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    opened = await repo.open_occurrence(reminder.id, DUE, clock.now())
    failed = await repo.finish_occurrence(
        opened.id, OccurrenceState.FAILED, DUE, error="ratelimited"
    )
    assert (failed.state, failed.error, failed.sent_at) == (
        OccurrenceState.FAILED,
        "ratelimited",
        None,
    )
    sent_at = clock.advance(timedelta(seconds=5))
    sent = await repo.finish_occurrence(
        opened.id, OccurrenceState.SENT, sent_at, message_ref="D1:1.2"
    )
    assert (sent.state, sent.sent_at, sent.message_ref, sent.error) == (
        OccurrenceState.SENT,
        sent_at,
        "D1:1.2",
        None,
    )
    assert await repo.get_occurrence(opened.id) == sent


async def test_finish_missing_occurrence_raises(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    with pytest.raises(LookupError, match="77"):
        await repo.finish_occurrence(77, OccurrenceState.SENT, clock.now())
    assert await repo.get_occurrence(77) is None


async def test_completions_are_idempotent_and_ordered(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    occurrence = await repo.open_occurrence(reminder.id, DUE, clock.now())
    await repo.add_completion(occurrence.id, "bob", clock.advance(timedelta(minutes=1)))
    await repo.add_completion(occurrence.id, "alice", clock.advance(timedelta(minutes=1)))
    done = await repo.add_completion(occurrence.id, "bob", clock.advance(timedelta(minutes=1)))
    assert done.completed_by == ("bob", "alice")
    stored = await repo.get_occurrence(occurrence.id)
    assert stored is not None and stored.completed_by == ("bob", "alice")


async def test_completion_of_missing_occurrence_raises(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    with pytest.raises(LookupError, match="31"):
        await repo.add_completion(31, "bob", clock.now())


async def test_occurrences_are_history_oldest_first(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(rrule="FREQ=DAILY"), clock.now())
    other = await repo.add(new_reminder(), clock.now())
    days = [DUE + timedelta(days=n) for n in (2, 0, 1)]
    for day in days:
        await repo.open_occurrence(reminder.id, day, clock.now())
    await repo.open_occurrence(other.id, DUE, clock.now())
    first = (await repo.occurrences(reminder.id))[0]
    await repo.add_completion(first.id, "bob", clock.now())
    history = await repo.occurrences(reminder.id)
    assert [o.due_at for o in history] == sorted(days)
    assert [o.completed_by for o in history] == [("bob",), (), ()]
    assert await repo.occurrences(9999) == []


# -- events and audit ------------------------------------------------------------------


async def test_event_is_new_once(repo: SqlReminderRepository, clock: ManualClock) -> None:
    assert await repo.mark_event_seen("slack", "Ev1", clock.now()) is True
    assert await repo.mark_event_seen("slack", "Ev1", clock.now()) is False
    assert await repo.mark_event_seen("mattermost", "Ev1", clock.now()) is True


async def test_events_are_forgotten_after_a_day(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    await repo.mark_event_seen("slack", "Ev1", clock.now())
    later = clock.advance(timedelta(hours=24, seconds=1))
    assert await repo.mark_event_seen("slack", "Ev2", later) is True
    assert await repo.mark_event_seen("slack", "Ev1", later) is True


async def test_audit_appends_a_row(
    repo: SqlReminderRepository, engine: AsyncEngine, clock: ManualClock
) -> None:
    reminder = await repo.add(new_reminder(), clock.now())
    await repo.audit("slack:T1:U1", "snooze", clock.now(), reminder.id, {"minutes": 10})
    await repo.audit("system", "expire_drafts", clock.now())
    async with async_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(AuditRow).order_by(AuditRow.id))).all()
    assert [(r.actor, r.action, r.reminder_id, r.detail) for r in rows] == [
        ("slack:T1:U1", "snooze", reminder.id, {"minutes": 10}),
        ("system", "expire_drafts", None, None),
    ]
    assert rows[0].at == clock.now()
