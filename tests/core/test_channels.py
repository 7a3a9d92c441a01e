"""Delivery on several channels: one record per (occurrence, channel), retries per channel,
the channel a reminder, its recipient or its workspace names, and the dry run.

The non-chat channel here is a stand-in receiver implementing the ``DeliveryChannel``
port (as ``FakePlatform`` stands in for a chat platform); email and webhooks are tested
against a real SMTP server and a real HTTP receiver in tests/adapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import insert

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import Delivery, OccurrenceState, ReminderState, UserPrefs
from bot.core.ports import DeliveryError
from storage import SqlReminderRepository
from storage.models import WorkspaceSettingRow
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder


@dataclass
class Receiver:
    """A channel that keeps what it was sent, and fails on cue."""

    name: str = "email"
    sent: list[Delivery] = field(default_factory=list)
    faults: list[DeliveryError] = field(default_factory=list)

    async def send(self, delivery: Delivery) -> str:
        if self.faults:
            raise self.faults.pop(0)
        self.sent.append(delivery)
        return f"{self.name}-{len(self.sent)}"


def _dispatcher(
    repo: SqlReminderRepository, clock: ManualClock, platform: FakePlatform, **kw: object
) -> Dispatcher:
    return Dispatcher(repo, {"slack": platform}, clock, **kw)  # type: ignore[arg-type]


async def test_each_channel_gets_the_occurrence_once_with_its_own_record(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE - timedelta(minutes=5))
    platform, email = FakePlatform(platform="slack"), Receiver()
    dispatcher = _dispatcher(repo, clock, platform, channels={"email": email})
    rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    assert await dispatcher.drain() == 0  # nothing goes out before its due time
    assert platform.delivered == [] and email.sent == []
    clock.set(DUE)
    assert await dispatcher.drain() == 1
    assert len(platform.delivered) == 1 and len(email.sent) == 1
    sent = email.sent[0]
    assert sent.channel == "email" and sent.chat_link == "msg-1"
    assert sent.delivery_id == f"occ-{sent.occurrence.id}-email"
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT and occ.message_ref == "msg-1"
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    assert {c: (r.state, r.message_ref) for c, r in records.items()} == {
        "chat": (OccurrenceState.SENT, "msg-1"),
        "email": (OccurrenceState.SENT, "email-1"),
    }
    lines = [(a.action, a.detail) for a in await repo.audit_for(rem.id)]
    assert ("delivered", {"occurrence": occ.id, "channel": "email", "message_ref": "email-1"}) in (
        lines
    )
    clock.advance(timedelta(days=1))
    assert await dispatcher.drain() == 0
    assert len(platform.delivered) == 1 and len(email.sent) == 1


async def test_a_failing_channel_is_retried_alone_and_the_other_is_not_sent_again(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    platform, email = FakePlatform(platform="slack"), Receiver()
    email.faults = [DeliveryError("smtp_unavailable", temporary=True, retry_after=60)]
    dispatcher = _dispatcher(repo, clock, platform, channels={"email": email})
    rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    assert await dispatcher.drain() == 1
    assert len(platform.delivered) == 1 and email.sent == []
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.DEFERRED
    assert occ.error == "email:smtp_unavailable"
    stored = await repo.get(rem.id)
    assert stored is not None and stored.next_due == DUE + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    assert await dispatcher.drain() == 1
    assert len(platform.delivered) == 1, "chat was done: not posted again"
    assert len(email.sent) == 1 and email.sent[0].attempt == 2
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    assert records["email"].attempts == 2 and records["chat"].attempts == 1


async def test_a_channel_that_fails_for_good_does_not_stop_the_others(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    platform = FakePlatform(platform="slack")
    dispatcher = _dispatcher(repo, clock, platform)  # no email channel configured
    rem = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    assert await dispatcher.drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    assert records["email"].state is OccurrenceState.FAILED
    assert records["email"].error == "email_not_configured"


async def test_when_every_channel_fails_the_owner_is_told(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    platform, email = FakePlatform(platform="slack"), Receiver()
    email.faults = [DeliveryError("mailbox_unavailable", temporary=False)]
    dispatcher = _dispatcher(repo, clock, platform, channels={"email": email})
    rem = await repo.add(new_reminder(channels=("email",)), clock.now())
    assert await dispatcher.drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.FAILED and occ.error == "email:mailbox_unavailable"
    assert platform.delivered == []
    assert [owner for owner, _ in platform.notices] == [rem.owner]


async def test_the_recipient_default_and_then_the_workspace_default_choose_the_channels(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    platform, email = FakePlatform(platform="slack"), Receiver()
    dispatcher = _dispatcher(repo, clock, platform, channels={"email": email})
    await repo.save_user(UserPrefs(key="slack:T1:U1", channels=("email",)))
    mine = await repo.add(new_reminder(), clock.now())
    other = await repo.add(
        new_reminder(owner="slack:T1:U2", target_ref="U2", created_by="slack:T1:U2"), clock.now()
    )
    async with repo._engine.begin() as conn:
        await conn.execute(
            insert(WorkspaceSettingRow),
            [
                {
                    "workspace": "slack:T1",
                    "name": "channels",
                    "value": ["chat", "email"],
                    "updated_at": clock.now(),
                }
            ],
        )
    assert await dispatcher.drain() == 2
    assert sorted(d.reminder.id for d in email.sent) == sorted([mine.id, other.id])
    assert [d.reminder.id for d in platform.delivered] == [other.id]


async def test_dry_run_sends_nothing_records_dry_run_and_never_sends_later(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    platform, email = FakePlatform(platform="slack"), Receiver()
    dry = _dispatcher(repo, clock, platform, channels={"email": email}, dry_run=True)
    both = await repo.add(new_reminder(channels=("chat", "email")), clock.now())
    chat = await repo.add(new_reminder(message="water the plants"), clock.now())
    assert await dry.drain() == 2
    assert platform.delivered == [] and email.sent == []
    for rem in (both, chat):
        (occ,) = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.DRY_RUN
        stored = await repo.get(rem.id)
        assert stored is not None and stored.state is ReminderState.COMPLETED
    (occ,) = await repo.occurrences(both.id)
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    assert {r.state for r in records.values()} == {OccurrenceState.DRY_RUN}
    # Switched off: the handled occurrence is not sent after all, even if claimed again.
    live = _dispatcher(repo, clock, platform, channels={"email": email})
    stored = await repo.get(both.id)
    assert stored is not None
    again = replace(stored, state=ReminderState.SCHEDULED, next_due=DUE)
    await repo.save(again, clock.now())
    assert await live.drain() == 1
    assert platform.delivered == [] and email.sent == []
