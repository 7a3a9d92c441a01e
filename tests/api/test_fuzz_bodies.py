"""The REST API's newer endpoints over real HTTP, with bodies of any shape: preferences
(``PATCH /users/me/preferences``), the digest (``PUT /users/me/digest``), templates
(``PUT /templates/{name}``) and workspace defaults (``PATCH
/workspaces/{workspace}/defaults``). Each body has the model's fields with values that
are well-formed, nearly so, or any JSON, and sometimes fields no model has; paths take
any segment. (tests/api/test_schema_fuzz.py runs schemathesis over the whole schema.)

Never a 5xx; and a body refused (4xx) stores nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.templates import NAMES
from tests.api.conftest import Api
from tests.fuzzing import FUZZ_HTTP

TABLES = ("users", "reminders", "workspace_settings", "templates", "audit_log")
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
TIMES = st.sampled_from(["08:00", "8", "25:00", "23:59", "-1:00", "", "noon", "07:60"])
SHAPED: dict[str, st.SearchStrategy[Any]] = {
    "channels": st.lists(st.sampled_from(["chat", "email", "webhook", "fax", ""]), max_size=4),
    "email": st.sampled_from(["ann@example.com", "no-at", "a@b\r\nBcc: x@y", ""]),
    "quiet_hours": st.fixed_dictionaries({"start": TIMES, "end": TIMES}) | JSON,
    "default_time": TIMES,
    "tz": st.sampled_from(["Europe/Copenhagen", "UTC", "Mars/Base", ""]),
    "language": st.sampled_from(["en", "da", "xx", ""]),
    "time": TIMES,
    "days": st.sampled_from(["daily", "weekdays", "mon", ["mon", "thu"], ["funday"], []]),
    "even_when_empty": st.booleans() | JSON,
    "workspace": st.sampled_from(["slack:T1", "x", "slack:" + "T" * 300]),
    "source": st.sampled_from(["{{ message }}", "{{ message", "{% for %}", "{{ due }} @channel"]),
}
FIELDS = {
    "preferences": ("channels", "email", "quiet_hours", "default_time", "tz", "language"),
    "digest": ("time", "days", "even_when_empty", "tz"),
    "template": ("workspace", "source"),
    "defaults": ("channels", "quiet_hours", "default_time", "tz", "language"),
}


def _body(kind: str, data: st.DataObject) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in FIELDS[kind]:
        if data.draw(st.booleans()):
            body[name] = data.draw(SHAPED[name] | JSON | st.text(max_size=20))
    body |= data.draw(st.dictionaries(st.text(max_size=6), JSON, max_size=1))
    return body


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        found = {}
        for table in TABLES:
            found[table] = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        return found


async def test_any_body_gets_no_5xx_and_a_refused_one_stores_nothing(
    client: Api, engine: AsyncEngine
) -> None:
    loop = asyncio.get_running_loop()
    seen: dict[int, int] = {}

    async def one(kind: str, segment: str, body: dict[str, Any]) -> None:
        before = await _counts(engine)
        if kind == "preferences":
            answer = await client.patch("/users/me/preferences", body)
        elif kind == "digest":
            answer = await client.put("/users/me/digest", body)
        elif kind == "template":
            answer = await client.put(f"/templates/{quote(segment, safe='')}", body, client.system)
        else:
            path = f"/workspaces/{quote(segment, safe='')}/defaults"
            answer = await client.patch(path, body, client.system)
        seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
        assert answer.status_code < 500, (kind, segment, body, answer.text)
        if answer.status_code >= 400:
            assert await _counts(engine) == before, (kind, body)

    @FUZZ_HTTP
    @given(kind=st.sampled_from(sorted(FIELDS)), data=st.data())
    def check(kind: str, data: st.DataObject) -> None:
        names = st.sampled_from(NAMES) if kind == "template" else st.just("slack:T1")
        segment = data.draw(names | st.text(min_size=1, max_size=12))
        body = _body(kind, data)
        asyncio.run_coroutine_threadsafe(one(kind, segment, body), loop).result(timeout=60)

    await asyncio.to_thread(check)
    assert any(code < 300 for code in seen) and any(code >= 400 for code in seen), seen
