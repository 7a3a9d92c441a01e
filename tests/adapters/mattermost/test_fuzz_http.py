"""Mattermost's HTTP callbacks (``/mattermost/actions``, ``/mattermost/command``) over
real HTTP, with calls of any shape: button calls whose context is validly signed (for
any action id and value) but whose other fields are any JSON or missing, and slash
commands with the right token and any fields.

Never a 5xx, never an error logged; and a call refused (4xx) stores nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import actions
from tests.adapters.mattermost.conftest import SLASH_TOKEN, MattermostBot
from tests.fuzzing import FUZZ_HTTP

TABLES = ("reminders", "occurrences", "users", "audit_log", "pending_prompts")
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        found = {}
        for table in TABLES:
            found[table] = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        return found


def _mutated(
    base: dict[str, Any], data: st.DataObject, values: st.SearchStrategy[Any]
) -> dict[str, Any]:
    keys = sorted(base)
    replaced = data.draw(st.dictionaries(st.sampled_from(keys), values, max_size=3))
    dropped = data.draw(st.sets(st.sampled_from(keys), max_size=2))
    return {k: v for k, v in (base | replaced).items() if k not in dropped}


def _call(kind: str, data: st.DataObject, bot: MattermostBot) -> tuple[str, dict[str, Any]]:
    dm = bot.mm.dm_with(bot.alice)
    if kind == "action":
        action_id = data.draw(st.sampled_from(actions.ALL) | st.text(max_size=12))
        value = data.draw(st.text(max_size=30) | st.sampled_from(["1", "1:1h", "99999:custom"]))
        user = data.draw(st.sampled_from([bot.alice, ""]))
        context: dict[str, Any] = bot.adapter.gateway.signer.context(action_id, value, user)
        if data.draw(st.booleans()):
            context["selected_option"] = data.draw(JSON)
        body = {
            "user_id": bot.alice,
            "user_name": "alice",
            "channel_id": dm,
            "team_id": "",
            "post_id": data.draw(st.text(max_size=26)),
            "trigger_id": "t1",
            "context": context,
        }
        return "actions", _mutated(body, data, JSON)
    form = {
        "channel_id": dm,
        "channel_name": "dm",
        "command": "/remind",
        "response_url": f"{bot.mm.url}/hooks/commands/fuzz",
        "team_id": "",
        "text": data.draw(st.text(max_size=40)),
        "token": SLASH_TOKEN,
        "trigger_id": "t2",
        "user_id": bot.alice,
        "user_name": "alice",
    }
    return "command", _mutated(form, data, st.text(max_size=20))


async def test_any_call_gets_no_5xx_and_a_refused_one_stores_nothing(
    bot: MattermostBot, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()
    client = httpx.AsyncClient(base_url=bot.url, timeout=30)
    seen: dict[int, int] = {}

    async def one(path: str, body: dict[str, Any]) -> None:
        before = await _counts(engine)
        if path == "actions":
            answer = await client.post("/mattermost/actions", json=body)
        else:
            auth = {"Authorization": f"Token {SLASH_TOKEN}"}
            answer = await client.post("/mattermost/command", data=body, headers=auth)
        seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
        assert answer.status_code < 500, (body, answer.text)
        if answer.status_code >= 400:
            assert await _counts(engine) == before, body

    @FUZZ_HTTP
    @given(kind=st.sampled_from(["action", "command"]), data=st.data())
    def check(kind: str, data: st.DataObject) -> None:
        path, body = _call(kind, data, bot)
        asyncio.run_coroutine_threadsafe(one(path, body), loop).result(timeout=60)

    with caplog.at_level(logging.ERROR):
        try:
            await asyncio.to_thread(check)
        finally:
            await client.aclose()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors][:5]
    assert any(code < 300 for code in seen) and any(code >= 400 for code in seen), seen
