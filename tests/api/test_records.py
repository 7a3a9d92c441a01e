"""Records of other systems: status, stop conditions, triggers, offsets before an event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.clock import ManualClock
from bot.core.model import ReminderState
from storage import SqlReminderRepository
from tests.api.conftest import Api, wire
from tests.conftest import Database
from tests.core.platform import FakePlatform
from tests.servers.asgi import serve

CASE = {"type": "case", "id": "123"}


async def test_a_status_is_recorded_once_and_repeating_it_changes_nothing(client: Api) -> None:
    first = await client.put("/entities/case/123/status", {"status": "open"})
    again = await client.put("/entities/case/123/status", {"status": "open"})
    assert first.json()["changed"] is True and again.json()["changed"] is False
    assert again.json()["changed_at"] == first.json()["changed_at"]


async def test_a_stop_condition_completes_the_series_and_tells_the_owner_once(
    client: Api,
) -> None:
    body = {
        "message": "chase the customer",
        "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        "entity": CASE,
        "stop_when": {"status": ["closed", "resolved"]},
    }
    rid = (await client.post("/reminders", body)).json()["id"]
    assert await client.tick(timedelta(days=1)) == 1  # Tuesday's
    client.clock.advance(timedelta(hours=2))
    closed = await client.put("/entities/case/123/status", {"status": "closed"})
    assert closed.json()["stopped"] == [rid]
    await client.put("/entities/case/123/status", {"status": "resolved"})
    assert await client.tick(timedelta(days=3)) == 0  # nothing after the change
    assert (await client.get(f"/reminders/{rid}")).json()["state"] == "completed"
    told = [reply.text for _owner, reply in client.slack.notices]
    assert told == ["Stopped: case 123 is closed (Reminder: chase the customer)"]


async def test_a_trigger_fires_once_per_change_with_the_old_and_new_status(client: Api) -> None:
    ops = {"kind": "channel", "id": "C9", "name": "ops", "platform": "slack"}
    body = {"message": "case moved", "target": ops, "entity": CASE, "trigger": {"status": "*"}}
    made = await client.post("/reminders", body, token=client.system)
    assert made.status_code == 201, made.text
    assert made.json()["next_due"] is None
    for status in ("open", "open", "pending", "closed"):
        await client.put("/entities/case/123/status", {"status": status})
    assert await client.tick() == 3
    assert [d.reply.text for d in client.slack.delivered] == [
        "Reminder: case moved (case 123: open)",
        "Reminder: case moved (case 123: open \u2192 pending)",
        "Reminder: case moved (case 123: pending \u2192 closed)",
    ]
    only_closed = {**body, "event_type": "closing", "trigger": {"status": "closed"}}
    await client.post("/reminders", only_closed, token=client.system)
    await client.put("/entities/case/123/status", {"status": "reopened"})
    await client.put("/entities/case/123/status", {"status": "closed"})
    assert await client.tick() == 3  # two from "*", one from "closed"


async def test_a_fired_reminder_gets_its_owners_next_number_and_a_history_line(
    client: Api,
) -> None:
    one = await client.post("/reminders", {"message": "one", "at": "2026-11-27T09:00:00Z"})
    assert one.status_code == 201
    body = {"message": "deploy", "entity": CASE, "trigger": {"status": "resolved"}}
    trigger = (await client.post("/reminders", body)).json()["id"]
    assert (await client.put("/entities/case/123/status", {"status": "resolved"})).is_success
    rows = await client.repo.list_for("slack:T1:U1", list(ReminderState), numbered=True)
    numbers = {r.message: r.number for r in rows}
    assert numbers["one"] == 1 and numbers["deploy"] == 2
    fired = [r for r in rows if r.parent_id == trigger]
    assert [r.number for r in fired] == [3], [(r.id, r.number) for r in rows]
    history = (await client.get(f"/reminders/{trigger}/history")).json()["events"]
    assert [e["detail"] for e in history if e["action"] == "fired"] == [{"fired": fired[0].id}]


async def test_offsets_before_an_event_move_with_it_and_past_ones_are_skipped(
    client: Api,
) -> None:
    late = {"message": "x", "event_at": "2026-11-23T10:30:00+01:00", "offsets": [60, 15]}
    partly = (await client.post("/reminders", late)).json()
    assert partly["skipped"] == ["2026-11-23T08:30:00Z"]
    assert partly["occurrences"] == ["2026-11-23T09:15:00Z"]
    gone = await client.post("/reminders", {**late, "offsets": [120]})
    assert gone.status_code == 422 and gone.json()["detail"]["code"] == "offsets_past"
    body = {"message": "dentist", "event_at": "2026-11-27T15:00:00+01:00", "offsets": [1440, 60]}
    made = (await client.post("/reminders", body)).json()
    assert made["occurrences"] == ["2026-11-26T14:00:00Z", "2026-11-27T13:00:00Z"]
    moved = await client.patch(
        f"/reminders/{made['id']}", {"event_at": "2026-11-24T09:30:00+01:00"}
    )
    assert moved.json()["occurrences"] == ["2026-11-24T07:30:00Z"]
    assert moved.json()["skipped"] == ["2026-11-23T08:30:00Z"]  # the day before: gone
    events = (await client.get(f"/reminders/{made['id']}/history")).json()["events"]
    assert events[-1]["detail"]["skipped"] == ["2026-11-23T08:30:00+00:00"]
    assert await client.tick(timedelta(minutes=15)) == 1  # the late one's 09:15
    assert await client.tick(timedelta(hours=22, minutes=15)) == 1  # Tuesday 07:30
    assert await client.tick(timedelta(days=7)) == 0
    assert [d.reply.text for d in client.slack.delivered] == ["Reminder: x", "Reminder: dentist"]


@pytest.fixture
async def second(
    client: Api, database: Database, clock: ManualClock
) -> AsyncIterator[httpx.AsyncClient]:
    """Another replica of the API: its own engine and HTTP server, the same database."""
    engine = database.engine()
    repo = SqlReminderRepository(engine, clock=clock)
    _use, app = wire(repo, clock, FakePlatform(platform="slack"))
    async with serve(app) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        yield http
    await engine.dispose()


async def test_a_change_reported_to_two_replicas_at_once_fires_once(
    client: Api, second: httpx.AsyncClient
) -> None:
    ops = {"kind": "channel", "id": "C9", "platform": "slack"}
    body = {"message": "closed", "target": ops, "entity": CASE, "trigger": {"status": "closed"}}
    await client.post("/reminders", body, token=client.system)
    for round_ in range(10):
        status = "closed" if round_ % 2 == 0 else "open"
        answers = await asyncio.gather(
            client.put("/entities/case/123/status", {"status": status}),
            second.put(
                "/api/v1/entities/case/123/status",
                json={"status": status},
                headers=client.auth(),
            ),
        )
        assert sorted(a.json()["changed"] for a in answers) == [False, True]
    assert await client.tick() == 5
    fired = await client.repo.list_for(None, [ReminderState.COMPLETED])
    assert len(fired) == 5
