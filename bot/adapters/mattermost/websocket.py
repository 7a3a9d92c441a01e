"""Mattermost's event stream (``/api/v4/websocket``) with our own reconnect policy.

websockets' own reconnecting iterator backs off only when a connect *fails*; a server
that accepts and then drops reconnects at once (48 connects in 12 s, platform notes
section 1). So every end of a connection here waits a jittered, growing delay, and the
delays start over only after a connection proved healthy: it delivered an event, or it
stayed up ``stable_after`` seconds. Every reconnect may have lost events (we do not use
the server's ``connection_id`` replay), so ``on_connect`` runs after each ``hello`` for
the caller to catch up, e.g. with ``posts_since``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from bot.adapters.mattermost.backoff import Backoff
from bot.core.ports import NO_METRICS, Metrics

log = logging.getLogger(__name__)
JSON = dict[str, Any]
OnConnect = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]
# Event fields the server sends as JSON inside the JSON (posted: post, mentions, followers).
_NESTED_JSON = ("post", "mentions", "followers")
_CLOSED = object()


class _NoHello(Exception):
    """The server never said hello: most likely the token is not valid."""


class _CatchUpFailed(Exception):
    """``on_connect`` raised; the connection is dropped so it runs again after a reconnect."""


class _Life:
    """What one connection did, to judge whether it was healthy."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.delivered = 0


class WebsocketListener:
    """Connects as the bot, yields events, and reconnects until ``close()``.

    Args:
        url: ``ws(s)://host/api/v4/websocket``.
        token: the bot token, sent as ``Authorization: Bearer``; never logged.
        on_connect: awaited after each ``hello``, before further events are read.
        backoff: the delays between connections (default 1 s to 60 s, jittered).
        sleep: how to wait out a delay; tests pass one that returns at once.
        clock: monotonic seconds, for ``stable_after``.
        open_timeout: seconds for the TCP, TLS and websocket handshakes.
        hello_timeout: seconds to wait for ``hello`` after the handshake.
        stable_after: seconds up after which a connection counts as healthy.
        metrics: told of every connection after the first (a reconnect).
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        on_connect: OnConnect | None = None,
        backoff: Backoff | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        open_timeout: float = 10.0,
        hello_timeout: float = 10.0,
        stable_after: float = 60.0,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {token}"}
        self._on_connect = on_connect
        self._backoff = backoff or Backoff()
        self._sleep, self._clock = sleep, clock
        self._open_timeout, self._hello_timeout = open_timeout, hello_timeout
        self._stable_after = stable_after
        self._metrics = metrics
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=1000)
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._failure: Exception | None = None
        self.attempts = 0  # connection attempts
        self.connects = 0  # connections that got hello
        self.connection_id = ""
        self.connected = False  # between hello and the connection's end (/healthz reads it)

    def events(self) -> AsyncIterator[JSON]:
        """Start listening (call it once); iterate for each event but ``hello``, decoded,
        with ``data.post`` a dict. The iteration ends on ``close()``, and raises what
        stopped the listener if something unexpected did."""
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name="mattermost-websocket")
        return self._drain()

    async def _drain(self) -> AsyncIterator[JSON]:
        while not self._closed:
            item = await self._queue.get()
            if self._failure is not None:
                raise self._failure
            if item is _CLOSED or self._closed:
                return
            assert isinstance(item, dict)
            yield item

    async def close(self) -> None:
        """Stop for good, whatever the connection is doing (connecting, waiting, reading)."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_CLOSED)

    # --- the loop ----------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._reconnect_forever()
        except Exception as error:  # a bug, or the injected sleep failing: do not hang
            log.exception("Mattermost websocket listener stopped")
            self._failure = error
            self._queue.put_nowait(_CLOSED)

    async def _reconnect_forever(self) -> None:
        while not self._closed:
            life = _Life()
            reason = await self._connection(life)
            if self._healthy(life):
                self._backoff.reset()
            delay = self._backoff.next_delay()
            log.warning("Mattermost websocket %s; reconnecting in %.1f s", reason, delay)
            await self._sleep(delay)

    async def _connection(self, life: _Life) -> str:
        """Run one connection to its end; say why it ended."""
        self.attempts += 1
        try:
            async with connect(
                self._url, additional_headers=self._headers, open_timeout=self._open_timeout
            ) as ws:
                await self._serve(ws, life)
            return "closed"
        except (OSError, TimeoutError, WebSocketException, _NoHello, _CatchUpFailed) as error:
            return _describe(error)
        finally:
            self.connected = False

    async def _serve(self, ws: ClientConnection, life: _Life) -> None:
        await self._await_hello(ws)
        life.started = self._clock()
        self.connects += 1
        if self.connects > 1:
            self._metrics.reconnected("mattermost")
        self.connected = True
        log.info("Mattermost websocket connected (%s)", self.connection_id)
        await self._catch_up()
        async for raw in ws:
            event = decode(raw)
            if event is not None:
                life.delivered += 1
                await self._queue.put(event)

    async def _await_hello(self, ws: ClientConnection) -> None:
        try:
            async with asyncio.timeout(self._hello_timeout):
                hello = await _next_hello(ws)
        except TimeoutError:
            raise _NoHello(f"no hello within {self._hello_timeout} s") from None
        data = hello.get("data")
        self.connection_id = str(data.get("connection_id", "")) if isinstance(data, dict) else ""

    async def _catch_up(self) -> None:
        if self._on_connect is None:
            return
        try:
            await self._on_connect()
        except Exception as error:  # the caller's code: whatever it raised, retry it later
            log.warning("Mattermost on_connect failed: %s", type(error).__name__)
            raise _CatchUpFailed(type(error).__name__) from error

    def _healthy(self, life: _Life) -> bool:
        if life.delivered:
            return True
        return life.started is not None and self._clock() - life.started >= self._stable_after


def decode(raw: str | bytes) -> JSON | None:
    """An event with its nested JSON strings decoded; ``None`` for anything else (replies
    to our requests, which carry ``seq_reply`` and no ``event``, or unreadable frames)."""
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("event"), str):
        return None
    data = message.get("data")
    if isinstance(data, dict):
        for key in _NESTED_JSON:
            if isinstance(data.get(key), str):
                with contextlib.suppress(ValueError):
                    data[key] = json.loads(data[key])
    return message


async def _next_hello(ws: ClientConnection) -> JSON:
    while True:
        event = decode(await ws.recv())
        if event is not None and event["event"] == "hello":
            return event


def _describe(error: BaseException) -> str:
    if isinstance(error, ConnectionClosed):
        return f"closed ({error.rcvd.code if error.rcvd else 1006})"
    if isinstance(error, InvalidStatus):
        return f"refused (HTTP {error.response.status_code})"
    if isinstance(error, _NoHello):
        return "got no hello (is the token valid?)"
    return f"failed ({type(error).__name__})"
