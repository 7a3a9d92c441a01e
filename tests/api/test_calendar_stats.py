"""The calendar endpoints and ``/stats`` over real HTTP, on each backend: deliveries made
by the real dispatcher at times an injected clock sets, so counts and lateness are exact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot import api
from bot.clock import ManualClock
from bot.core.calendar import Calendars
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from bot.core.ports import ChatPlatform, DeliveryError
from bot.core.reports import Reports
from bot.http import create_http_app
from bot.ical import feed_route
from storage import SqlReminderRepository
from tests.api.conftest import ANN, Api
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder
from tests.servers.asgi import serve

PUBLIC = "https://remindbot.example.com"
BO = "slack:T1:U2"


async def _serve(
    repo: SqlReminderRepository, clock: ManualClock, public: str | None
) -> AsyncIterator[Api]:
    slack = FakePlatform(platform="slack")
    gateways: dict[str, ChatPlatform] = {"slack": slack}
    engine = build_engine(repo, clock, gateways, default_tz="Europe/Copenhagen")
    calendars = Calendars(repo, clock, public)
    use = api.services(
        repo, clock, engine, gateways, calendars=calendars, reports=Reports(repo, clock)
    )

    async def health() -> tuple[bool, dict[str, Any]]:
        return True, {}

    app = create_http_app([api.mount(use), feed_route(calendars)], health=health)
    _record, token = await use.tokens.create("tests", ANN)
    _record, system = await use.tokens.create("nightly")
    dispatcher = Dispatcher(repo, {"slack": slack}, clock)
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield Api(http, url, use, repo, clock, slack, dispatcher, token, system)


@pytest.fixture
async def client(repo: SqlReminderRepository, clock: ManualClock) -> AsyncIterator[Api]:
    async for found in _serve(repo, clock, PUBLIC):
        yield found


@pytest.fixture
async def unpublished(repo: SqlReminderRepository, clock: ManualClock) -> AsyncIterator[Api]:
    async for found in _serve(repo, clock, None):
        yield found


async def _feed(client: Api, url: str) -> httpx.Response:
    assert url.startswith(f"{PUBLIC}/ical/") and url.endswith(".ics")
    return await client.http.get(urlsplit(url).path)


async def test_a_feed_url_is_made_replaced_and_revoked(client: Api) -> None:
    await client.repo.add(new_reminder(message="call the vet"), client.clock.now())
    made = await client.post("/users/me/calendar", None)
    assert made.status_code == 201, made.text
    first = made.json()["url"]
    answer = await _feed(client, first)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"SUMMARY:call the vet" in answer.content
    second = (await client.post("/users/me/calendar", None)).json()["url"]
    assert (await _feed(client, first)).status_code == 404
    assert (await _feed(client, second)).status_code == 200
    assert (await client.delete("/users/me/calendar")).status_code == 204
    assert (await _feed(client, second)).status_code == 404
    assert (await client.delete("/users/me/calendar")).status_code == 204  # harmless again
    assert (await client.http.post("/api/v1/users/me/calendar")).status_code == 401


async def test_a_system_token_has_no_feed(client: Api) -> None:
    refused = await client.post("/users/me/calendar", None, token=client.system)
    assert refused.status_code == 422
    assert refused.json()["detail"] == {
        "code": "system_calendar",
        "message": "A system account has no reminders of its own, so it has no calendar feed.",
    }


async def test_without_a_public_url_no_feed_is_made(unpublished: Api) -> None:
    refused = await unpublished.post("/users/me/calendar", None)
    assert refused.status_code == 422
    assert refused.json()["detail"]["code"] == "feed_needs_url"
    assert "REMINDBOT_PUBLIC_URL" in refused.json()["detail"]["message"]


async def _deliveries(client: Api) -> dict[str, int]:
    """Deliveries at known times, through the real dispatcher; the reminder ids by name."""
    repo, clock, slack = client.repo, client.clock, client.slack
    bo = {"owner": BO, "target_ref": "U2", "created_by": BO}
    # Long before the period: sent, and counted in no period below.
    clock.set(DUE - timedelta(days=2))
    old = await repo.add(new_reminder(next_due=clock.now(), message="old"), clock.now())
    assert await client.tick(timedelta(seconds=5)) == 1
    # Due at DUE, refused for good by the platform: failed.
    clock.set(DUE)
    failed = await repo.add(new_reminder(message="failed"), clock.now())
    slack.faults = [DeliveryError("channel_not_found", temporary=False)]
    assert await client.dispatcher.drain() == 1
    # Four due 10, 20, 30 and 40 s after DUE, all sent at DUE + 70 s: 60, 50, 40 and 30 s
    # late. The third asks for email too, which is not configured: that delivery fails.
    at = {s: DUE + timedelta(seconds=s) for s in (10, 20, 30, 40)}
    a = await repo.add(new_reminder(next_due=at[10], message="a"), clock.now())
    b = await repo.add(new_reminder(next_due=at[20], message="b"), clock.now())
    both = new_reminder(next_due=at[30], message="c", channels=("chat", "email"))
    c = await repo.add(both, clock.now())
    d = await repo.add(new_reminder(next_due=at[40], message="bo's", **bo), clock.now())
    await repo.add(new_reminder(next_due=DUE + timedelta(hours=2), message="later"), DUE)
    clock.set(DUE + timedelta(seconds=70))
    assert await client.dispatcher.drain() == 4
    return {"old": old.id, "failed": failed.id, "a": a.id, "b": b.id, "c": c.id, "d": d.id}


async def test_stats_count_states_channels_and_lateness_exactly(client: Api) -> None:
    ids = await _deliveries(client)
    hour = timedelta(hours=1)
    period = {"since": (DUE - hour).isoformat(), "until": (DUE + hour).isoformat()}
    mine = await client.get("/stats", params=period)
    assert mine.status_code == 200, mine.text
    assert mine.json() == {
        "since": "2026-11-23T09:00:00Z",
        "until": "2026-11-23T11:00:00Z",
        "owner": ANN.key,
        "occurrences": {"sent": 3, "failed": 1},
        "deliveries": {"chat": {"sent": 3, "failed": 1}, "email": {"failed": 1}},
        "lateness": {"count": 3, "p50": 50.0, "p99": 60.0, "capped": False},
    }
    everyone = (await client.get("/stats", token=client.system, params=period)).json()
    assert everyone["owner"] is None
    assert everyone["occurrences"] == {"sent": 4, "failed": 1}
    assert everyone["deliveries"] == {"chat": {"sent": 4, "failed": 1}, "email": {"failed": 1}}
    assert everyone["lateness"] == {"count": 4, "p50": 40.0, "p99": 60.0, "capped": False}
    # By default the last 24 hours up to now (DUE + 70 s): "old" (two days back) is out.
    default = (await client.get("/stats", token=client.system)).json()
    assert (default["since"], default["until"]) == ("2026-11-22T10:01:10Z", "2026-11-23T10:01:10Z")
    assert default["occurrences"] == everyone["occurrences"]
    # The history shows each channel's delivery, with its channel.
    history = (await client.get(f"/reminders/{ids['c']}/history")).json()
    seen = {(e["action"], e["channel"]) for e in history["events"]}
    assert {("delivered", "chat"), ("delivery_failed", "email")} <= seen
    failed = [e for e in history["events"] if e["channel"] == "email"]
    assert failed[0]["detail"]["reason"] == "email_not_configured"


async def test_a_period_that_ends_before_it_begins_or_has_no_offset_is_refused(
    client: Api,
) -> None:
    backwards = await client.get(
        "/stats", params={"since": DUE.isoformat(), "until": (DUE - timedelta(1)).isoformat()}
    )
    assert backwards.status_code == 422
    assert backwards.json()["detail"] == {
        "code": "bad_period",
        "message": "The period must end after it begins: give since before until.",
    }
    naive = await client.get("/stats", params={"since": "2026-11-23T09:00:00"})
    assert (naive.status_code, naive.json()["detail"]["code"]) == (422, "naive_time")
    assert (await client.http.get("/api/v1/stats")).status_code == 401
