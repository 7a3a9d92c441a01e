"""The one ASGI app for everything that arrives over HTTP.

``/healthz`` plus the routes the configured parts bring (Slack events, Mattermost
callbacks, the REST API). It knows nothing of the composition root: ``bot.app`` hands it
the routes and a health check.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# Slack's and Mattermost's payloads are a few kilobytes; nothing we serve needs more.
MAX_BODY = 1024 * 1024
HealthCheck = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]


def create_http_app(
    routes: Sequence[BaseRoute] = (),
    *,
    health: HealthCheck,
    max_body: int = MAX_BODY,
    accepting: Callable[[], bool] = lambda: True,
) -> ASGIApp:
    """The app: ``/healthz`` (``health``'s body: 200, or 503 when it says not ok) and
    ``routes``, every request body limited to ``max_body`` bytes (413 beyond); 503 to every
    request once ``accepting()`` is false (the process is stopping, bot/shutdown.py)."""

    async def healthz(_request: Request) -> Response:
        ok, body = await health()
        return JSONResponse(body, status_code=200 if ok else 503)

    async def not_found(_request: Request, _error: Exception) -> Response:
        # In the API's shape (a path no route takes: one whose text has a newline
        # matches no mount), not Starlette's plain text.
        body = {"detail": {"code": "not_found", "message": "Not Found"}}
        return JSONResponse(body, status_code=404)

    app = Starlette(
        routes=[Route("/healthz", healthz), *routes], exception_handlers={404: not_found}
    )
    return Stopping(BodyLimit(app, max_body), accepting)


class Stopping:
    """Answers 503 to every request while the process stops: an event taken now might
    not be answered before the process ends, and the platform retries elsewhere (Slack
    redelivers an event that got no 200; a load balancer's health check sees 503)."""

    def __init__(self, app: ASGIApp, accepting: Callable[[], bool]) -> None:
        self.app = app
        self.accepting = accepting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.accepting():
            await self.app(scope, receive, send)
            return
        body = b'{"error": "shutting down"}'
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body)),
            (b"retry-after", b"1"),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Answers 413 to a body over ``max_bytes``, counting while it arrives.

    A ``Content-Length`` over the limit is refused before anything is read; a chunked
    body is cut off as soon as it passes the limit, so a large upload never sits in
    memory (three unsigned 200 MB POSTs once grew the process to 2.3 GB before the
    signature check could refuse them).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await _too_large(send)
            return
        seen = 0
        started = refused = False

        async def limited() -> Message:
            # Past the limit, we answer 413 and tell the app the client went away.
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    log.info("refused a request body over %d bytes", self.max_bytes)
                    if not started:
                        await _too_large(send)
            return {"type": "http.disconnect"} if refused else message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is the answer; what the app says after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except Exception:
            if not refused:
                raise


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


async def _too_large(send: Send) -> None:
    body = b'{"error": "request body too large"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
