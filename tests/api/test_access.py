"""Tokens, idempotency, and the action a phrase means."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.app import build, start_platforms
from bot.config import Settings
from bot.core.model import ReminderState
from bot.core.tokens import Tokens
from tests.api.conftest import Api
from tests.servers.asgi import listening

FRIDAY_9 = "2026-11-27T09:00:00+01:00"


async def test_no_token_a_wrong_one_and_a_revoked_one_get_401(client: Api) -> None:
    record, spare = await client.services.tokens.create("spare")
    assert (await client.get("/reminders", token=spare)).status_code == 200
    await client.services.tokens.revoke(record.id)
    answers = [
        await client.http.get("/api/v1/reminders"),
        await client.get("/reminders", token="rb_not-a-token"),
        await client.get("/reminders", token=spare),
        await client.http.get("/api/v1/reminders", headers={"Authorization": "Basic eDp5"}),
    ]
    assert [a.status_code for a in answers] == [401] * 4
    assert answers[0].headers["www-authenticate"] == "Bearer"


async def test_tokens_are_random_and_kept_only_as_their_hash(client: Api) -> None:
    _record, token = await client.services.tokens.create("audit")
    assert token.startswith("rb_") and len(token) >= 3 + 43  # 32 bytes, base64
    async with client.repo._engine.connect() as conn:  # what a copy of the database holds
        rows = (await conn.execute(text("SELECT token_hash, name, owner FROM api_tokens"))).all()
    dumped = repr(rows)
    for secret in (token, client.token, client.system):
        assert secret not in dumped
    assert all(len(row.token_hash) == 64 for row in rows)


async def test_twenty_concurrent_requests_with_one_key_make_one_reminder(client: Api) -> None:
    body = {"message": "pay the invoice", "at": FRIDAY_9}
    key = {"Idempotency-Key": "invoice-7"}
    answers = await asyncio.gather(
        *(client.post("/reminders", body, headers=key) for _ in range(20))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    stored = await client.repo.list_for(None, list(ReminderState))
    assert len(stored) == 1
    later = await client.post("/reminders", body, headers=key)
    assert (later.status_code, later.text) == (201, answers[0].text)


async def test_keys_are_forgotten_after_two_days(client: Api) -> None:
    old = {"Idempotency-Key": "old"}
    assert (
        await client.post("/reminders", {"message": "a", "at": FRIDAY_9}, headers=old)
    ).is_success
    client.clock.advance(timedelta(hours=49))
    later = {"message": "b", "at": "2026-12-04T09:00:00+01:00"}
    assert (await client.post("/reminders", later, headers={"Idempotency-Key": "new"})).is_success
    again = await client.post("/reminders", later | {"message": "c"}, headers=old)
    assert again.status_code == 201, again.text  # a fresh key now, not "key_reused"


async def test_the_same_key_with_another_body_is_refused(client: Api) -> None:
    key = {"Idempotency-Key": "k-1"}
    first = await client.post("/reminders", {"message": "a", "at": FRIDAY_9}, headers=key)
    other = await client.post("/reminders", {"message": "b", "at": FRIDAY_9}, headers=key)
    assert first.status_code == 201
    assert other.status_code == 422 and other.json()["detail"]["code"] == "key_reused"
    # Keys are per token: another token may use the same one.
    mine = await client.post(
        "/reminders",
        {
            "message": "b",
            "at": FRIDAY_9,
            "target": {"kind": "channel", "id": "C1", "platform": "slack"},
        },
        token=client.system,
        headers=key,
    )
    assert mine.status_code == 201


async def test_parse_answers_the_action_and_posting_it_creates_the_reminder(client: Api) -> None:
    parsed = await client.post("/actions/parse", {"text": "remind me every Monday at 9 to plan"})
    assert parsed.status_code == 200, parsed.text
    action = parsed.json()
    assert action["action"] == "SET_REMINDER"
    assert action["rrule"] == "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
    assert action["confirmation"].startswith("Remind you: Monday 30 November 2026 at 09:00")
    assert await client.repo.list_for(None, list(ReminderState)) == []
    made = await client.post("/reminders", action)
    assert made.status_code == 201, made.text
    assert made.json()["occurrences"][0] == "2026-11-30T08:00:00Z"
    assert made.json()["message"] == "plan"


async def test_the_openapi_document_and_the_docs_are_served(client: Api) -> None:
    document = await client.http.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in (
        "/reminders",
        "/reminders/{reminder_id}",
        "/reminders/{reminder_id}/snooze",
        "/reminders/pending",
        "/entities/{entity_type}/{entity_id}/status",
        "/actions/parse",
    ):
        assert path in paths
    docs = await client.http.get("/api/v1/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_run_serves_the_api_with_no_chat_platform_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}", api_enabled=True, http_port=0
    )
    app = await build(settings)
    caplog.set_level(logging.INFO)
    tasks = await start_platforms(app)
    try:
        assert app.gateways == {} and len(tasks) == 1
        assert "the REST API is served at" in caplog.text
        port = await listening(app.extras["http"])
        _record, token = await Tokens(app.repo, app.clock).create("job")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            answer = await http.get(
                "/api/v1/reminders", headers={"Authorization": f"Bearer {token}"}
            )
        assert answer.status_code == 200 and answer.json() == {"items": [], "next_cursor": None}
    finally:
        for task in tasks:
            assert isinstance(task, asyncio.Task)
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.close()
