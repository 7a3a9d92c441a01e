"""A full minute of platform trouble during a burst, on Slack and on Mattermost, in seconds.

The stand-ins answer every post with 429 (``Retry-After``) or with 500 for 60 seconds
while a burst comes due: 3 people with 5 reminders each, due 3 s apart, and 5 people with
one each. The real Dispatcher, the real gateways and clients and the real pacer deliver
it over real HTTP. What must hold: every reminder arrives once (its occurrence, in Slack's
message metadata or Mattermost's post props, is stored once at the stand-in), none before
its due time, none during the outage, and each person's arrive in order of due time.

No test sleeps a minute: time is fake wherever the bot reads it.

* the dispatcher's and the repository's ``ManualClock``;
* the pacer's ``monotonic`` and ``sleep`` (``Pacer(limits, monotonic=..., sleep=...)``);
* slack_sdk's waits between its own retries of a 500 (``web_client``'s server-error
  handler: the same count, backoff and jitter, slept on the fake clock);
* the stand-ins' outage switch and the times they record calls at (``use_clock``);
* the scheduler's wake-ups: after each drain the next one comes at the next due time,
  at once if something was handled and more is due, or ``RETRY`` later (as
  bot/scheduler.py arms them), all on the fake clock.

A driver moves that one clock from one wake-up to the next once the bot has gone quiet
(no HTTP request or SQL statement in flight, nothing new for a few milliseconds). A sleep
never ends early on the fake clock; if the driver misjudges quiet under load, a wake-up
only comes later than it would have, and every assertion here holds for any such timing.

Not faked: the HTTP clients' time-outs and the dispatcher's delivery timeout (lease / 4,
``asyncio.timeout`` on the event loop's clock, which only bot/core/dispatch.py could
offer to inject). Every answer here is immediate, and a run takes a few real seconds, so
neither fires; the tests check that no delivery was cut off by it. Time-outs (requests
held unanswered) need the client's real timeout, so they stay with the short outages of
tests/adapters/test_pacing_faults.py.

Order holds because of how the dispatcher handles a person's line (bot/core/dispatch.py:
``Dispatcher.handle``'s ``in_turn`` and ``_in_order``). Without it, on Slack with 429s
(Retry-After 5; Mattermost and 500s alike, with other numbers): at second 0 the first
tick claims the reminders due then; U1's first holds U1's turn in the pacer (the FIFO
``Pacer.turn`` the gateway takes per recipient), is refused at 0, 5, ..., 20, spends the
pacer's 20 s of patience and goes back to the dispatcher, which defers it to 25
(``Dispatcher._failed``: ``retry_delay`` is the Retry-After). The tick ends at 20; the
next claimed U1's other four (due 3 to 12), started them all at once, and they queued on
U1's turn; the third had the turn when the outage ended at 60 and was posted first: U1
got 3rd, 4th, 5th, 1st, 2nd (this test was a strict xfail until the fix). Now a person's
deliveries in a batch go one after another in due order, and one that goes back to be
retried makes that person's later ones wait just behind it (deferred to its retry time
plus a microsecond each, reason ``behind_earlier``), in this batch and in the next.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import aiohttp
import httpx
import pytest
from slack_sdk.http_retry.builtin_async_handlers import AsyncServerErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.mattermost.auth import Signer
from bot.adapters.mattermost.client import MattermostClient
from bot.adapters.mattermost.gateway import OCCURRENCE_PROP, MattermostGateway
from bot.adapters.slack import web_client
from bot.adapters.slack.gateway import SlackGateway
from bot.clock import ManualClock
from bot.core.dispatch import Dispatcher
from bot.core.model import OccurrenceState, ReminderState
from bot.core.ports import ChatGateway
from bot.pacing import MATTERMOST_LIMITS, SLACK_LIMITS, Pacer
from bot.scheduler import RETRY
from storage import SqlReminderRepository
from tests.factories import DUE, new_reminder
from tests.herd import Seen, mattermost_seen, slack_seen, text
from tests.servers.limits import Kind
from tests.servers.mattermost import FakeMattermost
from tests.servers.slack import FakeSlack

OUTAGE = 60.0  # seconds of fake time
RETRY_AFTER = 5  # seconds, as each 429 of the outage says
SERIES, EACH, APART = 3, 5, 3.0  # people with several reminders: how many, each, seconds apart
SINGLES = 5  # people with one reminder, due 2 s apart from DUE + 1 s
HORIZON = 900.0  # fake seconds the run may take; everything is delivered long before
REAL_LIMIT = 25.0  # real seconds a run may take: under the dispatcher's delivery timeout
SWEEP = 30.0  # seconds between the scheduler's sweeps (its default)
Platform = Literal["slack", "mattermost"]


class OutOfOrder(AssertionError):
    """A person's reminders arrived in another order than their due times."""


# --- one fake clock ----------------------------------------------------------------------------


class FakeTime:
    """Seconds since ``clock``'s start, moved only by ``advance_to``; ``clock`` follows.

    ``sleep`` waits until the fake time reaches its end (never earlier); ``next_wake`` is
    when the earliest sleeper wakes.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.start = clock.now()
        self.t = 0.0
        self.sleeps = 0  # begun so far: a sign of life for the driver
        self._order = itertools.count()
        self._wakes: list[tuple[float, int, asyncio.Future[None]]] = []

    def monotonic(self) -> float:
        return self.t

    def at(self, seconds: float) -> datetime:
        return self.start + timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._wakes, (self.t + seconds, next(self._order), wake))
        await wake

    def next_wake(self) -> float | None:
        while self._wakes and self._wakes[0][2].done():  # its sleeper was cancelled
            heapq.heappop(self._wakes)
        return self._wakes[0][0] if self._wakes else None

    def advance_to(self, t: float) -> None:
        self.t = max(self.t, t)
        self.clock.set(self.at(self.t))
        while self._wakes and self._wakes[0][0] <= self.t:
            _, _, wake = heapq.heappop(self._wakes)
            if not wake.done():
                wake.set_result(None)


@dataclass
class Activity:
    """HTTP requests and SQL statements of the bot in flight, and how many ever began."""

    in_flight: int = 0
    begun: int = 0

    def begin(self) -> None:
        self.in_flight += 1
        self.begun += 1

    def end(self) -> None:
        self.in_flight -= 1

    def watch_sql(self, engine: AsyncEngine) -> None:
        """A database connection out of the pool counts: a statement or a commit."""
        event.listen(engine.sync_engine, "checkout", lambda *_a: self.begin())
        event.listen(engine.sync_engine, "checkin", lambda *_a: self.end())

    def slack_session(self) -> aiohttp.ClientSession:
        trace = aiohttp.TraceConfig()

        async def begin(*_a: object) -> None:
            self.begin()

        async def end(*_a: object) -> None:
            self.end()

        trace.on_request_start.append(begin)
        trace.on_request_end.append(end)
        trace.on_request_exception.append(end)
        return aiohttp.ClientSession(trace_configs=[trace])


class _Watched(httpx.AsyncBaseTransport):
    """httpx's own transport, each request counted in ``activity`` while it runs."""

    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.activity.begin()
        try:
            response = await self.real.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.activity.end()

    async def aclose(self) -> None:
        await self.real.aclose()


class _ServerErrorsOnFakeTime(AsyncServerErrorRetryHandler):
    """``web_client``'s retries of a 500 (its count, backoff and jitter), waiting on the
    fake clock instead of ``asyncio.sleep``."""

    def __init__(
        self, real: AsyncServerErrorRetryHandler, sleep: Callable[[float], Awaitable[None]]
    ) -> None:
        super().__init__(real.max_retry_count, real.interval_calculator)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self._sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


# --- the stand-ins, seen alike -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostCall:
    """A post call as the stand-in recorded it: when (fake seconds), with what status,
    for which occurrence, to which conversation."""

    at: float
    status: int
    occurrence: str | None
    conversation: str


@dataclass
class Stage:
    """One platform's stand-in and the bot's gateway to it, on the fake clock."""

    platform: Platform
    gateway: ChatGateway
    conversations: list[str]  # each person's DM, in the order of ``people``
    people: list[str]
    post_calls: Callable[[], list[PostCall]]
    seen: Callable[[], Seen]
    start_outage: Callable[[Kind], None]
    close: Callable[[], Awaitable[None]]
    stored: frozenset[int] = field(default_factory=lambda: frozenset({200, 201}))


def _slack_stage(slack: FakeSlack, fake: FakeTime, activity: Activity) -> Stage:
    slack.use_clock(fake.monotonic)
    slack.web.first_ts_micros = int(DUE.timestamp() * 1_000_000)  # find_delivered sees them
    client = web_client("xoxb-test", slack.api_url)
    client.retry_handlers = [
        _ServerErrorsOnFakeTime(h, fake.sleep) if isinstance(h, AsyncServerErrorRetryHandler) else h
        for h in client.retry_handlers
    ]
    session = activity.slack_session()
    client.session = session
    pacer = Pacer(SLACK_LIMITS, monotonic=fake.monotonic, sleep=fake.sleep)
    people = [f"U{i}" for i in range(1, SERIES + SINGLES + 1)]

    def post_calls() -> list[PostCall]:
        found = []
        for call in slack.calls_to("chat.postMessage"):
            meta = call.args.get("metadata") or {}
            occ = (meta.get("event_payload") or {}).get("occurrence")
            channel = "D" + str(call.args.get("channel", ""))[1:]
            found.append(PostCall(call.at, call.status, occ, channel))
        return found

    def outage(kind: Kind) -> None:
        slack.outage.start(kind, OUTAGE, retry_after=RETRY_AFTER)

    return Stage(
        "slack",
        SlackGateway(client, pacer=pacer),
        [f"D{u[1:]}" for u in people],
        people,
        post_calls,
        lambda: slack_seen(slack),
        outage,
        session.close,
    )


async def _mattermost_stage(mm: FakeMattermost, fake: FakeTime, activity: Activity) -> Stage:
    mm.use_clock(fake.monotonic)
    mm.world.now_ms = int(DUE.timestamp() * 1000)  # posts' create_at: find_delivered sees them
    pacer = Pacer(MATTERMOST_LIMITS, monotonic=fake.monotonic, sleep=fake.sleep)
    client = MattermostClient(mm.url, mm.bot_token, transport=_Watched(activity), pacer=pacer)
    gateway = MattermostGateway(client, Signer("minute-secret", fake.clock), f"{mm.url}/actions")
    await gateway.start()
    people = [mm.add_user(f"user{i}") for i in range(SERIES + SINGLES)]
    conversations = [mm.dm_with(u) for u in people]

    def post_calls() -> list[PostCall]:
        found = []
        for call in mm.calls_to("create_post"):
            body = call.body if isinstance(call.body, dict) else {}
            occ = (body.get("props") or {}).get(OCCURRENCE_PROP)
            found.append(PostCall(call.at, call.status, occ, str(body.get("channel_id"))))
        return found

    def outage(kind: Kind) -> None:
        mm.recorder.outage.start(kind, OUTAGE, retry_after=RETRY_AFTER)

    return Stage(
        "mattermost",
        gateway,
        conversations,
        people,
        post_calls,
        lambda: mattermost_seen(mm, conversations),
        outage,
        client.close,
    )


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as fake:
        yield fake


# --- the burst and the run ---------------------------------------------------------------------


def _burst() -> Iterator[tuple[int, int, float]]:
    """(person, n, seconds after DUE it is due): the series first, then the singles."""
    for person in range(SERIES):
        for n in range(EACH):
            yield person, n, n * APART
    for k in range(SINGLES):
        yield SERIES + k, 0, 1.0 + 2.0 * k


async def _add_burst(repo: SqlReminderRepository, stage: Stage) -> dict[str, float]:
    """The burst's reminders; each one's herd name -> seconds after DUE it is due."""
    due: dict[str, float] = {}
    for person, n, offset in _burst():
        user = stage.people[person]
        key = f"{stage.platform}:T1:{user}"
        new = new_reminder(
            owner=key,
            created_by=key,
            platform=stage.platform,
            target_ref=user,
            conversation="",
            message=text(person, n),
            next_due=DUE + timedelta(seconds=offset),
        )
        await repo.add(new, DUE - timedelta(hours=1))
        due[text(person, n)] = offset
    return due


async def _quiet(activity: Activity, fake: FakeTime, stage: Stage) -> None:
    """Return once nothing is in flight and nothing new began for three looks in a row."""
    last: tuple[int, ...] = ()
    still = 0
    while still < 3:
        await asyncio.sleep(0.001)
        now = (activity.begun, activity.in_flight, fake.sleeps, len(stage.post_calls()))
        still = still + 1 if now == last and activity.in_flight == 0 else 0
        last = now


async def _run(
    repo: SqlReminderRepository, fake: FakeTime, activity: Activity, stage: Stage, kind: Kind
) -> Dispatcher:
    """The outage from fake second 0 (DUE) for ``OUTAGE`` s, the burst coming due, and the
    dispatcher woken as the scheduler wakes it, until ``HORIZON`` fake seconds."""
    dispatcher = Dispatcher(repo, {stage.platform: stage.gateway}, fake.clock)
    platforms = (stage.platform,)

    async def scheduler() -> None:
        while True:
            handled = await dispatcher.drain()
            nxt = await repo.next_due(platforms=platforms)
            now = fake.clock.now()
            if nxt is None:
                wait = SWEEP
            elif nxt > now:
                wait = min((nxt - now).total_seconds(), SWEEP)
            else:
                wait = 0.0 if handled else RETRY.total_seconds()
            await fake.sleep(wait)

    stage.start_outage(kind)
    ticks = asyncio.create_task(scheduler())
    try:
        async with asyncio.timeout(REAL_LIMIT):
            while fake.t < HORIZON:
                await _quiet(activity, fake, stage)
                wake = fake.next_wake()
                if wake is not None:  # else something the driver does not see is busy
                    fake.advance_to(wake)
    finally:
        ticks.cancel()
        await asyncio.gather(ticks, return_exceptions=True)
    return dispatcher


# --- what must hold ----------------------------------------------------------------------------


@dataclass
class Minute:
    """What a run left: the stand-in's post calls, the stored posts, the repository's
    occurrences, each occurrence's due time (fake seconds) and the dispatcher's deferrals."""

    stage: Stage
    kind: Kind
    due: dict[str, float]  # herd name -> fake seconds
    calls: list[PostCall]
    occurrences: dict[str, tuple[OccurrenceState, float]]  # id -> state, due (fake s)
    deferrals: list[str]

    @property
    def refusal(self) -> int:
        return 429 if self.kind == "ratelimit" else 500

    @property
    def stored(self) -> list[PostCall]:
        return [c for c in self.calls if c.status in self.stage.stored]

    @property
    def refused(self) -> list[PostCall]:
        return [c for c in self.calls if c.status == self.refusal]


async def _minute(
    platform: Platform,
    kind: Kind,
    repo: SqlReminderRepository,
    engine: AsyncEngine,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    slack: FakeSlack,
    mm: FakeMattermost,
) -> Minute:
    clock.set(DUE)
    fake = FakeTime(clock)
    activity = Activity()
    activity.watch_sql(engine)
    if platform == "slack":
        stage = _slack_stage(slack, fake, activity)
    else:
        stage = await _mattermost_stage(mm, fake, activity)
    caplog.set_level(logging.WARNING, logger="bot.core.dispatch")
    try:
        due = await _add_burst(repo, stage)
        await _run(repo, fake, activity, stage, kind)
    finally:
        await stage.close()
    occurrences = {}
    for rem in await repo.list_for(None, list(ReminderState)):
        for occ in await repo.occurrences(rem.id):
            offset = (occ.due_at - fake.start).total_seconds()
            occurrences[str(occ.id)] = (occ.state, offset)
    deferrals = [r.getMessage() for r in caplog.records if "retry at" in r.getMessage()]
    return Minute(stage, kind, due, stage.post_calls(), occurrences, deferrals)


def _retry_after_obeyed(calls: list[PostCall], platform: Platform) -> None:
    """No post to a conversation (Slack) or by the bot at all (Mattermost: its 429 is for
    the whole bot) before the ``Retry-After`` of the last 429 ran out; calls at the same
    fake instant as the 429 were sent before its answer came back."""
    paused: dict[str, tuple[float, float]] = {}
    for call in sorted(calls, key=lambda c: c.at):
        scope = call.conversation if platform == "slack" else "bot"
        refused_at, until = paused.get(scope, (0.0, 0.0))
        assert not refused_at < call.at < until, (scope, call.at, until)
        if call.status == 429:
            paused[scope] = (call.at, call.at + RETRY_AFTER)


# --- the tests ---------------------------------------------------------------------------------

PLATFORMS = pytest.mark.parametrize("platform", ["slack", "mattermost"])
KINDS = pytest.mark.parametrize("kind", ["ratelimit", "error"])


@PLATFORMS
@KINDS
async def test_a_minute_of_429s_or_500s_delivers_everything_once_after_it(
    platform: Platform,
    kind: Kind,
    slack: FakeSlack,
    mm: FakeMattermost,
    repo: SqlReminderRepository,
    engine: AsyncEngine,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = await _minute(platform, kind, repo, engine, clock, caplog, slack, mm)

    # A minute of refusals from its first second, and the bot kept trying all through it
    # (refused in each of its six 10-second stretches), and nothing else went wrong.
    refused = run.refused
    assert refused and min(c.at for c in refused) == 0.0
    assert {int(c.at // 10) for c in refused} >= set(range(int(OUTAGE // 10))), refused
    assert all(c.status in (run.refusal, *run.stage.stored) for c in run.calls)
    # Everything arrived, once, after the outage, none before its due time.
    stored = run.stored
    assert len(run.occurrences) == len(run.due)
    assert sorted(str(c.occurrence) for c in stored) == sorted(run.occurrences)
    assert all(state is OccurrenceState.SENT for state, _ in run.occurrences.values())
    seen = run.stage.seen()
    assert seen.duplicated == 0 and sum(seen.occurrences.values()) == len(run.due)
    assert min(c.at for c in stored) >= OUTAGE
    assert not [c for c in stored if c.at < run.occurrences[str(c.occurrence)][1]]
    if kind == "ratelimit":
        _retry_after_obeyed([*stored, *refused], platform)
    # The dispatcher's real-time delivery timeout never cut a delivery off: this run is
    # the one the fake clock tells.
    assert run.deferrals and not [d for d in run.deferrals if ": timeout," in d]


@PLATFORMS
@KINDS
async def test_a_minute_of_429s_or_500s_keeps_each_persons_order_of_due_time(
    platform: Platform,
    kind: Kind,
    slack: FakeSlack,
    mm: FakeMattermost,
    repo: SqlReminderRepository,
    engine: AsyncEngine,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = await _minute(platform, kind, repo, engine, clock, caplog, slack, mm)

    seen = run.stage.seen()
    assert sum(seen.occurrences.values()) == len(run.due)  # else another test fails
    for person, conversation in enumerate(run.stage.conversations):
        arrived = seen.posts.get(conversation, [])
        mine = [name for name in run.due if name.startswith(f"herd {person:05d}-")]
        wanted = sorted(mine, key=run.due.__getitem__)
        if arrived != wanted:
            raise OutOfOrder(f"{conversation}: {arrived}, due {wanted}; {run.deferrals}")
