"""The REST API over real HTTP (uvicorn on 127.0.0.1:0), on each storage backend, with a
chat platform stand-in (``FakePlatform``) for Slack, and a dispatcher to deliver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot import api
from bot.clock import ManualClock
from bot.core.calendar import Calendars
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from bot.core.model import UserRef
from bot.core.ports import ChatPlatform
from bot.core.reports import Reports
from bot.http import create_http_app
from storage import SqlReminderRepository
from tests.core.platform import FakePlatform
from tests.servers.asgi import serve

ANN = UserRef(platform="slack", workspace="T1", user="U1")


@dataclass
class Api:
    http: httpx.AsyncClient
    url: str
    services: api.Services
    repo: SqlReminderRepository
    clock: ManualClock
    slack: FakePlatform
    dispatcher: Dispatcher
    token: str  # acts for ANN
    system: str  # a system account, "nightly"

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    async def post(
        self, path: str, body: Any, token: str | None = None, **kw: Any
    ) -> httpx.Response:
        headers = self.auth(token) | kw.pop("headers", {})
        return await self.http.post(f"/api/v1{path}", json=body, headers=headers, **kw)

    async def get(self, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return await self.http.get(f"/api/v1{path}", headers=self.auth(token), **kw)

    async def patch(self, path: str, body: Any, token: str | None = None) -> httpx.Response:
        return await self.http.patch(f"/api/v1{path}", json=body, headers=self.auth(token))

    async def put(self, path: str, body: Any, token: str | None = None) -> httpx.Response:
        return await self.http.put(f"/api/v1{path}", json=body, headers=self.auth(token))

    async def delete(self, path: str, token: str | None = None) -> httpx.Response:
        return await self.http.delete(f"/api/v1{path}", headers=self.auth(token))

    async def tick(self, delta: timedelta = timedelta()) -> int:
        self.clock.advance(delta)
        return await self.dispatcher.drain()


def wire(repo: SqlReminderRepository, clock: ManualClock, slack: FakePlatform) -> tuple[Any, Any]:
    gateways: dict[str, ChatPlatform] = {"slack": slack}
    engine = build_engine(repo, clock, gateways, default_tz="Europe/Copenhagen")
    # The calendar feed and statistics (ical), as bot.app wires them with a public URL.
    calendars = Calendars(repo, clock, "https://remindbot.example.com")
    use = api.services(
        repo, clock, engine, gateways, calendars=calendars, reports=Reports(repo, clock)
    )

    async def health() -> tuple[bool, dict[str, Any]]:
        return True, {}

    return use, create_http_app([api.mount(use)], health=health)


@pytest.fixture
async def client(repo: SqlReminderRepository, clock: ManualClock) -> AsyncIterator[Api]:
    slack = FakePlatform(platform="slack")
    use, app = wire(repo, clock, slack)
    _record, token = await use.tokens.create("tests", ANN)
    _record, system = await use.tokens.create("nightly")
    dispatcher = Dispatcher(repo, {"slack": slack}, clock)
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield Api(http, url, use, repo, clock, slack, dispatcher, token, system)
