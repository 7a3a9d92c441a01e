"""Composition root: wires storage, core, the scheduler, adapters and HTTP together."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import SystemClock
from bot.config import Settings
from bot.core.dispatch import Dispatcher
from bot.core.ports import ChatGateway, Clock
from bot.core.service import ReminderService
from bot.scheduler import Scheduler
from storage import SqlReminderRepository, make_engine, upgrade_async

log = logging.getLogger(__name__)


@dataclass(slots=True)
class App:
    """Everything one process runs. Adapters register themselves in ``gateways``."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    repo: SqlReminderRepository
    service: ReminderService
    dispatcher: Dispatcher
    scheduler: Scheduler
    gateways: dict[str, ChatGateway] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def add_gateway(self, gateway: ChatGateway) -> None:
        self.gateways[gateway.platform] = gateway

    async def start(self) -> None:
        await self.scheduler.start()

    async def close(self) -> None:
        await self.scheduler.stop()
        await self.engine.dispose()


async def build(settings: Settings, clock: Clock | None = None) -> App:
    """Build the app; migrates the database first when settings say so (SQLite default)."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    if settings.migrate_on_start:
        await upgrade_async(engine)
    repo = SqlReminderRepository(engine)
    gateways: dict[str, ChatGateway] = {}
    dispatcher = Dispatcher(
        repo,
        gateways,
        clock,
        lease=settings.lease,
        late_limit=settings.late_limit,
    )
    scheduler = Scheduler(dispatcher, repo, clock, sweep=settings.sweep)
    service = ReminderService(
        repo,
        clock,
        gateways=gateways,
        wake=scheduler.arm,
        default_tz=settings.default_tz,
        min_interval=settings.min_interval,
    )
    return App(settings, clock, engine, repo, service, dispatcher, scheduler, gateways)
