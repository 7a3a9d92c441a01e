"""A real local stand-in for Mattermost: REST API v4 over HTTP and ``/api/v4/websocket``.

It binds ``127.0.0.1:0``, records every call, enforces what the server enforces (bearer
tokens, channel membership, no ephemeral posts for bots, integrations stripped from every
post it hands out, the bot's own posts echoed on its websocket), injects faults, and lets
a test act as the users: post, click an action, run a slash command. Waits are event
based; nothing sleeps.

    async with FakeMattermost() as mm:
        alice = mm.add_user("alice", tz=payloads.timezone("Europe/Copenhagen"))
        client = MattermostClient(mm.url, mm.bot_token, timeout=2)
        await mm.user_posts_dm(alice, "remind me tomorrow at 9 to water the plants")

The parts: ``mattermost_world`` (state and the server's rules), ``mattermost_rest`` (the
routes), ``mattermost_ws`` (the websocket hub), ``mattermost_integrations`` (clicks and
slash commands), ``mattermost_payloads`` (pure payload builders).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .mattermost_integrations import Integrations, Outcome
from .mattermost_record import Call, Fault, Recorder
from .mattermost_rest import RestApi
from .mattermost_world import Ephemeral, World
from .mattermost_ws import Hub

JSON = dict[str, Any]
BOT_TOKEN = "bot-token-0000000000000000001"


class FakeMattermost:
    """One team, one bot user (``bot_id``, token ``bot_token``), users added by tests."""

    def __init__(self, *, bot_username: str = "remindbot", bot_token: str = BOT_TOKEN) -> None:
        self.recorder = Recorder()
        self.hub = Hub(self.recorder)
        self.world = World(self.hub)
        self.hub.world = self.world
        self._released = asyncio.Event()
        self.rest = RestApi(self.world, self.recorder, self._released)
        self.integrations = Integrations(self.world, self.recorder)
        self.bot_token = bot_token
        self.bot_id = self.world.add_user(bot_username, token=bot_token, is_bot=True)
        self._runner: web.AppRunner | None = None
        self._port = 0

    # --- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.get("/api/v4/websocket", self.hub.handle)])
        app.add_routes([web.post("/hooks/commands/{hook_id}", self.integrations.hook)])
        app.add_routes(self.rest.routes())
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])
        self.integrations.hooks_url = f"{self.url}/hooks/commands"

    async def stop(self) -> None:
        self._released.set()
        await self.hub.close_all()
        await self.integrations.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The site URL, as ``MATTERMOST_URL`` holds it (REST under ``/api/v4``)."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/api/v4/websocket"

    # --- the world ---------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        *,
        tz: dict[str, str] | None = None,
        email: str | None = None,
        token: str | None = None,
    ) -> str:
        """A team member; ``tz`` as ``payloads.timezone(...)``; ``token`` to log in as it."""
        return self.world.add_user(username, token=token, tz=tz, email=email)

    def add_channel(self, name: str, *members: str, private: bool = False) -> str:
        return self.world.add_channel(name, type_="P" if private else "O", members=members)

    def join(self, channel_id: str, *user_ids: str) -> None:
        self.world.members[channel_id].update(user_ids)

    def leave(self, channel_id: str, *user_ids: str) -> None:
        self.world.members[channel_id].difference_update(user_ids)

    def dm_with(self, user_id: str) -> str:
        """The id of the bot's DM with ``user_id`` (created if need be)."""
        return str(self.world.direct(self.bot_id, user_id)["id"])

    def posts_in(self, channel_id: str) -> list[JSON]:
        """Stored posts, oldest first, as the server keeps them (integrations included)."""
        return self.world.in_channel(channel_id)

    def post(self, post_id: str) -> JSON:
        return self.world.post(post_id)

    def ephemerals_for(self, user_id: str) -> list[Ephemeral]:
        return [e for e in self.world.ephemerals if e.user_id == user_id]

    def advance(self, ms: int) -> None:
        """Move the server clock (``create_at``/``update_at``) forward."""
        self.world.now_ms += ms

    @property
    def now_ms(self) -> int:
        return self.world.now_ms

    # --- users acting ------------------------------------------------------------------------

    def user_posts(self, user_id: str, channel_id: str, message: str, root_id: str = "") -> JSON:
        """``user_id`` posts: stored, and ``posted`` goes to every member's websocket."""
        stored = self.world.create_post(user_id, channel_id, message, None, root_id)
        self.recorder.changed()
        return stored

    def user_posts_dm(self, user_id: str, message: str) -> JSON:
        return self.user_posts(user_id, self.dm_with(user_id), message)

    async def click(
        self, post_id: str, action_id: str, *, user_id: str, selected_option: str | None = None
    ) -> Outcome:
        """``user_id`` presses a button (or picks ``selected_option`` in a menu). Raises
        ``ApiError`` where the server refuses the click itself (unknown post or action,
        a user who cannot read the channel, an action id that is not alphanumeric)."""
        return await self.integrations.click(post_id, action_id, user_id, selected_option)

    def add_command(self, trigger: str, url: str, token: str) -> None:
        """A custom slash command POSTing to ``url`` with ``token``."""
        self.integrations.add_command(trigger, url, token)

    async def run_command(self, line: str, *, user_id: str, channel_id: str) -> Outcome:
        """``user_id`` sends ``/trigger text`` in ``channel_id``."""
        return await self.integrations.run(line, user_id, channel_id)

    @property
    def action_calls(self) -> list[Outcome]:
        return self.integrations.action_calls

    @property
    def command_calls(self) -> list[Outcome]:
        return self.integrations.command_calls

    # --- faults ------------------------------------------------------------------------------

    def send_to_bot(self, frame: JSON | str) -> int:
        """A websocket frame of any shape to the bot's connections, as it is: a JSON
        object (an event, or junk), or any text; returns how many connections got it."""
        return self.hub.send_raw(self.bot_id, frame)

    def use_clock(self, monotonic: Callable[[], float]) -> None:
        """Read ``monotonic`` (a test's fake clock) for ``Call.at`` and ``recorder.outage``."""
        self.recorder.use_clock(monotonic)

    def fail_next(
        self,
        route: str,
        status: int = 500,
        *,
        reset: int | None = 1,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls to ``route`` (``create_post``, ...) with
        ``status``: 429 as the rate limiter does (``X-Ratelimit-Reset: reset``), or an
        AppError. Faults queue up and are used in order."""
        fault = Fault(status=status, reset=reset, retry_after=retry_after)
        self.recorder.faults[route].extend([fault] * times)

    def hang_next(self, route: str, times: int = 1) -> None:
        """Never answer the next ``times`` calls to ``route`` (until the stand-in stops)."""
        self.recorder.faults[route].extend([Fault(hang=True)] * times)

    def refuse_connections(self, times: int | None = None) -> None:
        """Answer the next ``times`` websocket upgrades with 503 (``None``: until
        ``accept_connections``)."""
        self.hub.refuse(times)

    def accept_connections(self) -> None:
        self.hub.accept()

    async def drop_connections(self, code: int = 1006) -> None:
        """Drop every open websocket: abruptly (1006, no close frame) or with ``code``."""
        await self.hub.drop_all(code)

    def drop_next_connections(self, times: int = 1, *, before_hello: bool = False) -> None:
        """Accept the next ``times`` connections, then drop them at once (1006), right after
        the upgrade or right after ``hello``."""
        self.hub.drop_next(times, before_hello=before_hello)

    # --- what was seen, and waiting for it ---------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        return self.recorder.calls

    def calls_to(self, route: str) -> list[Call]:
        return self.recorder.calls_to(route)

    @property
    def connections(self) -> int:
        """Websocket upgrades accepted so far."""
        return self.hub.connections

    # The waits take `timeout` (ASYNC109) so a hung test fails with what the fake saw instead.
    async def wait_until(
        self,
        ready: Callable[[], bool],
        what: str,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> None:
        await self.recorder.wait(ready, timeout, what)

    async def wait_for_call(
        self,
        route: str,
        count: int = 1,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> list[Call]:
        await self.wait_until(
            lambda: len(self.calls_to(route)) >= count, f"{count}x {route}", timeout
        )
        return self.calls_to(route)

    async def wait_connected(self, count: int = 1, timeout: float = 5) -> None:  # noqa: ASYNC109
        """Wait until ``count`` connections authenticated in total and one is open now."""

        def ready() -> bool:
            live = any(c.user_id is not None for c in self.hub.open)
            return live and len(self.hub.authenticated) >= count

        await self.wait_until(ready, f"{count} authenticated connection(s)", timeout)

    async def wait_for_attempts(self, count: int, timeout: float = 5) -> None:  # noqa: ASYNC109
        await self.wait_until(lambda: self.hub.attempts >= count, f"{count} attempts", timeout)

    async def wait_for_posts(
        self,
        channel_id: str,
        count: int,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> list[JSON]:
        await self.wait_until(
            lambda: len(self.posts_in(channel_id)) >= count,
            f"{count} posts in {channel_id}",
            timeout,
        )
        return self.posts_in(channel_id)


__all__ = ["BOT_TOKEN", "FakeMattermost", "Outcome"]
