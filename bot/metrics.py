"""Prometheus metrics: core's ``Metrics`` port as prometheus-client series, and ``/metrics``.

Each app gets a registry of its own (never the library's global one), so two apps in one
process, or two tests, never count into each other's series. Core does not know this
module: it calls the neutral ``bot.core.ports.Metrics``; the composition root
(``bot.app``) makes one ``PromMetrics`` and hands it to the dispatcher, the chat front
and the adapters. docs/operations.md ("Metrics") says what each series means and what
to do when it moves.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.core.model import ReminderState

log = logging.getLogger(__name__)
# Seconds from due to sent: the sweep runs every few seconds, retries wait minutes.
LATENESS_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
# Reminders per claim; the dispatcher claims 200 at most by default.
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 200, 500)
GAUGE_TTL = 5.0  # seconds a count of reminders by state is reused: scrapes stay cheap

CountStates = Callable[[], Awaitable[Mapping[str, int]]]


class PromMetrics:
    """``bot.core.ports.Metrics`` over a registry of its own (``registry``)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self._delivered = Counter(
            "remindbot_deliveries_total",
            "Occurrence outcomes recorded by the dispatcher, per platform, channel and outcome.",
            ["platform", "channel", "outcome"],
            registry=r,
        )
        self._lateness = Histogram(
            "remindbot_dispatch_lateness_seconds",
            "Seconds from an occurrence's due time to its recorded delivery.",
            buckets=LATENESS_BUCKETS,
            registry=r,
        )
        self._claimed = Histogram(
            "remindbot_claim_batch_reminders",
            "Due reminders taken per non-empty claim.",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self._refused = Counter(
            "remindbot_parse_refusals_total",
            "Phrases the parser refused, by refusal code.",
            ["code"],
            registry=r,
        )
        self._errors = Counter(
            "remindbot_platform_errors_total",
            "Failed platform API calls, by platform and error code.",
            ["platform", "code"],
            registry=r,
        )
        self._waits = Counter(
            "remindbot_rate_limit_waits_total",
            "429 answers from a platform that asked us to wait.",
            ["platform"],
            registry=r,
        )
        self._waited = Counter(
            "remindbot_rate_limit_wait_seconds_total",
            "Seconds platforms asked us to wait in their 429 answers, summed.",
            ["platform"],
            registry=r,
        )
        self._reconnects = Counter(
            "remindbot_websocket_reconnects_total",
            "Event websockets connected again after a loss, by platform.",
            ["platform"],
            registry=r,
        )
        self._duplicates = Counter(
            "remindbot_duplicate_events_total",
            "Inbound events dropped because their id was seen before (platform retries).",
            ["platform"],
            registry=r,
        )

    def delivered(self, platform: str, channel: str, outcome: str) -> None:
        self._delivered.labels(platform, channel, outcome).inc()

    def lateness(self, seconds: float) -> None:
        self._lateness.observe(seconds)

    def claimed(self, count: int) -> None:
        self._claimed.observe(count)

    def refused(self, code: str) -> None:
        self._refused.labels(code).inc()

    def platform_error(self, platform: str, code: str) -> None:
        self._errors.labels(platform, code).inc()

    def waited(self, platform: str, seconds: float) -> None:
        self._waits.labels(platform).inc()
        self._waited.labels(platform).inc(max(0.0, seconds))

    def reconnected(self, platform: str) -> None:
        self._reconnects.labels(platform).inc()

    def duplicate_event(self, platform: str) -> None:
        self._duplicates.labels(platform).inc()


class ReminderGauge(Collector):
    """``remindbot_reminders{state}``: reminders (not deleted) per state.

    Read by one grouped COUNT (``count``) when scraped, at most once per ``ttl``
    seconds; prometheus-client collects synchronously, so ``refresh`` (async) runs
    first in the ``/metrics`` handler and ``collect`` gives what it read. Every state
    is exposed, with 0 when none are in it, so a state emptying shows as 0 rather than
    a series that vanishes. When the count fails (the database is down) the gauge is
    left out of that scrape, rather than showing old numbers as if they were current,
    and the rest of ``/metrics`` is still served; the next scrape reads again.
    """

    def __init__(
        self,
        count: CountStates,
        *,
        ttl: float = GAUGE_TTL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._count = count
        self._ttl = ttl
        self._monotonic = monotonic
        self._read_at: float | None = None
        self._counts: Mapping[str, int] | None = None
        self.reads = 0  # how many COUNT queries were made (the cache is tested by it)

    async def refresh(self) -> None:
        now = self._monotonic()
        if self._read_at is not None and now - self._read_at < self._ttl:
            return
        self.reads += 1
        try:
            self._counts = await self._count()
        except Exception:  # the other series are worth serving when the database is not
            log.warning("counting reminders by state failed", exc_info=True)
            self._counts, self._read_at = None, None
            return
        self._read_at = now

    def collect(self) -> Iterator[Metric]:
        if self._counts is None:
            return
        family = GaugeMetricFamily(
            "remindbot_reminders", "Reminders (not deleted) in each state.", labels=["state"]
        )
        states = [s.value for s in ReminderState]
        for state in [*states, *sorted(set(self._counts) - set(states))]:
            family.add_metric([state], self._counts.get(state, 0))
        yield family


def metrics_route(metrics: PromMetrics, gauge: ReminderGauge | None = None) -> Route:
    """``GET /metrics``: the text exposition of ``metrics.registry`` (and ``gauge``)."""
    if gauge is not None:
        metrics.registry.register(gauge)

    async def scrape(_request: Request) -> Response:
        if gauge is not None:
            await gauge.refresh()
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", scrape, methods=["GET"])
