"""``/metrics`` over real HTTP, after real work: deliveries through the real dispatcher
(on SQLite and PostgreSQL), 429s and refused phrases and a retried event through the
local Slack stand-in, reconnects and 429s from the Mattermost stand-in.

The exposition is read with prometheus-client's own parser and every value asserted
exactly; the reminders-by-state gauge is compared with what the database holds.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.mattermost.client import MattermostClient, MattermostError
from bot.adapters.slack import SlackAdapter
from bot.adapters.webhook import WebhookChannel
from bot.app import build, start_platforms
from bot.clock import ManualClock
from bot.config import Secret, Settings
from bot.core.dispatch import Dispatcher
from bot.core.engine import build_engine
from bot.core.model import ReminderState
from bot.core.ports import ChatPlatform
from bot.http import create_http_app
from bot.metrics import PromMetrics, ReminderGauge, metrics_route
from storage import SqlReminderRepository, make_engine
from tests.adapters.webhook.receiver import SECRET, Receiver
from tests.core.platform import FakePlatform
from tests.factories import DUE, new_reminder
from tests.servers import slack_payloads as p
from tests.servers.asgi import listening, serve
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack

RECONNECTS = "remindbot_websocket_reconnects_total"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(url: str) -> Samples:
    """Every sample ``GET /metrics`` shows, by name and labels (sorted)."""
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{url}/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


async def scrape_until(url: str, name: str, **labels: str) -> Samples:
    """Scrape until the series counts something (at most 5 s): for what the bot does
    after it has acknowledged an event."""
    async with asyncio.timeout(5):
        while True:
            samples = await scrape(url)
            if value(samples, name, **labels):
                return samples
            await asyncio.sleep(0.02)


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series does not exist (a counter never touched)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class Monotonic:
    """The gauge cache's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Metered:
    slack: FakeSlack
    repo: SqlReminderRepository
    clock: ManualClock
    dispatcher: Dispatcher
    gauge: ReminderGauge
    monotonic: Monotonic
    url: str

    async def send(self, payload: dict[str, Any], retry: int = 0) -> None:
        envelope = await self.slack.send_envelope("events_api", payload, retry_attempt=retry)
        await self.slack.wait_for_ack(envelope)

    async def states_in_database(self) -> dict[str, int]:
        """Counted another way than the gauge does: the repository's own listing."""
        counts = {}
        for state in ReminderState:
            counts[state.value] = len(await self.repo.list_for(None, [state], limit=10_000))
        return counts


@pytest.fixture
async def metered(repo: SqlReminderRepository, clock: ManualClock) -> AsyncIterator[Metered]:
    """The real dispatcher, chat front and Slack adapter (socket mode, to the stand-in),
    sharing one ``PromMetrics``, its ``/metrics`` served on 127.0.0.1:0."""
    metrics = PromMetrics()
    gateways: dict[str, ChatPlatform] = {}
    engine = build_engine(repo, clock, gateways, metrics=metrics)
    async with FakeSlack() as slack:
        adapter = SlackAdapter(
            engine.front, bot_token="xoxb-test", api_url=slack.api_url, metrics=metrics
        )
        gateways["slack"] = adapter.gateway
        dispatcher = Dispatcher(repo, gateways, clock, metrics=metrics)
        monotonic = Monotonic()
        gauge = ReminderGauge(repo.reminders_by_state, monotonic=monotonic)

        async def health() -> tuple[bool, dict[str, Any]]:
            return True, {}

        app = create_http_app([metrics_route(metrics, gauge)], health=health)
        await adapter.connect_socket_mode("xapp-test")
        await slack.wait_connected()
        try:
            async with serve(app) as url:
                yield Metered(slack, repo, clock, dispatcher, gauge, monotonic, url)
        finally:
            await adapter.close()


async def test_deliveries_lateness_batches_and_reminders_by_state(metered: Metered) -> None:
    repo, now = metered.repo, metered.clock.now()
    for n in range(3):
        await repo.add(new_reminder(message=f"task {n}"), now)
    await repo.add(new_reminder(next_due=DUE + timedelta(days=1)), now)
    await repo.add(new_reminder(state=ReminderState.DRAFT, next_due=None), now)

    metered.clock.advance(DUE - now + timedelta(seconds=30))  # 30 s after they were due
    assert await metered.dispatcher.drain() == 3

    samples = await scrape(metered.url)
    sent = {"platform": "slack", "channel": "chat", "outcome": "sent"}
    assert value(samples, "remindbot_deliveries_total", **sent) == 3
    assert value(samples, "remindbot_dispatch_lateness_seconds_count") == 3
    assert value(samples, "remindbot_dispatch_lateness_seconds_sum") == 90
    assert value(samples, "remindbot_dispatch_lateness_seconds_bucket", le="10.0") == 0
    assert value(samples, "remindbot_dispatch_lateness_seconds_bucket", le="30.0") == 3
    assert value(samples, "remindbot_claim_batch_reminders_count") == 1
    assert value(samples, "remindbot_claim_batch_reminders_sum") == 3
    gauge = {s.value: value(samples, "remindbot_reminders", state=s.value) for s in ReminderState}
    assert gauge == await metered.states_in_database()
    assert gauge == {"draft": 1, "scheduled": 1, "paused": 0, "completed": 3, "cancelled": 0}

    # Within the cache's few seconds a scrape reuses the count; after them, it reads again.
    await repo.add(new_reminder(), metered.clock.now())
    again = await scrape(metered.url)
    assert value(again, "remindbot_reminders", state="scheduled") == 1
    assert metered.gauge.reads == 1
    metered.monotonic.now += 5.0
    later = await scrape(metered.url)
    assert value(later, "remindbot_reminders", state="scheduled") == 2
    assert metered.gauge.reads == 2


async def test_429_waits_counted_as_the_pacer_waits_them_out(metered: Metered) -> None:
    await metered.repo.add(new_reminder(), metered.clock.now())
    for _ in range(3):  # the gateway's pacer waits each out (Retry-After: 1) and posts
        metered.slack.fail_next("chat.postMessage", status=429, retry_after=1)

    metered.clock.advance(DUE - metered.clock.now())
    assert await metered.dispatcher.drain() == 1

    samples = await scrape(metered.url)
    assert [c.status for c in metered.slack.calls_to("chat.postMessage")] == [429, 429, 429, 200]
    assert value(samples, "remindbot_rate_limit_waits_total", platform="slack") == 3
    assert value(samples, "remindbot_rate_limit_wait_seconds_total", platform="slack") == 3.0
    limited = {"platform": "slack", "code": "ratelimited"}
    assert value(samples, "remindbot_platform_errors_total", **limited) == 3
    sent = {"platform": "slack", "channel": "chat", "outcome": "sent"}
    assert value(samples, "remindbot_deliveries_total", **sent) == 1
    assert value(samples, "remindbot_dispatch_lateness_seconds_count") == 1


async def test_a_refused_phrase_and_a_retried_event(metered: Metered) -> None:
    event = p.message_im_event("remind me to water the plants", event_id="Ev1")
    await metered.send(event)
    answer = (await metered.slack.wait_for_call("chat.postMessage"))[0]
    assert answer.args["text"].startswith("I could not find a time in that.")
    await metered.send(event, retry=1)  # Slack's retry of the same event: dropped

    # The retry is handled after its ack: scraped until it has been.
    samples = await scrape_until(metered.url, "remindbot_duplicate_events_total", platform="slack")
    assert value(samples, "remindbot_duplicate_events_total", platform="slack") == 1
    assert value(samples, "remindbot_parse_refusals_total", code="no_time") == 1
    assert len(metered.slack.calls_to("chat.postMessage")) == 1


async def test_a_socket_mode_reconnect(metered: Metered) -> None:
    before = await scrape(metered.url)
    await metered.slack.disconnect()  # as Slack does before it rotates hosts
    await metered.slack.wait_connected(count=2)

    # slack_sdk reads the new hello after connecting: scraped until it has.
    after = await scrape_until(metered.url, RECONNECTS, platform="slack")
    assert value(before, RECONNECTS, platform="slack") == 0
    assert value(after, RECONNECTS, platform="slack") == 1
    assert metered.slack.connections == 2


async def test_mattermost_reconnects_and_429_waits() -> None:
    metrics = PromMetrics()
    async with FakeMattermost() as mm:
        client = MattermostClient(mm.url, mm.bot_token, timeout=2, metrics=metrics)
        connected = asyncio.Event()

        async def on_connect() -> None:
            connected.set()

        async def no_wait(_delay: float) -> None:
            await asyncio.sleep(0)

        stream = client.events(on_connect, sleep=no_wait)
        reader = asyncio.ensure_future(anext(stream))
        try:
            await mm.wait_connected(count=1)
            await asyncio.wait_for(connected.wait(), 5)
            connected.clear()
            await mm.drop_connections()
            await mm.wait_connected(count=2)
            await asyncio.wait_for(connected.wait(), 5)

            alice = mm.add_user("alice")
            channel = (await client.direct_channel(alice))["id"]
            mm.fail_next("create_post", 429, reset=7)
            with pytest.raises(MattermostError) as refused:
                await client.create_post(channel, "Reminder: stretch")
            assert refused.value.retry_after == 7
        finally:
            reader.cancel()
            await client.close()

    def counted(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, labels)

    assert counted("remindbot_websocket_reconnects_total", platform="mattermost") == 1
    assert counted("remindbot_rate_limit_waits_total", platform="mattermost") == 1
    assert counted("remindbot_rate_limit_wait_seconds_total", platform="mattermost") == 7
    errors = counted("remindbot_platform_errors_total", platform="mattermost", code="rate_limited")
    assert errors == 1


def test_each_app_counts_in_a_registry_of_its_own() -> None:
    first, second = PromMetrics(), PromMetrics()
    first.refused("past")
    first.refused("past")
    labels = {"code": "past"}
    assert first.registry.get_sample_value("remindbot_parse_refusals_total", labels) == 2
    assert second.registry.get_sample_value("remindbot_parse_refusals_total", labels) is None


async def test_remindbot_run_serves_metrics_beside_healthz(tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            slack_bot_token=Secret("xoxb-test"),
            slack_app_token=Secret("xapp-test"),
            slack_api_url=slack.api_url,
            http_port=0,
        )
        app = await build(settings)
        tasks = await start_platforms(app)
        try:
            port = await listening(app.extras["http"])
            await slack.wait_connected()
            await slack.send_envelope("events_api", p.message_im_event("remind me sometime"))
            await slack.wait_for_call("chat.postMessage")
            samples = await scrape(f"http://127.0.0.1:{port}")
        finally:
            for task in tasks:
                assert isinstance(task, asyncio.Task)
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await app.close()
    assert value(samples, "remindbot_reminders", state="scheduled") == 0
    assert value(samples, "remindbot_parse_refusals_total", code="no_time") == 1


OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


async def test_the_operations_page_names_every_series_metrics_exposes() -> None:
    page = await asyncio.to_thread(OPERATIONS.read_text)
    section = page.split("## Metrics\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(remindbot_\w+)` \|", section, re.MULTILINE))
    metrics = PromMetrics()

    async def none() -> dict[str, int]:
        return {}

    gauge = ReminderGauge(none)
    await gauge.refresh()
    metrics.registry.register(gauge)
    exposed = {family.name for family in metrics.registry.collect()}
    # prometheus-client names a counter's family without its ``_total``.
    assert documented == {
        f"{name}_total" if f"{name}_total" in documented else name for name in exposed
    }
    assert len(documented) == 10


async def test_each_channel_tried_is_counted_and_lateness_waits_for_the_sent_outcome(
    repo: SqlReminderRepository, clock: ManualClock
) -> None:
    """Chat and a webhook (a real receiver) answering 500 once: chat counts ``sent`` and
    the webhook ``deferred``; the occurrence is sent (and its lateness measured) only
    when the webhook's retry, 30 s later, goes through."""
    metrics = PromMetrics()
    clock.set(DUE)
    async with (
        Receiver(SECRET, clock) as hook,
        serve(create_http_app([metrics_route(metrics)], health=_healthy)) as url,
    ):
        hook.answers = [500]
        channel = WebhookChannel(SECRET, clock=clock)
        platform = FakePlatform(platform="slack")
        dispatcher = Dispatcher(
            repo, {"slack": platform}, clock, channels={"webhook": channel}, metrics=metrics
        )
        await repo.add(new_reminder(channels=("chat", "webhook"), webhook_url=hook.url), DUE)
        assert await dispatcher.drain() == 1
        first = await scrape(url)
        clock.advance(timedelta(seconds=30))
        assert await dispatcher.drain() == 1
        second = await scrape(url)

    def delivered(samples: Samples, channel: str, outcome: str) -> float:
        labels = {"platform": "slack", "channel": channel, "outcome": outcome}
        return value(samples, "remindbot_deliveries_total", **labels)

    assert (delivered(first, "chat", "sent"), delivered(first, "webhook", "deferred")) == (1, 1)
    assert value(first, "remindbot_dispatch_lateness_seconds_count") == 0
    assert (delivered(second, "chat", "sent"), delivered(second, "webhook", "sent")) == (1, 1)
    assert value(second, "remindbot_dispatch_lateness_seconds_count") == 1
    assert value(second, "remindbot_dispatch_lateness_seconds_sum") == 30
    assert value(second, "remindbot_claim_batch_reminders_count") == 2
    assert len(platform.delivered) == 1


async def _healthy() -> tuple[bool, dict[str, Any]]:
    return True, {}


async def test_without_a_database_the_gauge_is_left_out_and_the_rest_served(
    tmp_path: Path,
) -> None:
    """A repository over a database that has no tables (never migrated): the count
    fails; the scrape still answers, without ``remindbot_reminders``."""
    db = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    metrics = PromMetrics()
    metrics.refused("past")
    gauge = ReminderGauge(SqlReminderRepository(db).reminders_by_state)
    try:
        async with serve(create_http_app([metrics_route(metrics, gauge)], health=_healthy)) as url:
            samples = await scrape(url)
            again = await scrape(url)
    finally:
        await db.dispose()
    assert value(samples, "remindbot_parse_refusals_total", code="past") == 1
    assert not [name for name, _ in samples if name == "remindbot_reminders"]
    assert again == samples and gauge.reads == 2  # each scrape tries the database again
