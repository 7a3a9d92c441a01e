"""Slack's HTTP endpoint (``/slack/events``, bot/adapters/slack/http.py) over real HTTP,
with payloads of any shape, each correctly signed: Events API callbacks, interactions
and slash commands, built from real payloads with fields replaced by any JSON or
dropped, and bodies of no Slack shape at all.

Never a 5xx, never an error logged; and a request refused (4xx) stores nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack import SlackAdapter
from bot.clock import ManualClock
from bot.core import actions
from bot.core.engine import build_engine
from bot.http import create_http_app
from storage import SqlReminderRepository
from tests.fuzzing import FUZZ_HTTP
from tests.servers import slack_payloads as p
from tests.servers.asgi import serve
from tests.servers.slack import FakeSlack

SECRET = "fuzz-signing-secret"
TABLES = ("reminders", "occurrences", "users", "audit_log", "pending_prompts")
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


async def _healthy() -> tuple[bool, dict[str, Any]]:
    return True, {}


@pytest.fixture
async def base(
    slack: FakeSlack, repo: SqlReminderRepository, clock: ManualClock
) -> AsyncIterator[str]:
    engine = build_engine(repo, clock, {}, commands=("/reminder",))
    adapter = SlackAdapter(
        engine.front, bot_token="xoxb-test", api_url=slack.api_url, signing_secret=SECRET
    )
    async with serve(create_http_app(adapter.routes(), health=_healthy)) as url:
        yield url
    await adapter.close()


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one() for t in TABLES
        }


def _mutated(
    base: dict[str, Any], data: st.DataObject, values: st.SearchStrategy[Any]
) -> dict[str, Any]:
    """``base`` with some fields given other values and some dropped."""
    keys = sorted(base)
    replaced = data.draw(st.dictionaries(st.sampled_from(keys), values, max_size=4))
    dropped = data.draw(st.sets(st.sampled_from(keys), max_size=3))
    extra = data.draw(st.dictionaries(st.text(max_size=6), values, max_size=2))
    return {k: v for k, v in (base | replaced | extra).items() if k not in dropped}


def _body(kind: str, data: st.DataObject, slack: FakeSlack) -> tuple[bytes, str]:
    if kind == "event":
        event = _mutated(p.message_im_event(data.draw(st.text(max_size=40))), data, JSON)
        event.setdefault("event_ts", "1.0")
        event.setdefault("type", "message")
        event.setdefault("channel", "D1")
        try:
            envelope = _mutated(p.event_callback(event), data, JSON)
        except (TypeError, ValueError, KeyError):
            envelope = {"type": "event_callback", "event": event}
        return json.dumps(envelope).encode(), "application/json"
    if kind == "action":
        action_id = data.draw(st.sampled_from(actions.ALL) | st.text(max_size=12))
        value = data.draw(st.text(max_size=30))
        payload = p.block_actions(action_id, value, response_url=slack.response_url("f"))
        payload = _mutated(payload, data, JSON)
        if (
            data.draw(st.booleans())
            and isinstance(payload.get("actions"), list)
            and payload["actions"]
        ):
            first = payload["actions"][0]
            if isinstance(first, dict):
                payload["actions"][0] = _mutated(first, data, JSON)
        return p.interactive_body(payload), "application/x-www-form-urlencoded"
    if kind == "command":
        fields = p.slash_command(
            data.draw(st.text(max_size=40)), response_url=slack.response_url("f")
        )
        fields = _mutated(fields, data, st.text(max_size=30))
        return p.form_body(fields), "application/x-www-form-urlencoded"
    raw = data.draw(st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
    return raw, data.draw(
        st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"])
    )


async def test_any_signed_payload_gets_no_5xx_and_a_refused_one_stores_nothing(
    base: str,
    slack: FakeSlack,
    engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = asyncio.get_running_loop()
    client = httpx.AsyncClient(base_url=base, timeout=30)
    seen: dict[int, int] = {}

    async def one(body: bytes, content_type: str) -> None:
        before = await _counts(engine)
        headers = p.sign(body, SECRET, int(time.time())) | {"Content-Type": content_type}
        answer = await client.post("/slack/events", content=body, headers=headers)
        seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
        assert answer.status_code < 500, (body, answer.text)
        if answer.status_code >= 400:
            assert await _counts(engine) == before, body

    @FUZZ_HTTP
    @given(kind=st.sampled_from(["event", "action", "command", "raw"]), data=st.data())
    def check(kind: str, data: st.DataObject) -> None:
        body, content_type = _body(kind, data, slack)
        asyncio.run_coroutine_threadsafe(one(body, content_type), loop).result(timeout=60)

    with caplog.at_level(logging.ERROR):
        try:
            await asyncio.to_thread(check)
            await asyncio.sleep(0.5)  # bolt's listeners may still run after the ack
        finally:
            await client.aclose()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors][:5]
    assert any(code < 300 for code in seen) and any(code >= 400 for code in seen), seen
