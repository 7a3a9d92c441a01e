"""A real webhook receiver on 127.0.0.1:0 (aiohttp), as a service behind a webhook is.

It reads the raw body, checks ``X-Remindbot-Signature`` over those bytes with
``bot.adapters.webhook.verify`` (at the test's clock, which also signs), and that
``X-Remindbot-Delivery`` names the delivery the body is about; a request failing either
is answered 401 or 400 (so the bot records a permanent failure and the test sees it).
Otherwise it answers from ``answers`` in turn (then 200), keeping every request.

    async with Receiver(SECRET, clock) as hook:
        hook.answers = [500]
        ... hook.url ...
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.adapters.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify
from bot.core.ports import Clock

SECRET = "whsec-test-7f3a"


@dataclass(frozen=True, slots=True)
class Received:
    """One request, as it arrived: the path, the raw body, the headers (lower-case)."""

    path: str
    body: bytes
    headers: dict[str, str]
    status: int  # what the receiver answered

    @property
    def payload(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found

    @property
    def signature(self) -> dict[str, str]:
        """The signature header's parts: ``{"t": "...", "v1": "..."}``."""
        parts = self.headers[SIGNATURE_HEADER.lower()].split(",")
        return dict(part.split("=", 1) for part in parts)

    @property
    def delivery(self) -> str:
        return self.headers[DELIVERY_HEADER.lower()]


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    """Paths: ``/hook`` (and any other) answer as set; ``/moved`` redirects to ``/hook``;
    ``/slow`` answers after ``slow_seconds``."""

    def __init__(self, secret: str, clock: Clock) -> None:
        self.secret = secret
        self.clock = clock
        self.answers: list[int | Answer] = []
        self.got: list[Received] = []
        self.slow_seconds = 1.0
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/hook"

    def at(self, path: str) -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        answer = self._check(request, body) or self._next(request.path)
        self.got.append(Received(request.path, body, headers, answer.status))
        if request.path == "/slow":
            await asyncio.sleep(self.slow_seconds)
        if request.path == "/moved":
            return web.Response(status=307, headers={"Location": self.url})
        return web.Response(status=answer.status, headers=answer.headers)

    def _check(self, request: web.Request, body: bytes) -> Answer | None:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if request.method != "POST" or not verify(
            self.secret, signature, body, self.clock.now().timestamp()
        ):
            return Answer(401)
        try:
            about = json.loads(body).get("delivery_id")
        except ValueError:
            return Answer(400)
        if request.headers.get(DELIVERY_HEADER) != about:
            return Answer(400)
        return None

    def _next(self, path: str) -> Answer:
        if path == "/moved":
            return Answer(307)
        if not self.answers:
            return Answer(200)
        given = self.answers.pop(0)
        return given if isinstance(given, Answer) else Answer(given)

    def sent_to(self, path: str = "/hook") -> list[Received]:
        return [r for r in self.got if r.path == path]
