"""model.moved: the dispatcher's copy of a reminder with new times, equal to replace()."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta

import pytest

from bot.core.model import Destination, Escalation, Reminder, ReminderState, TargetKind, moved
from tests.factories import DUE, new_reminder


def _stored() -> Reminder:
    """A reminder whose every field differs from its default, so a field left out shows."""
    new = new_reminder(
        rrule="FREQ=DAILY",
        channels=("chat", "email"),
        escalate=(
            Escalation(
                after_minutes=30, target=Destination(kind=TargetKind.USER, ref="U9", name="lead")
            ),
        ),
        urgent=True,
    )
    values = {f.name: getattr(new, f.name) for f in fields(new)}
    return Reminder(
        **values,
        id=7,
        created_at=DUE,
        updated_at=DUE,
        number=3,
        occurrence_due=DUE,
        deleted_at=None,
        lease_until=DUE + timedelta(minutes=2),
        attempts=2,
    )


@pytest.mark.parametrize("state", [None, ReminderState.COMPLETED])
def test_moved_equals_replace(state: ReminderState | None) -> None:
    rem = _stored()
    later = DUE + timedelta(days=1)
    occurrence_due = None if state else later
    got = moved(rem, later, occurrence_due, state)
    want = replace(rem, next_due=later, occurrence_due=occurrence_due, state=state or rem.state)
    assert got == want
    assert type(got) is Reminder and got is not rem
    assert rem.next_due == DUE and rem.state is ReminderState.SCHEDULED  # the original stays
    assert [getattr(got, f.name) for f in fields(got)] == [
        getattr(want, f.name) for f in fields(want)
    ]
    assert hash(got) == hash(want)
