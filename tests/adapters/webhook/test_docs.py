"""docs/channels.md's Webhooks section is true: its example request is what the bot
sends and signs for that reminder, its receiver (run as written) accepts a request the
bot signed and refuses one signed otherwise, and its ``verify`` is the bot's own."""

from __future__ import annotations

import inspect
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from http.server import HTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.webhook import WebhookChannel, body_of, sign, signing
from bot.clock import SystemClock
from bot.core.model import (
    Delivery,
    NewReminder,
    Occurrence,
    OccurrenceState,
    Reminder,
    Reply,
    TargetKind,
)
from bot.core.ports import DeliveryError
from tests.adapters.webhook.receiver import SECRET
from tests.api.conftest import Api
from tests.factories import new_reminder

DOC = Path(__file__).parents[3] / "docs" / "channels.md"
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Webhooks")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", section(), re.S)


def _delivery(**overrides: Any) -> Delivery:
    """The doc's example: reminder 7, its occurrence 42, 3 s late, after its chat post."""
    new = new_reminder(
        message="Review case 77",
        entity_type="case",
        entity_id="77",
        event_type="time",
        target_kind=TargetKind.ME,
        target_ref="",
        target_name="",
    )
    rem = Reminder(
        **{f.name: getattr(new, f.name) for f in fields(NewReminder)},
        id=7,
        created_at=DUE - timedelta(days=1),
        updated_at=DUE - timedelta(days=1),
    )
    occ = Occurrence(id=42, reminder_id=7, due_at=DUE, state=OccurrenceState.CLAIMED)
    values: dict[str, Any] = {
        "reminder": rem,
        "occurrence": occ,
        "reply": Reply(text="Reminder: Review case 77"),
        "channel": "webhook",
        "due": DUE,
        "late_by": 3.4,
        "chat_link": "D1:1795428003.000100",
    }
    return Delivery(**(values | overrides))


def test_the_example_request_is_what_the_bot_sends_and_signs() -> None:
    [shown] = [b for b in blocks("json") if '"delivery_id"' in b]
    sent = body_of(_delivery())
    compact = json.dumps(json.loads(shown), ensure_ascii=False, separators=(",", ":"))
    assert sent == compact.encode(), "the doc's body, field for field and in order"
    [request] = blocks("http")
    headers = dict(line.split(": ", 1) for line in request.splitlines()[1:] if line)
    assert headers["X-Remindbot-Delivery"] == "occ-42-webhook"
    t = int(headers["X-Remindbot-Signature"].split(",")[0].removeprefix("t="))
    assert headers["X-Remindbot-Signature"] == sign("whsec-example", sent, t)
    assert t == int((DUE + timedelta(seconds=3)).timestamp())


def test_the_docs_verify_is_the_bots_own() -> None:
    [receiver] = blocks("python")
    assert inspect.getsource(signing.verify) in receiver


@pytest.fixture
def doc_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The doc's receiver, run as written, on 127.0.0.1:0; yields its URL."""
    monkeypatch.setenv("REMINDBOT_WEBHOOK_SECRET", SECRET)
    [code] = blocks("python")
    namespace: dict[str, Any] = {"__name__": "doc_receiver"}
    exec(compile(code, str(DOC), "exec"), namespace)
    server = HTTPServer(("127.0.0.1", 0), namespace["Hook"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/remindbot"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_the_docs_receiver_takes_a_signed_reminder_once_and_refuses_a_forged_one(
    doc_receiver: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The doc's receiver reads time.time(): the bot signs by the real clock here too.
    bot = WebhookChannel(SECRET, url=doc_receiver, clock=SystemClock())
    delivery = _delivery()
    assert await bot.send(delivery) == "occ-42-webhook"
    assert await bot.send(replace(delivery, attempt=2)) == "occ-42-webhook"  # a retry
    out = capsys.readouterr().out
    assert out.splitlines() == ["2026-11-23T10:00:00Z Review case 77 (occ-42-webhook)"]

    forger = WebhookChannel("a guessed secret", url=doc_receiver, clock=SystemClock())
    with pytest.raises(DeliveryError) as refused:
        await forger.send(_delivery(occurrence=replace(delivery.occurrence, id=43)))
    assert (refused.value.reason, refused.value.temporary) == ("http_401", False)
    assert capsys.readouterr().out == ""


async def test_the_docs_api_body_sets_the_reminders_url(client: Api) -> None:
    [body] = [b for b in blocks("json") if '"webhook_url"' in b]
    made = await client.post("/reminders", json.loads(body))
    assert made.status_code == 201, made.text
    assert made.json()["webhook_url"] == "https://hooks.example.com/remindbot"
    assert made.json()["channels"] == ["chat", "webhook"]
