"""Test data builders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.core.model import NewReminder, Origin, ReminderState, TargetKind

DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def new_reminder(**overrides: Any) -> NewReminder:
    """A scheduled one-off reminder due at ``DUE``; keyword arguments replace fields."""
    base = NewReminder(
        owner="slack:T1:U1",
        platform="slack",
        workspace="T1",
        conversation="D1",
        target_kind=TargetKind.USER,
        target_ref="U1",
        target_name="you",
        message="call the vet",
        phrase="remind me at 10 to call the vet",
        tz="Europe/Copenhagen",
        state=ReminderState.SCHEDULED,
        origin=Origin.CHAT,
        next_due=DUE,
        created_by="slack:T1:U1",
    )
    return replace(base, **overrides)
