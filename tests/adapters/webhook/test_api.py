"""A reminder's own webhook URL over the REST API: set, shown, changed, checked, used."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.webhook import WebhookChannel
from bot.core import texts
from bot.core.dispatch import Dispatcher
from bot.core.errors import InvalidRequest
from bot.core.model import OccurrenceState, ReminderState
from tests.adapters.webhook.receiver import SECRET, Receiver
from tests.api.conftest import Api

AT = "2026-11-23T11:00:00+01:00"
DUE = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def test_a_reminder_made_over_the_api_posts_to_its_own_url(client: Api) -> None:
    async with Receiver(SECRET, client.clock) as hook:
        body = {
            "message": "deploy window opens",
            "at": AT,
            "channels": ["chat", "webhook"],
            "webhook_url": hook.url,
        }
        made = await client.post("/reminders", body)
        assert made.status_code == 201, made.text
        rem_id = made.json()["id"]
        assert made.json()["webhook_url"] == hook.url
        read = await client.get(f"/reminders/{rem_id}")
        assert read.json()["webhook_url"] == hook.url
        assert read.json()["channels"] == ["chat", "webhook"]

        channel = WebhookChannel(SECRET, clock=client.clock)  # no URL of its own
        dispatcher = Dispatcher(
            client.repo, {"slack": client.slack}, client.clock, channels={"webhook": channel}
        )
        client.clock.set(DUE)
        assert await dispatcher.drain() == 1
    [got] = hook.got
    assert got.status == 200
    assert got.payload["reminder_id"] == rem_id
    assert got.payload["message"] == "deploy window opens"
    assert got.payload["owner"] == "slack:T1:U1"
    (occ,) = await client.repo.occurrences(rem_id)
    assert occ.state is OccurrenceState.SENT
    record = (await client.repo.channel_deliveries([occ.id]))[occ.id]["webhook"]
    assert record.state is OccurrenceState.SENT


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "https://",
        "hooks.example.com/x",
        "https://example.com/a b",
        "http://example.com:port/x",
    ],
)
async def test_a_url_that_is_not_http_or_https_is_refused_with_a_sentence(
    client: Api, url: str
) -> None:
    answer = await client.post(
        "/reminders", {"message": "x", "at": AT, "channels": ["webhook"], "webhook_url": url}
    )
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail["code"] == "bad_webhook_url"
    assert detail["message"].startswith("A webhook_url must be an http or https address")
    assert await client.repo.list_for(None, list(ReminderState)) == []


def test_the_refusal_is_said_in_danish_too() -> None:
    error = InvalidRequest("bad_webhook_url", url="ftp://x")
    danish = texts.DANISH.sentence(error)
    assert danish.startswith("En webhook_url skal være en http- eller https-adresse")
    assert danish != texts.ENGLISH.sentence(error)


async def test_the_url_is_changed_checked_and_removed_only_by_its_owner(client: Api) -> None:
    made = await client.post(
        "/reminders",
        {"message": "x", "at": AT, "channels": ["webhook"], "webhook_url": "https://a.example/1"},
    )
    rem_id = made.json()["id"]
    moved = await client.patch(f"/reminders/{rem_id}", {"webhook_url": "https://b.example/2"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["webhook_url"] == "https://b.example/2"

    refused = await client.patch(f"/reminders/{rem_id}", {"webhook_url": "gopher://b.example"})
    assert refused.status_code == 422
    assert refused.json()["detail"]["code"] == "bad_webhook_url"

    other = await client.patch(
        f"/reminders/{rem_id}", {"webhook_url": "https://evil.example/"}, token=client.system
    )
    assert other.status_code == 404
    stored = await client.repo.get(rem_id)
    assert stored is not None and stored.webhook_url == "https://b.example/2"

    cleared = await client.patch(f"/reminders/{rem_id}", {"webhook_url": ""})
    assert cleared.status_code == 200 and cleared.json()["webhook_url"] is None
    stored = await client.repo.get(rem_id)
    assert stored is not None and stored.webhook_url is None
