"""While ``remindbot run`` waits for its database: ``/healthz`` answers 503 with the reason.

A replica started before its database retries with backoff (bot/startup.py). Meanwhile
its port is not silent: an orchestrator's probe, the image's HEALTHCHECK or a person with
curl gets 503 and the body ``bot.health`` gives when the database is down, the reason
being the last attempt's sentence; every other path gets 503 too (a platform retries an
event that got no 200). Plain asyncio and the standard library: the app, its HTTP stack
and its settings' database are not there yet. The real server takes the port once the
database answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

log = logging.getLogger(__name__)
READ_TIMEOUT_S = 5.0
MAX_HEAD = 16 * 1024  # bytes of request line and headers read; more is not a request of ours


class Waiting:
    """A tiny HTTP/1.1 responder on ``host:port`` until ``close``."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reason = "waiting for the database"
        self._server: asyncio.Server | None = None
        self._tried = False  # opened once (a port that was taken is not tried again)

    async def heard(self, sentence: str) -> None:
        """A failed start attempt's sentence (``with_retries``'s ``on_retry``): answer with
        it from now on, listening from the first (a start whose database answers at once
        never binds the port before the real server)."""
        self.reason = sentence
        if self._server is None and not self._tried:
            self._tried = True
            await self.open()

    async def open(self) -> None:
        """Listen; a port that is taken is logged and left alone (the real server will
        say so in its own words when it starts)."""
        try:
            self._server = await asyncio.start_server(
                self._answer, self.host, self.port, limit=MAX_HEAD
            )
        except OSError as error:
            log.warning("cannot answer /healthz on %s:%s while waiting: %s", *self.where, error)

    @property
    def where(self) -> tuple[str, int]:
        return self.host, self.port

    @property
    def bound_port(self) -> int | None:
        """The port it listens on (``port`` 0 picks one), ``None`` when not listening."""
        if self._server is None or not self._server.sockets:
            return None
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def body(self) -> bytes:
        checks = {"process": {"ok": True}, "database": {"ok": False, "reason": self.reason}}
        return json.dumps({"status": "unhealthy", "checks": checks}).encode()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(READ_TIMEOUT_S):
                await reader.readuntil(b"\r\n\r\n")
            body = self.body()
            head = (
                "HTTP/1.1 503 Service Unavailable\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n"
                "Retry-After: 5\r\n"
                "Connection: close\r\n\r\n"
            )
            writer.write(head.encode("ascii") + body)
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass  # not a whole request in time, or the peer left: close without an answer
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
