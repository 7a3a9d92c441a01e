"""Helpers for: a delivery posted and not recorded (the process died, or the database went away) is
found in its conversation by the occurrence it carries, and not posted twice: on Slack
(message metadata, conversations.history) and on Mattermost (post props, posts since)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher, _Journal
from bot.core.ports import ChatPlatform, Outcome
from storage import SqlReminderRepository


class Outage(SqlReminderRepository):
    """The real repository, whose outcome writes fail until ``over``."""

    over = False

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        if not self.over:
            raise OperationalError("UPDATE", {}, Exception("the database went away"))
        await super().record_outcomes(outcomes, now)


async def post_then_lose_it(
    engine: AsyncEngine, clock: ManualClock, gateways: dict[str, ChatPlatform]
) -> Outage:
    outage = Outage(engine, clock=clock)
    # Posted, its outcome not written: given up at once, as by a process that died.
    await Dispatcher(outage, gateways, clock, outcome_patience=timedelta(0)).drain()
    outage.over = True
    return outage


def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_Journal, "RETRIES", (0.01,))
