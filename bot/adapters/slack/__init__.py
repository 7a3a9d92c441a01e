"""Slack: slack-bolt's AsyncApp in Socket Mode or HTTP mode, over our core."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import Route

from bot.adapters.slack.gateway import PLATFORM, SlackGateway
from bot.adapters.slack.http import events_endpoint
from bot.adapters.slack.listeners import SlackListeners
from bot.core.chat import ChatFront
from bot.core.ports import NO_METRICS, Metrics

log = logging.getLogger(__name__)
DEFAULT_API_URL = "https://slack.com/api/"


class _ClientGiven(logging.Filter):
    """Drops bolt's "As you gave `client` as well, `token` will be unused." warning.

    Given no token, ``AsyncApp`` reads ``SLACK_BOT_TOKEN`` from the environment itself
    and then warns that it will not use it, because we pass the client (with its retry
    handlers) on purpose. Every start logged it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_ClientGiven())


class _LeavesPostsAlone(AsyncRetryHandler):
    """A slack_sdk retry handler that never retries chat.postMessage: the gateway does,
    pacing 429s per channel and looking in the conversation after a 5xx or a dropped
    connection (Slack may have stored the message before its answer failed; a blind
    retry posted it twice)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _posts(request):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


class _CountedRateLimits(_LeavesPostsAlone, AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (it sleeps ``Retry-After``, then retries), telling
    ``metrics`` each wait and the seconds Slack asked for; except for chat.postMessage:
    the gateway's pacer handles those, pausing the channel for every post instead of one
    request sleeping alone."""

    def __init__(self, metrics: Metrics, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    async def prepare_for_next_attempt_async(self, **kwargs: Any) -> None:
        response = kwargs.get("response")
        if response is not None:
            asked = next(
                (v for k, v in response.headers.items() if k.lower() == "retry-after"), None
            )
            self.metrics.waited(PLATFORM, _seconds(asked))
        await super().prepare_for_next_attempt_async(**kwargs)


def _posts(request: HttpRequest) -> bool:
    """Whether ``request`` posts a message: not to be retried blindly by slack_sdk."""
    return request.url.rstrip("/").endswith("/chat.postMessage")


class _ServerErrors(_LeavesPostsAlone, AsyncServerErrorRetryHandler):
    """slack_sdk's 5xx retries, except for chat.postMessage (``_LeavesPostsAlone``)."""


class _ConnectionErrors(_LeavesPostsAlone, AsyncConnectionErrorRetryHandler):
    """slack_sdk's retries of dropped connections, except for chat.postMessage."""


def _seconds(header: object) -> float:
    """A ``Retry-After`` as slack_sdk reads it (a list of values, the first counts);
    1 when absent or unreadable (slack_sdk then waits about a second)."""
    value = header[0] if isinstance(header, list | tuple) and header else header
    try:
        return float(str(value))
    except ValueError:
        return 1.0


def web_client(token: str, api_url: str | None, metrics: Metrics = NO_METRICS) -> AsyncWebClient:
    """A Web API client that waits out 429s and retries 5xx and connection errors,
    except for chat.postMessage, whose failures go to the gateway: its pacer for 429s,
    and for the others a look in the conversation before posting again.

    slack_sdk only retries connection errors by default; rate-limit and server-error
    retries must be added (``slack_sdk.http_retry.builtin_async_handlers``). Each 429
    wait is counted in ``metrics``.
    """
    base = api_url or DEFAULT_API_URL
    return AsyncWebClient(
        token=token,
        base_url=base if base.endswith("/") else base + "/",
        retry_handlers=[
            _ConnectionErrors(max_retry_count=2),
            _CountedRateLimits(metrics, max_retry_count=2),
            _ServerErrors(max_retry_count=2),
        ],
    )


class _Hellos:
    """A Socket Mode message listener: Slack says ``hello`` on every new connection,
    so each one after the first is a reconnect (a ``disconnect`` Slack asked for, or a
    dropped socket slack_sdk opened again)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self.seen = 0

    async def __call__(self, _client: Any, message: dict[str, Any], _raw: str | None) -> None:
        if message.get("type") == "hello":
            self.seen += 1
            if self.seen > 1:
                self.metrics.reconnected(PLATFORM)


class SlackAdapter:
    """One Slack workspace connection. ``gateway`` is what the dispatcher delivers through."""

    def __init__(
        self,
        front: ChatFront,
        *,
        bot_token: str,
        api_url: str | None = None,
        signing_secret: str | None = None,
        command: str = "/reminder",
        metrics: Metrics = NO_METRICS,
    ) -> None:
        if not bot_token.strip():
            raise ValueError("the Slack bot token is empty")
        if signing_secret is not None and not signing_secret.strip():
            raise ValueError("the Slack signing secret is empty")
        client = web_client(bot_token, api_url, metrics)
        self._secret = signing_secret
        # Without a secret there is no HTTP route (routes() refuses), only Socket Mode,
        # whose requests arrive over our own authenticated websocket and are not signed.
        self.bolt = AsyncApp(
            client=client,
            signing_secret=signing_secret or "",
            request_verification_enabled=signing_secret is not None,
            process_before_response=False,
        )
        self.gateway = SlackGateway(client, metrics)
        self.listeners = SlackListeners(self.bolt, front, self.gateway, command)
        self.listeners.register()
        self._socket: AsyncSocketModeHandler | None = None
        self._metrics = metrics

    async def connect_socket_mode(self, app_token: str) -> None:
        """Connect over Socket Mode (no public URL). Call inside the running loop."""
        self._socket = AsyncSocketModeHandler(self.bolt, app_token)
        self._socket.client.message_listeners.append(_Hellos(self._metrics))
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("connected to Slack over Socket Mode")

    def routes(self) -> list[Route]:
        """HTTP mode: Slack's signed requests at ``/slack/events``.

        Unsigned, badly signed or stale requests get 401 and signed ones with a body
        that is not a Slack payload get 400, before bolt parses anything (bolt decodes
        the body before it verifies it, and answers 500 to what it cannot decode).
        """
        if self._secret is None:
            raise RuntimeError("HTTP mode needs the signing secret; verification is never off")
        return [Route("/slack/events", events_endpoint(self.bolt, self._secret), methods=["POST"])]

    async def problem(self) -> str | None:
        """For ``/healthz``: ``None`` while Socket Mode is connected (HTTP mode has no
        connection of its own to lose), else why not."""
        if self._socket is None:
            return None
        if not await self._socket.client.is_connected():
            return "the Socket Mode connection is down (reconnecting)"
        return None

    async def stop_listening(self) -> None:
        """Close the Socket Mode connection (a graceful stop takes no new events); the
        Web API client stays, for the deliveries still in flight."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None

    async def close(self) -> None:
        await self.stop_listening()


__all__ = ["SlackAdapter", "web_client"]
