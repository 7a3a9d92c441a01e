"""The websocket listener against the stand-in: events, reconnects, backoff, close.

The listener's ``sleep`` is injected: it records each delay and returns at once, so no
test waits for the wall clock; waits are on events the stand-in or the sleep signal.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.adapters.mattermost.backoff import Backoff
from bot.adapters.mattermost.client import MattermostClient
from bot.adapters.mattermost.websocket import WebsocketListener, decode
from tests.servers.mattermost import FakeMattermost

JSON = dict[str, Any]
HALF = 0.5  # a "random" source that always draws the middle of the interval


class Signal:
    """Counts calls and lets a test wait for the n-th, without polling."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Event()

    def fire(self) -> None:
        self.count += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, count: int, timeout: float = 5) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while self.count < count:
                await self._changed.wait()


class Sleeps(Signal):
    """The injected sleep: records each delay, yields once, returns."""

    def __init__(self) -> None:
        super().__init__()
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.fire()
        await asyncio.sleep(0)


class Connected(Signal):
    """The ``on_connect`` callback; ``fail_first`` times it raises."""

    def __init__(self, fail_first: int = 0) -> None:
        super().__init__()
        self._failures = fail_first

    async def __call__(self) -> None:
        self.fire()
        if self._failures:
            self._failures -= 1
            raise RuntimeError("catch-up failed")


@pytest.fixture
async def mm() -> AsyncIterator[FakeMattermost]:
    async with FakeMattermost() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def connected() -> Connected:
    return Connected()


@pytest.fixture
async def listener(
    mm: FakeMattermost, sleeps: Sleeps, connected: Connected
) -> AsyncIterator[WebsocketListener]:
    backoff = Backoff(random=lambda: HALF)
    listener = WebsocketListener(
        mm.ws_url, mm.bot_token, on_connect=connected, backoff=backoff, sleep=sleeps
    )
    yield listener
    await listener.close()


async def next_event(stream: AsyncIterator[JSON]) -> JSON:
    return await asyncio.wait_for(anext(stream), 5)


async def test_events_arrive_decoded_after_on_connect_and_auth_is_by_header(
    mm: FakeMattermost, listener: WebsocketListener, connected: Connected
) -> None:
    alice = mm.add_user("alice")
    stream = listener.events()
    await connected.wait(1)
    stored = mm.user_posts_dm(alice, "remind me at 5pm")

    event = await next_event(stream)

    assert event["event"] == "posted"
    assert event["data"]["post"]["id"] == stored["id"]
    assert event["data"]["post"]["message"] == "remind me at 5pm"
    assert event["data"]["mentions"] == [mm.bot_id]
    assert event["data"]["channel_type"] == "D"
    assert mm.hub.authenticated == ["header"]
    assert listener.connection_id == mm.hub.open[0].connection_id


async def test_the_bots_own_posts_come_back_as_events(mm: FakeMattermost) -> None:
    alice = mm.add_user("alice")
    client = MattermostClient(mm.url, mm.bot_token, timeout=2)
    connected = Connected()
    stream = client.events(connected, sleep=Sleeps())
    events = asyncio.ensure_future(next_event(stream))
    await connected.wait(1)

    await client.create_post((await client.direct_channel(alice))["id"], "Reminder: stretch")

    assert (await events)["data"]["post"]["user_id"] == mm.bot_id
    await client.close()
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


async def test_an_abrupt_drop_reconnects_after_a_backoff_and_catches_up_again(
    mm: FakeMattermost, listener: WebsocketListener, sleeps: Sleeps, connected: Connected
) -> None:
    stream = listener.events()
    await connected.wait(1)

    await mm.drop_connections()  # 1006, no close frame
    await connected.wait(2)
    alice = mm.add_user("alice")
    mm.user_posts_dm(alice, "still there?")

    assert (await next_event(stream))["data"]["post"]["message"] == "still there?"
    assert sleeps.delays == [1.5]
    assert (mm.connections, listener.connects) == (2, 2)


async def test_accepted_then_dropped_connections_back_off_more_each_time(
    mm: FakeMattermost, listener: WebsocketListener, sleeps: Sleeps, connected: Connected
) -> None:
    mm.drop_next_connections(2, before_hello=True)
    mm.drop_next_connections(3)  # after hello
    listener.events()

    await mm.wait_connected(count=4)
    await connected.wait(4)

    assert sleeps.delays == [1.5, 3.0, 6.0, 12.0, 24.0]
    assert mm.connections == 6
    assert connected.count == 4  # no hello, no catch-up: only 3 dropped ones and the last


async def test_a_connection_that_delivered_events_resets_the_backoff(
    mm: FakeMattermost, listener: WebsocketListener, sleeps: Sleeps, connected: Connected
) -> None:
    alice = mm.add_user("alice")
    mm.drop_next_connections(2)
    stream = listener.events()
    await connected.wait(3)
    mm.user_posts_dm(alice, "hi")
    await next_event(stream)

    await mm.drop_connections()
    await connected.wait(4)

    assert sleeps.delays == [1.5, 3.0, 1.5]


async def test_a_connection_that_stayed_up_a_while_resets_the_backoff(
    mm: FakeMattermost, sleeps: Sleeps, connected: Connected
) -> None:
    now = [0.0]
    listener = WebsocketListener(
        mm.ws_url,
        mm.bot_token,
        on_connect=connected,
        backoff=Backoff(random=lambda: HALF),
        sleep=sleeps,
        clock=lambda: now[0],
        stable_after=60,
    )
    mm.drop_next_connections(2)
    listener.events()
    await connected.wait(3)

    await mm.drop_connections()  # up for no time at all: the backoff keeps growing
    await connected.wait(4)
    now[0] += 60
    await mm.drop_connections()  # up for a minute: it starts over
    await connected.wait(5)

    assert sleeps.delays == [1.5, 3.0, 6.0, 1.5]
    await listener.close()


async def test_refused_connections_are_retried_with_growing_delays(
    mm: FakeMattermost, listener: WebsocketListener, sleeps: Sleeps, connected: Connected
) -> None:
    mm.refuse_connections(times=3)
    listener.events()

    await connected.wait(1)

    assert sleeps.delays == [1.5, 3.0, 6.0]
    assert (mm.hub.attempts, listener.attempts, mm.connections) == (4, 4, 1)


async def test_a_failed_catch_up_drops_the_connection_to_try_again(mm: FakeMattermost) -> None:
    connected, sleeps = Connected(fail_first=1), Sleeps()
    listener = WebsocketListener(mm.ws_url, mm.bot_token, on_connect=connected, sleep=sleeps)
    listener.events()

    await connected.wait(2)

    assert mm.connections == 2 and len(sleeps.delays) == 1
    await listener.close()


async def test_no_hello_counts_as_a_failed_connection(mm: FakeMattermost, sleeps: Sleeps) -> None:
    listener = WebsocketListener(
        mm.ws_url,
        "not-the-token",
        sleep=sleeps,
        hello_timeout=0.05,
        backoff=Backoff(random=lambda: HALF),
    )
    stream = listener.events()

    await sleeps.wait(2)
    await listener.close()

    assert sleeps.delays[:2] == [1.5, 3.0]
    assert mm.hub.authenticated == []
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


@pytest.mark.parametrize("how", ["refused", "nothing listening", "sleeping"])
async def test_close_stops_the_listener_while_connects_keep_failing(
    mm: FakeMattermost, how: str
) -> None:
    sleeps = Sleeps()
    url = mm.ws_url
    sleep: Callable[[float], Any] = sleeps
    if how == "nothing listening":
        await mm.stop()
    elif how == "sleeping":
        sleep = _sleep_forever(sleeps)
    mm.refuse_connections()  # until told otherwise
    listener = WebsocketListener(url, mm.bot_token, sleep=sleep)
    stream = listener.events()
    await sleeps.wait(1 if how == "sleeping" else 3)

    await asyncio.wait_for(listener.close(), 1)

    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    attempts = listener.attempts
    await asyncio.sleep(0)
    assert listener.attempts == attempts


async def test_an_unexpected_failure_ends_the_iteration_loudly(mm: FakeMattermost) -> None:
    async def broken_sleep(delay: float) -> None:
        raise RuntimeError("no clock today")

    mm.refuse_connections(times=1)
    listener = WebsocketListener(mm.ws_url, mm.bot_token, sleep=broken_sleep)

    with pytest.raises(RuntimeError, match="no clock today"):
        await next_event(listener.events())
    await listener.close()


def _sleep_forever(sleeps: Sleeps) -> Callable[[float], Any]:
    async def sleep(delay: float) -> None:
        await sleeps(delay)
        await asyncio.Event().wait()

    return sleep


# --- pure parts ------------------------------------------------------------------------------


def test_backoff_delays_grow_and_are_jittered_within_bounds() -> None:
    backoff = Backoff(random=random.Random(7).random)
    other = Backoff(random=random.Random(8).random)

    delays = [backoff.next_delay() for _ in range(10)]

    assert [backoff.bounds(n) for n in range(7)] == [
        (1, 2),
        (2, 4),
        (4, 8),
        (8, 16),
        (16, 32),
        (30, 60),
        (30, 60),
    ]
    assert all(
        low <= d <= high
        for d, (low, high) in zip(delays, map(backoff.bounds, range(10)), strict=True)
    )
    assert delays[:5] == sorted(delays[:5])
    assert delays != [other.next_delay() for _ in range(10)]
    backoff.reset()
    assert 1 <= backoff.next_delay() <= 2
    assert backoff.bounds(10_000) == (30, 60)


def test_decode_unpacks_nested_json_and_skips_replies() -> None:
    raw = '{"event":"posted","data":{"post":"{\\"id\\":\\"p1\\"}","mentions":"[\\"u1\\"]"},"seq":3}'

    event = decode(raw)

    assert event is not None
    assert event["data"] == {"post": {"id": "p1"}, "mentions": ["u1"]}
    assert decode('{"status":"OK","seq_reply":1}') is None
    assert decode("not json") is None
