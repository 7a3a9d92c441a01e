"""Prometheus metrics: core's ``Metrics`` port as counters and histograms, and ``/metrics``.

Each app gets a registry of its own, so two apps in one process, or two tests, never
count into each other's series. Core does not know this module: it calls the neutral
``bot.core.ports.Metrics``; the composition root (``bot.app``) makes one ``PromMetrics``
and hands it to the dispatcher, the chat front and the adapters. docs/operations.md
("Metrics") says what each series means and what to do when it moves.

The series and the text exposition are our own, a few dozen lines: prometheus-client
with what it imports (``http.server``, ``wsgiref``, ``urllib.request``) was 0.9 MiB of
every ``remindbot run`` for ten series. The text is what prometheus-client writes for
the same series, ``_created`` samples included (tests/test_metrics.py reads both with
its parser and compares them).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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
CONTENT_TYPE = "text/plain; version=1.0.0; charset=utf-8"

CountStates = Callable[[], Awaitable[Mapping[str, int]]]


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    labels: Mapping[str, str]
    value: float


@dataclass(slots=True)
class Family:
    """One metric: ``name`` (a counter's without ``_total``), ``kind`` (``counter``,
    ``histogram`` or ``gauge``), its help text and samples."""

    name: str
    kind: str
    help: str
    samples: list[Sample] = field(default_factory=list)


class Collector(Protocol):
    def collect(self) -> Iterator[Family]: ...


class Registry:
    """The series of one app: what ``/metrics`` shows, in the order registered."""

    def __init__(self) -> None:
        self._collectors: list[Collector] = []

    def register(self, collector: Collector) -> None:
        self._collectors.append(collector)

    def collect(self) -> Iterator[Family]:
        for collector in self._collectors:
            yield from collector.collect()

    def get_sample_value(self, name: str, labels: Mapping[str, str] | None = None) -> float | None:
        """One sample's value, ``None`` when there is no such sample."""
        wanted = dict(labels or {})
        for family in self.collect():
            for sample in family.samples:
                if sample.name == name and dict(sample.labels) == wanted:
                    return sample.value
        return None

    def exposition(self) -> bytes:
        """Prometheus' text format, as prometheus-client's ``generate_latest`` writes it:
        a counter's ``_created`` samples (when each series began) follow as a gauge."""
        out: list[str] = []
        for family in self.collect():
            name = f"{family.name}_total" if family.kind == "counter" else family.name
            out += _header(name, family.kind, family.help)
            created = [s for s in family.samples if s.name == f"{family.name}_created"]
            out += [_line(s) for s in family.samples if s not in created]
            if created:
                out += _header(f"{family.name}_created", "gauge", family.help)
                out += [_line(s) for s in created]
        return "".join(out).encode("utf-8")


def _header(name: str, kind: str, help_text: str) -> list[str]:
    help_text = help_text.replace("\\", r"\\").replace("\n", r"\n")
    return [f"# HELP {name} {help_text}\n", f"# TYPE {name} {kind}\n"]


def _line(sample: Sample) -> str:
    labels = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(sample.labels.items()))
    where = f"{{{labels}}}" if labels else ""
    return f"{sample.name}{where} {_number(sample.value)}\n"


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _number(value: float) -> str:
    """A value as Go (and so Prometheus and prometheus-client) writes it."""
    value = float(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    text = repr(value)
    dot = text.find(".")
    if value > 0 and dot > 6:  # Go turns to an exponent sooner than Python
        mantissa = f"{text[0]}.{text[1:dot]}{text[dot + 1 :]}".rstrip("0.")
        return f"{mantissa}e+{dot - 1:02d}"
    return text


class Counter:
    """A counter per label values (``inc``), each with the time it began."""

    def __init__(self, name: str, help_text: str, labels: Sequence[str], registry: Registry):
        self.name = name.removesuffix("_total")
        self.help = help_text
        self.labels = tuple(labels)
        self._counts: dict[tuple[str, ...], list[float]] = {}  # values -> [count, created]
        registry.register(self)

    def inc(self, *values: str, amount: float = 1.0) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        counted = self._counts.setdefault(tuple(values), [0.0, time.time()])
        counted[0] += amount

    def collect(self) -> Iterator[Family]:
        family = Family(self.name, "counter", self.help)
        for values, (count, created) in self._counts.items():
            labels = dict(zip(self.labels, values, strict=True))
            family.samples.append(Sample(f"{self.name}_total", labels, count))
            family.samples.append(Sample(f"{self.name}_created", labels, created))
        yield family


class Histogram:
    """Observations counted into cumulative buckets (``le``), with their count and sum."""

    def __init__(
        self, name: str, help_text: str, buckets: Sequence[float], registry: Registry
    ) -> None:
        self.name = name
        self.help = help_text
        self.bounds = (*sorted(float(b) for b in buckets), math.inf)
        self._counts = [0.0] * len(self.bounds)
        self._sum = 0.0
        self._created = time.time()
        registry.register(self)

    def observe(self, value: float) -> None:
        self._sum += value
        for i, bound in enumerate(self.bounds):
            if value <= bound:
                self._counts[i] += 1
                break

    def collect(self) -> Iterator[Family]:
        family = Family(self.name, "histogram", self.help)
        total = 0.0
        for bound, count in zip(self.bounds, self._counts, strict=True):
            total += count
            family.samples.append(Sample(f"{self.name}_bucket", {"le": _number(bound)}, total))
        family.samples.append(Sample(f"{self.name}_count", {}, total))
        family.samples.append(Sample(f"{self.name}_sum", {}, self._sum))
        family.samples.append(Sample(f"{self.name}_created", {}, self._created))
        yield family


class PromMetrics:
    """``bot.core.ports.Metrics`` over a registry of its own (``registry``)."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or Registry()
        r = self.registry
        self._delivered = Counter(
            "remindbot_deliveries_total",
            "Occurrence outcomes recorded by the dispatcher, per platform, channel and outcome.",
            ["platform", "channel", "outcome"],
            r,
        )
        self._lateness = Histogram(
            "remindbot_dispatch_lateness_seconds",
            "Seconds from an occurrence's due time to its recorded delivery.",
            LATENESS_BUCKETS,
            r,
        )
        self._claimed = Histogram(
            "remindbot_claim_batch_reminders",
            "Due reminders taken per non-empty claim.",
            BATCH_BUCKETS,
            r,
        )
        self._refused = Counter(
            "remindbot_parse_refusals_total",
            "Phrases the parser refused, by refusal code.",
            ["code"],
            r,
        )
        self._errors = Counter(
            "remindbot_platform_errors_total",
            "Failed platform API calls, by platform and error code.",
            ["platform", "code"],
            r,
        )
        self._waits = Counter(
            "remindbot_rate_limit_waits_total",
            "429 answers from a platform that asked us to wait.",
            ["platform"],
            r,
        )
        self._waited = Counter(
            "remindbot_rate_limit_wait_seconds_total",
            "Seconds platforms asked us to wait in their 429 answers, summed.",
            ["platform"],
            r,
        )
        self._reconnects = Counter(
            "remindbot_websocket_reconnects_total",
            "Event websockets connected again after a loss, by platform.",
            ["platform"],
            r,
        )
        self._duplicates = Counter(
            "remindbot_duplicate_events_total",
            "Inbound events dropped because their id was seen before (platform retries).",
            ["platform"],
            r,
        )

    def delivered(self, platform: str, channel: str, outcome: str) -> None:
        self._delivered.inc(platform, channel, outcome)

    def lateness(self, seconds: float) -> None:
        self._lateness.observe(seconds)

    def claimed(self, count: int) -> None:
        self._claimed.observe(count)

    def refused(self, code: str) -> None:
        self._refused.inc(code)

    def platform_error(self, platform: str, code: str) -> None:
        self._errors.inc(platform, code)

    def waited(self, platform: str, seconds: float) -> None:
        self._waits.inc(platform)
        self._waited.inc(platform, amount=max(0.0, seconds))

    def reconnected(self, platform: str) -> None:
        self._reconnects.inc(platform)

    def duplicate_event(self, platform: str) -> None:
        self._duplicates.inc(platform)


class ReminderGauge:
    """``remindbot_reminders{state}``: reminders (not deleted) per state.

    Read by one grouped COUNT (``count``) when scraped, at most once per ``ttl``
    seconds; a registry collects synchronously, so ``refresh`` (async) runs
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

    def collect(self) -> Iterator[Family]:
        if self._counts is None:
            return
        family = Family("remindbot_reminders", "gauge", "Reminders (not deleted) in each state.")
        states = [s.value for s in ReminderState]
        for state in [*states, *sorted(set(self._counts) - set(states))]:
            count = float(self._counts.get(state, 0))
            family.samples.append(Sample("remindbot_reminders", {"state": state}, count))
        yield family


def metrics_route(metrics: PromMetrics, gauge: ReminderGauge | None = None) -> Route:
    """``GET /metrics``: the text exposition of ``metrics.registry`` (and ``gauge``)."""
    if gauge is not None:
        metrics.registry.register(gauge)

    async def scrape(_request: Request) -> Response:
        if gauge is not None:
            await gauge.refresh()
        return Response(metrics.registry.exposition(), media_type=CONTENT_TYPE)

    return Route("/metrics", scrape, methods=["GET"])
