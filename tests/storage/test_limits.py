"""``sent_since``: what each recipient was sent by DM lately, in one query, on each backend."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.core.model import OccurrenceState, TargetKind
from storage import SqlReminderRepository
from tests.factories import DUE, new_reminder

U1, U2 = "slack:T1:U1", "slack:T1:U2"


async def _sent(
    repo: SqlReminderRepository, clock: ManualClock, ref: str | None, **kw: object
) -> None:
    rem = await repo.add(new_reminder(**kw), clock.now())
    occ = await repo.open_occurrence(rem.id, DUE, clock.now())
    await repo.finish_occurrence(occ.id, OccurrenceState.SENT, clock.now(), message_ref=ref)


async def test_sends_are_found_per_recipient_after_the_moment_given(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    await _sent(repo, clock, "old", owner=U1, target_kind=TargetKind.ME, target_ref="")
    clock.set(DUE + timedelta(minutes=30))
    await _sent(repo, clock, "m1", owner=U1, target_kind=TargetKind.ME, target_ref="")
    await _sent(repo, clock, "m2", owner=U2, target_kind=TargetKind.USER, target_ref="U1")
    await _sent(repo, clock, None, owner=U1, target_kind=TargetKind.USER, target_ref="U2")
    # Not to U1 by DM: a channel, the same user id in another workspace, another platform.
    await _sent(repo, clock, "c1", owner=U1, target_kind=TargetKind.CHANNEL, target_ref="C1")
    await _sent(repo, clock, "w2", owner=U1, workspace="T2", target_ref="U1")
    await _sent(repo, clock, "mm", owner=U1, platform="mattermost", target_ref="U1")
    # Opened and not sent: not counted.
    rem = await repo.add(new_reminder(owner=U1, target_ref="U1"), clock.now())
    await repo.open_occurrence(rem.id, DUE, clock.now())

    at = DUE + timedelta(minutes=30)
    found = await repo.sent_since({U1, U2, "slack:T1:U9"}, DUE)
    assert dict(found) == {U1: [(at, "m1"), (at, "m2")], U2: [(at, None)]}
    assert dict(await repo.sent_since({U1}, DUE - timedelta(seconds=1))) == {
        U1: [(DUE, "old"), (at, "m1"), (at, "m2")]
    }
    assert dict(await repo.sent_since(set(), DUE)) == {}
