"""The Mattermost REST API v4, as far as remindbot uses it, on one ``httpx.AsyncClient``.

Every failure is a ``MattermostError`` (a ``DeliveryError``): 429, 5xx, timeouts and
connection errors are temporary; 429 carries ``retry_after`` from ``X-Ratelimit-Reset``
(seconds until the window resets, as the server's limiter sends it) or ``Retry-After``.
Nothing here retries: the dispatcher decides, from ``temporary``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from bot.adapters.mattermost.websocket import OnConnect, WebsocketListener
from bot.core.ports import NO_METRICS, DeliveryError, Metrics
from bot.pacing import MATTERMOST_LIMITS, Pacer

log = logging.getLogger(__name__)
JSON = dict[str, Any]
PER_PAGE = 200  # the server caps per_page at 200
SINCE_LIMIT = 1000  # the SQL store answers ?since= with at most 1000 posts
_REASONS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}


class MattermostError(DeliveryError):
    """A failed call. ``reason`` is short and stable (``forbidden``, ``not_found``,
    ``rate_limited``, ``server_error``, ``timeout``, ...); ``status`` is the HTTP status
    (0 when no answer came) and ``error_id`` the server's AppError id, when it sent one."""

    def __init__(
        self,
        reason: str,
        *,
        temporary: bool,
        retry_after: float | None = None,
        status: int = 0,
        error_id: str = "",
    ) -> None:
        super().__init__(reason, temporary=temporary, retry_after=retry_after)
        self.status = status
        self.error_id = error_id

    def __str__(self) -> str:
        detail = f" ({self.error_id})" if self.error_id else ""
        return f"{self.reason}{detail}"


def error_from(status: int, headers: Mapping[str, str], body: bytes) -> MattermostError:
    """The error for a non-2xx answer (``headers`` looked up case-insensitively)."""
    if status == 429:
        reset = _seconds(headers.get("x-ratelimit-reset"))
        wait = reset if reset is not None else _seconds(headers.get("retry-after"))
        return MattermostError("rate_limited", temporary=True, retry_after=wait, status=429)
    error_id = _app_error_id(body)
    if status >= 500:
        return MattermostError("server_error", temporary=True, status=status, error_id=error_id)
    reason = _REASONS.get(status, f"http_{status}")
    return MattermostError(reason, temporary=False, status=status, error_id=error_id)


class MattermostClient:
    """REST calls as the bot. ``url`` is the site URL (the API lives under ``/api/v4``).

    Args:
        url: ``MATTERMOST_URL``, e.g. ``https://chat.example.com``.
        token: the bot account's access token; sent as a bearer token, never logged.
        timeout: seconds for connecting, and for each read and write.
        transport: an httpx transport, for tests that need one.
        metrics: told of every failed call (by reason) and every 429's wait.
        pacer: paces posts (the gateway calls through it); learns every answer's
            ``X-Ratelimit-Remaining`` and ``-Reset``. Mattermost's defaults if not given.

    Attributes:
        since_limit: how many posts a ``?since=`` answer holds at most (the server's cap).
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
        metrics: Metrics = NO_METRICS,
        pacer: Pacer | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.metrics = metrics
        self.pacer = pacer or Pacer(MATTERMOST_LIMITS)
        self._token = token
        self._http = httpx.AsyncClient(
            base_url=f"{self.url}/api/v4",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self.since_limit = SINCE_LIMIT
        self._bot_id: str | None = None
        self._direct: dict[str, JSON] = {}
        self._listeners: list[WebsocketListener] = []

    async def close(self) -> None:
        for listener in self._listeners:
            await listener.close()
        await self._http.aclose()

    # --- users and channels ------------------------------------------------------------------

    @property
    def bot_id(self) -> str | None:
        """The bot's user id, once ``me()`` was called."""
        return self._bot_id

    async def me(self) -> JSON:
        """The bot's own user."""
        me = await self._call("GET", "/users/me")
        self._bot_id = str(me["id"])
        return me

    async def user(self, user_id: str) -> JSON:
        """A user, with ``timezone`` (``useAutomaticTimezone`` is "true" or "false")."""
        return await self._call("GET", f"/users/{user_id}")

    async def teams(self) -> list[JSON]:
        """The teams the bot is on."""
        return await self._list("/users/me/teams")

    async def my_channels(self) -> list[JSON]:
        """Every channel the bot is in, DMs included, with their ``last_post_at``
        (server 6.1 and newer)."""
        return await self._list("/users/me/channels")

    async def _list(self, path: str) -> list[JSON]:
        try:
            response = await self._http.get(path)
        except httpx.TransportError:
            raise self._counted(MattermostError("connection_error", temporary=True)) from None
        if not response.is_success:
            error = error_from(response.status_code, response.headers, response.content)
            raise self._counted(error)
        try:
            found = response.json()
        except ValueError:
            raise MattermostError("bad_response", temporary=True) from None
        return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []

    async def user_named(self, username: str) -> JSON:
        """A user by username (without the ``@``)."""
        return await self._call("GET", f"/users/username/{quote(username, safe='')}")

    async def channel_named(self, team_id: str, name: str) -> JSON:
        """A team's channel by its name (``town-square``), if the bot may read it."""
        path = f"/teams/{quote(team_id, safe='')}/channels/name/{quote(name, safe='')}"
        return await self._call("GET", path)

    async def direct_channel(self, user_id: str) -> JSON:
        """The bot's DM channel with ``user_id``, created on first use, then cached."""
        if user_id not in self._direct:
            bot_id = self._bot_id or str((await self.me())["id"])
            self._direct[user_id] = await self._call(
                "POST", "/channels/direct", json_body=[bot_id, user_id]
            )
        return self._direct[user_id]

    async def channel(self, channel_id: str) -> JSON:
        return await self._call("GET", f"/channels/{channel_id}")

    async def is_member(self, channel_id: str, user_id: str) -> bool:
        """Whether ``user_id`` is in the channel. Also ``False`` when the bot may not read
        the channel (403: a private channel it is not in), since it cannot post there."""
        try:
            await self._call("GET", f"/channels/{channel_id}/members/{user_id}")
        except MattermostError as error:
            if error.status in (403, 404):
                return False
            raise
        return True

    # --- posts -------------------------------------------------------------------------------

    async def create_post(
        self,
        channel_id: str,
        message: str,
        props: Mapping[str, Any] | None = None,
        root_id: str | None = None,
    ) -> JSON:
        """Post as the bot; the answer is the stored post (action integrations stripped)."""
        body: JSON = {"channel_id": channel_id, "message": message}
        if props is not None:
            body["props"] = dict(props)
        if root_id:
            body["root_id"] = root_id
        return await self._call("POST", "/posts", json_body=body)

    async def patch_post(
        self, post_id: str, message: str | None = None, props: Mapping[str, Any] | None = None
    ) -> JSON:
        """Change only what is given: ``message``, ``props`` (replaced whole), or both."""
        body: JSON = {}
        if message is not None:
            body["message"] = message
        if props is not None:
            body["props"] = dict(props)
        return await self._call("PUT", f"/posts/{post_id}/patch", json_body=body)

    async def get_post(self, post_id: str) -> JSON:
        return await self._call("GET", f"/posts/{post_id}")

    async def posts_since(self, channel_id: str, since_ms: int) -> list[JSON]:
        """Posts created after ``since_ms`` (epoch ms), oldest first, for catching up.

        One ``?since=`` call usually does; it ignores paging and stops at 1000 posts in no
        particular order, so at the cap the channel is walked page by page (``per_page``
        200, newest first) back to ``since_ms`` instead. Edits of older posts, which
        ``?since=`` also returns, are left out.
        """
        listing = await self._call("GET", f"/channels/{channel_id}/posts", {"since": since_ms})
        posts = _in_order(listing)
        if len(posts) >= self.since_limit:
            posts = await self._walk_back(channel_id, since_ms)
        unique = {str(q["id"]): q for q in posts if int(q["create_at"]) > since_ms}
        return sorted(unique.values(), key=lambda q: (int(q["create_at"]), str(q["id"])))

    async def _walk_back(self, channel_id: str, since_ms: int) -> list[JSON]:
        found: list[JSON] = []
        page = 0
        while True:
            params = {"page": page, "per_page": PER_PAGE}
            batch = _in_order(await self._call("GET", f"/channels/{channel_id}/posts", params))
            found.extend(batch)
            if len(batch) < PER_PAGE or min(int(q["create_at"]) for q in batch) <= since_ms:
                return found
            page += 1

    # --- events ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a websocket listener is connected now (it got ``hello``)."""
        return any(listener.connected for listener in self._listeners)

    def events(self, on_connect: OnConnect, **options: Any) -> AsyncIterator[JSON]:
        """The websocket's events (see ``WebsocketListener``), until ``close()``."""
        listener = WebsocketListener(
            self.ws_url, self._token, on_connect=on_connect, metrics=self.metrics, **options
        )
        self._listeners.append(listener)
        return listener.events()

    @property
    def ws_url(self) -> str:
        scheme, _, rest = self.url.partition("://")
        return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v4/websocket"

    # --- one call ----------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        params: Mapping[str, int | str] | None = None,
        *,
        json_body: Any = None,
    ) -> JSON:
        try:
            response = await self._http.request(method, path, params=params, json=json_body)
        except httpx.TimeoutException:
            log.warning("Mattermost %s %s: timed out", method, path)
            raise self._counted(MattermostError("timeout", temporary=True)) from None
        except httpx.TransportError as failure:
            log.warning("Mattermost %s %s: %s", method, path, type(failure).__name__)
            raise self._counted(MattermostError("connection_error", temporary=True)) from None
        except httpx.InvalidURL:
            # An id from a call (a channel_id with control characters) that no URL can
            # hold: no such thing, not a crash (found by the callbacks' fuzz test).
            log.info("Mattermost %s: an id that is no URL path: %r", method, path)
            raise MattermostError("not_found", temporary=False, status=404) from None
        headers = response.headers
        self.pacer.learn(
            headers.get("x-ratelimit-limit"),
            headers.get("x-ratelimit-remaining"),
            headers.get("x-ratelimit-reset"),
        )
        if not response.is_success:
            error = error_from(response.status_code, response.headers, response.content)
            # Expected answers (404 from is_member, a 403 the caller handles) stay quiet.
            level = logging.WARNING if error.temporary or error.status == 401 else logging.DEBUG
            log.log(level, "Mattermost %s %s: %s %s", method, path, response.status_code, error)
            raise self._counted(error)
        return _decode(response)

    def _counted(self, error: MattermostError) -> MattermostError:
        """``error``, told to ``metrics``: its reason, and a 429's wait (the caller, the
        dispatcher's retry, waits that long)."""
        self.metrics.platform_error("mattermost", error.reason)
        if error.status == 429 and error.retry_after is not None:
            self.metrics.waited("mattermost", error.retry_after)
        return error


def _decode(response: httpx.Response) -> JSON:
    """The answer's JSON object; a proxy's HTML page or other garbage is a temporary error."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise MattermostError("bad_response", temporary=True, status=response.status_code)
    return body


def _in_order(listing: Mapping[str, Any]) -> list[JSON]:
    """A PostList's posts in ``order``; thread roots listed only in ``posts`` are left out."""
    posts = listing.get("posts") or {}
    return [posts[i] for i in listing.get("order") or [] if i in posts]


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _app_error_id(body: bytes) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    return str(parsed.get("id", "")) if isinstance(parsed, dict) else ""
