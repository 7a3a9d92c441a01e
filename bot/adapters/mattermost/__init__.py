"""Mattermost: our own thin client (httpx + websockets) under the chat front.

mattermostdriver 7.3.2 (the released one) blocks the event loop, fails over wss:// and
reconnects without backoff; its successor retries inside calls and reconnects on a
fixed delay. The client here is a few endpoints, with the reconnect policy we need.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.routing import Route

from bot.adapters.mattermost.auth import Signer
from bot.adapters.mattermost.client import MattermostClient
from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.mattermost.listener import MattermostListener
from bot.core.chat import ChatFront
from bot.core.ports import NO_METRICS, Clock, Metrics

log = logging.getLogger(__name__)


class MattermostAdapter:
    """One Mattermost server. ``gateway`` is what the dispatcher delivers through.

    Args:
        front: the chat front.
        clock: the time source (button expiry).
        url: ``MATTERMOST_URL``, the site URL.
        token: the bot account's token.
        actions_url: the public URL of ``/mattermost/actions`` that the server calls.
        secret: the key of the buttons' signed contexts.
        slash_token: the custom slash command's token (``None``: no slash command).
        events_options: passed to the websocket listener (tests shorten its delays).
        metrics: told of failed calls, 429 waits and websocket reconnects.
    """

    def __init__(
        self,
        front: ChatFront,
        clock: Clock,
        *,
        url: str,
        token: str,
        actions_url: str,
        secret: str,
        slash_token: str | None = None,
        timeout: float = 10.0,
        events_options: dict[str, Any] | None = None,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.client = MattermostClient(url, token, timeout=timeout, metrics=metrics)
        self.gateway = MattermostGateway(self.client, Signer(secret, clock), actions_url)
        self.listener = MattermostListener(
            front,
            self.gateway,
            self.gateway.signer,
            slash_token=slash_token,
            events_options=events_options,
        )
        self._events: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Check the token (``users/me``), then listen to the websocket."""
        await self.gateway.start()
        self._events = asyncio.create_task(self.listener.run(), name="mattermost-events")
        log.info("connected to Mattermost as %s", self.gateway.bot_name)

    def routes(self) -> list[Route]:
        return self.listener.routes()

    async def problem(self) -> str | None:
        """For ``/healthz``: ``None`` while the websocket is connected, else why not.

        Posting still works without it, but messages and mentions arrive only over it.
        """
        if self._events is None:
            return "not started"
        if self._events.done():
            return "the websocket listener stopped"
        if not self.client.connected:
            return "the websocket is not connected (reconnecting)"
        return None

    async def stop_listening(self) -> None:
        """Leave the websocket (a graceful stop takes no new events); the REST client
        stays, for the deliveries still in flight."""
        if self._events is not None:
            self._events.cancel()
            await asyncio.gather(self._events, return_exceptions=True)
            self._events = None

    async def close(self) -> None:
        await self.client.close()
        await self.stop_listening()


__all__ = ["MattermostAdapter", "MattermostClient"]
