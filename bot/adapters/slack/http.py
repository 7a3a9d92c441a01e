"""HTTP mode's front door: Slack's signature and the body's shape, checked before bolt.

https://api.slack.com/authentication/verifying-requests-from-slack: the signature is an
HMAC-SHA256 of ``v0:<timestamp>:<body>`` and the timestamp must be within 5 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.adapters.slack.payloads import body_problem

log = logging.getLogger(__name__)
Endpoint = Callable[[Request], Awaitable[Response]]


WINDOW_S = 5 * 60


def is_signed(
    secret: str, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> bool:
    """Whether ``signature`` is Slack's ``v0=`` HMAC of this body at this timestamp, and
    the timestamp is within five minutes of ``now``.

    Done over the raw bytes: slack_sdk's verifier raises on a timestamp that is not a
    number and on a body that is not UTF-8, which made unsigned junk a 500.
    """
    # Headers arrive as latin-1 text: anything else than ASCII digits (other scripts'
    # digits pass isdigit) or an ASCII signature is no signature of ours, not a 500.
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature.isascii():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > WINDOW_S:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def events_endpoint(bolt: AsyncApp, secret: str) -> Endpoint:
    """The ``/slack/events`` endpoint: 401 unless signed, 400 unless a payload, else bolt."""
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        body = await request.body()
        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not is_signed(secret, body, timestamp, signature):
            log.info("refused a Slack request without a valid signature")
            return JSONResponse({"error": "invalid request"}, status_code=401)
        problem = body_problem(body, request.headers.get("content-type", ""))
        if problem is not None:
            log.warning("refused a signed Slack request: %s", problem)
            return JSONResponse({"error": "malformed request", "detail": problem}, 400)
        response: Response = await handler.handle(request)
        return response

    return events
