"""Webhooks through the real dispatcher, on SQLite and PostgreSQL, to a real receiver.

The receiver checks every signature over the raw body bytes at the test's clock (the
clock the channel signs with), so a badly signed request would fail as ``http_401``.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from email.utils import format_datetime

import pytest

from bot.adapters.webhook import WebhookChannel
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState
from storage import SqlReminderRepository
from tests.adapters.webhook.receiver import SECRET, Answer, Receiver
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder


def _wired(
    repo: SqlReminderRepository, clock: ManualClock, channel: WebhookChannel
) -> tuple[Dispatcher, FakePlatform]:
    platform = FakePlatform(platform="slack")
    dispatcher = Dispatcher(repo, {"slack": platform}, clock, channels={"webhook": channel})
    return dispatcher, platform


async def test_a_500_is_retried_and_the_reminder_then_delivered_once(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        hook.answers = [500]
        dispatcher, platform = _wired(repo, clock, WebhookChannel(SECRET, clock=clock))
        rem = await repo.add(
            new_reminder(
                channels=("chat", "webhook"),
                webhook_url=hook.url,
                entity_type="case",
                entity_id="77",
            ),
            clock.now(),
        )
        assert await dispatcher.drain() == 1
        (occ,) = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.DEFERRED and occ.error == "webhook:http_500"
        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due == DUE + timedelta(seconds=30)

        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
        clock.advance(timedelta(days=2))
        assert await dispatcher.drain() == 0

    first, second = hook.got
    assert [first.status, second.status] == [500, 200]
    assert first.delivery == second.delivery == f"occ-{occ.id}-webhook"
    assert int(second.signature["t"]) == int(first.signature["t"]) + 30
    assert first.signature["v1"] != second.signature["v1"]
    assert first.headers["content-type"] == "application/json"
    assert first.headers["user-agent"].startswith("remindbot/")
    assert second.payload == {
        "delivery_id": f"occ-{occ.id}-webhook",
        "channel": "webhook",
        "attempt": 2,
        "reminder_id": rem.id,
        "occurrence_id": occ.id,
        "message": "call the vet",
        "entity": {"type": "case", "id": "77"},
        "event_type": None,
        "owner": "slack:T1:U1",
        "target": {
            "kind": "user",
            "id": "U1",
            "name": "you",
            "platform": "slack",
            "workspace": "T1",
        },
        "due_at": "2026-11-23T10:00:00Z",
        "late_by_seconds": 30,
        "chat_message_ref": "msg-1",
    }
    assert first.payload["attempt"] == 1 and first.payload["late_by_seconds"] == 0
    assert len(platform.delivered) == 1, "chat went the first time and is not posted again"
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT
    records = (await repo.channel_deliveries([occ.id]))[occ.id]
    webhook = records["webhook"]
    assert (webhook.state, webhook.attempts, webhook.message_ref, webhook.error) == (
        OccurrenceState.SENT,
        2,
        f"occ-{occ.id}-webhook",
        None,
    )


async def test_after_n_attempts_a_temporary_failure_is_final_with_its_reason(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        hook.answers = [503] * 10
        channel = WebhookChannel(SECRET, url=hook.url, attempts=3, clock=clock)
        dispatcher, platform = _wired(repo, clock, channel)
        rem = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        for _ in range(3):
            assert await dispatcher.drain() == 1
            stored = await repo.get(rem.id)
            assert stored is not None
            if stored.next_due is not None:
                clock.set(stored.next_due)
        clock.advance(timedelta(days=2))
        assert await dispatcher.drain() == 0
    assert [r.status for r in hook.got] == [503, 503, 503]
    assert len({r.delivery for r in hook.got}) == 1
    assert len({r.signature["t"] for r in hook.got}) == 3
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.FAILED
    assert occ.error == "webhook:http_503_after_3_attempts"
    record = (await repo.channel_deliveries([occ.id]))[occ.id]["webhook"]
    assert (record.state, record.attempts, record.error) == (
        OccurrenceState.FAILED,
        3,
        "http_503_after_3_attempts",
    )
    lines = [(a.action, a.detail) for a in await repo.audit_for(rem.id)]
    assert any(
        action == "delivery_failed"
        and detail is not None
        and detail.get("channel") == "webhook"
        and "http_503_after_3_attempts" in str(detail)
        for action, detail in lines
    ), lines
    assert [owner for owner, _ in platform.notices] == [rem.owner]
    assert "http_503_after_3_attempts" in platform.notices[0][1].text


@pytest.mark.parametrize("status", [400, 404, 410])
async def test_a_4xx_is_final_at_once(
    repo: SqlReminderRepository, clock: ManualClock, status: int
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        hook.answers = [status, 200]
        dispatcher, platform = _wired(
            repo, clock, WebhookChannel(SECRET, url=hook.url, clock=clock)
        )
        rem = await repo.add(new_reminder(channels=("chat", "webhook")), clock.now())
        assert await dispatcher.drain() == 1
        clock.advance(timedelta(days=2))
        assert await dispatcher.drain() == 0
    assert [r.status for r in hook.got] == [status]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT, "chat was delivered"
    record = (await repo.channel_deliveries([occ.id]))[occ.id]["webhook"]
    assert (record.state, record.error) == (OccurrenceState.FAILED, f"http_{status}")
    assert platform.notices == [], "the owner is told only when no channel delivered"


async def test_429_and_408_are_retried_and_retry_after_is_honoured(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        hook.answers = [Answer(429, {"Retry-After": "120"}), 408]
        dispatcher, _ = _wired(repo, clock, WebhookChannel(SECRET, url=hook.url, clock=clock))
        rem = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await dispatcher.drain() == 1
        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due == DUE + timedelta(seconds=120)
        (occ,) = await repo.occurrences(rem.id)
        assert occ.error == "webhook:http_429"
        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
        (occ,) = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.DEFERRED and occ.error == "webhook:http_408"
        stored = await repo.get(rem.id)
        assert stored is not None and stored.next_due is not None
        clock.set(stored.next_due)
        assert await dispatcher.drain() == 1
    assert [r.status for r in hook.got] == [429, 408, 200]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.SENT


async def test_a_redirect_is_not_followed(repo: SqlReminderRepository, clock: ManualClock) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        channel = WebhookChannel(SECRET, url=hook.at("/moved"), clock=clock)
        dispatcher, _ = _wired(repo, clock, channel)
        rem = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await dispatcher.drain() == 1
    assert [r.path for r in hook.got] == ["/moved"]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.FAILED and occ.error == "webhook:http_307"


async def test_timeouts_and_refused_connections_are_temporary(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with Receiver(SECRET, clock) as hook:
        hook.slow_seconds = 2.0
        channel = WebhookChannel(SECRET, timeout=0.3, clock=clock)
        dispatcher, _ = _wired(repo, clock, channel)
        slow = await repo.add(
            new_reminder(channels=("webhook",), webhook_url=hook.at("/slow")), clock.now()
        )
        gone = await repo.add(
            new_reminder(channels=("webhook",), webhook_url=f"http://127.0.0.1:{closed}/hook"),
            clock.now(),
        )
        assert await dispatcher.drain() == 2
    errors = {}
    for rem in (slow, gone):
        (occ,) = await repo.occurrences(rem.id)
        assert occ.state is OccurrenceState.DEFERRED
        errors[rem.id] = occ.error
    assert errors == {slow.id: "webhook:timeout", gone.id: "webhook:connection_failed"}


async def test_the_reminders_own_url_wins_and_without_any_url_it_fails(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        configured = WebhookChannel(SECRET, url=hook.at("/configured"), clock=clock)
        dispatcher, _ = _wired(repo, clock, configured)
        own = await repo.add(
            new_reminder(channels=("webhook",), webhook_url=hook.at("/own")), clock.now()
        )
        default = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await dispatcher.drain() == 2
        nowhere, _ = _wired(repo, clock, WebhookChannel(SECRET, clock=clock))
        lost = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await nowhere.drain() == 1
    by_path = {r.path: r.payload["reminder_id"] for r in hook.got}
    assert by_path == {"/own": own.id, "/configured": default.id}
    (occ,) = await repo.occurrences(lost.id)
    assert occ.state is OccurrenceState.FAILED and occ.error == "webhook:no_webhook_url"


async def test_a_stored_url_that_is_not_http_is_refused_at_send_time(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    dispatcher, _ = _wired(repo, clock, WebhookChannel(SECRET, clock=clock))
    rem = await repo.add(
        new_reminder(channels=("webhook",), webhook_url="file:///etc/passwd"), clock.now()
    )
    assert await dispatcher.drain() == 1
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.FAILED and occ.error == "webhook:bad_webhook_url"


async def test_a_request_signed_with_another_secret_is_refused_for_good(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        wrong = WebhookChannel("not-the-shared-secret", url=hook.url, clock=clock)
        dispatcher, _ = _wired(repo, clock, wrong)
        rem = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await dispatcher.drain() == 1
    assert [r.status for r in hook.got] == [401]
    (occ,) = await repo.occurrences(rem.id)
    assert occ.state is OccurrenceState.FAILED and occ.error == "webhook:http_401"


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        (format_datetime(DUE + timedelta(seconds=90), usegmt=True), timedelta(seconds=90)),
        ("99999999", timedelta(days=1)),  # longer than a day is read as a day
        ("soon", timedelta(seconds=30)),  # unreadable: the dispatcher's own backoff
    ],
)
async def test_retry_after_may_be_a_date_and_is_bounded(
    repo: SqlReminderRepository, clock: ManualClock, retry_after: str, wait: timedelta
) -> None:
    clock.set(DUE)
    async with Receiver(SECRET, clock) as hook:
        hook.answers = [Answer(503, {"Retry-After": retry_after})]
        dispatcher, _ = _wired(repo, clock, WebhookChannel(SECRET, url=hook.url, clock=clock))
        rem = await repo.add(new_reminder(channels=("webhook",)), clock.now())
        assert await dispatcher.drain() == 1
    stored = await repo.get(rem.id)
    assert stored is not None and stored.next_due == DUE + wait
