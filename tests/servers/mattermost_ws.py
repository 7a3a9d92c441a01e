"""The stand-in's ``/api/v4/websocket``: authentication, ``hello``, events, drops, refusals.

As ``api4/websocket.go`` and ``platform/websocket_router.go`` do: the upgrade always
succeeds; a valid ``Authorization`` header authenticates at once, otherwise the connection
waits for ``authentication_challenge`` (a bad token there closes it). An authenticated
connection gets ``hello`` (seq 0), then every event for its user, ``seq`` counting up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import mattermost_payloads as p
from .mattermost_record import Recorder, now
from .mattermost_rest import bearer
from .mattermost_world import DataFor, World

JSON = dict[str, Any]


@dataclass(slots=True)
class Connection:
    request: web.Request
    ws: web.WebSocketResponse
    connection_id: str
    user_id: str | None = None
    auth: str = ""  # "header" or "challenge" once authenticated
    seq: int = 0
    outbox: asyncio.Queue[JSON | str | None] = field(default_factory=asyncio.Queue)

    def enqueue(self, message: JSON | str) -> None:
        """Send ``message``: a JSON object, or a text frame as it is (any text at all)."""
        self.outbox.put_nowait(message)

    def next_seq(self) -> int:
        seq, self.seq = self.seq, self.seq + 1
        return seq

    def abort(self) -> None:
        """Drop the TCP connection without a close frame: the client sees 1006."""
        if self.request.transport is not None:
            self.request.transport.close()


@dataclass(frozen=True, slots=True)
class DropPlan:
    before_hello: bool


class Hub:
    """Websocket connections by user, and what to do to the next ones."""

    def __init__(self, recorder: Recorder) -> None:
        self.world: World | None = None
        self.attempts = 0  # upgrade requests, refused ones included
        self.attempted_at: list[float] = []  # monotonic time of each attempt
        self.connections = 0  # upgrades accepted
        self.authenticated: list[str] = []  # "header"/"challenge", one per authentication
        self.open: list[Connection] = []
        self.sent: list[JSON | str] = []  # every event and response sent, in order
        self._recorder = recorder
        self._refusals: int | None = 0  # None: refuse until accept_connections()
        self._drops: deque[DropPlan] = deque()

    # --- what tests ask for ------------------------------------------------------------------

    def refuse(self, times: int | None) -> None:
        self._refusals = times

    def accept(self) -> None:
        self._refusals = 0

    def drop_next(self, times: int, *, before_hello: bool) -> None:
        self._drops.extend(DropPlan(before_hello) for _ in range(times))

    async def drop_all(self, code: int) -> None:
        """Abruptly (1006) or with a close frame carrying ``code``."""
        for conn in list(self.open):
            if code == 1006:
                conn.abort()
            else:
                await conn.ws.close(code=code)

    async def close_all(self) -> None:
        for conn in list(self.open):
            await conn.ws.close()

    # --- Publisher ---------------------------------------------------------------------------

    def publish(
        self, event: str, data_for: DataFor, scope: JSON, recipients: Iterable[str]
    ) -> None:
        wanted = set(recipients)
        for conn in self.open:
            if conn.user_id is None or conn.user_id not in wanted:
                continue
            data = data_for(conn.user_id)
            if data is not None:
                conn.enqueue(p.ws_event(event, data, scope, conn.next_seq()))

    def send_raw(self, user_id: str, frame: JSON | str) -> int:
        """``frame`` as it is (no ``seq`` added) to every authenticated connection of
        ``user_id``, after what is queued there; returns how many connections."""
        found = [conn for conn in self.open if conn.user_id == user_id]
        for conn in found:
            conn.enqueue(frame)
        return len(found)

    # --- the handler -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        self.attempted_at.append(now())
        self._recorder.changed()
        if self._refusing():
            return web.Response(status=503, text="service unavailable")
        ws = web.WebSocketResponse(heartbeat=None, autoping=True)
        await ws.prepare(request)
        conn = Connection(request, ws, self._world.new_id("conn"))
        self.connections += 1
        self._recorder.changed()
        plan = self._drops.popleft() if self._drops else None
        writer = asyncio.create_task(self._write(conn))
        self.open.append(conn)
        try:
            await self._serve(conn, plan)
        finally:
            self.open.remove(conn)
            conn.outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer
            self._recorder.changed()
        return ws

    async def _serve(self, conn: Connection, plan: DropPlan | None) -> None:
        if plan is not None and plan.before_hello:
            conn.abort()
            return
        user_id = self._world.tokens.get(bearer(conn.request))
        if user_id is not None:
            self._authenticate(conn, user_id, "header")
        if plan is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(conn.outbox.join(), 5)
            conn.abort()
            return
        async for message in conn.ws:
            if message.type == WSMsgType.TEXT:
                self._on_text(conn, message.data)

    def _on_text(self, conn: Connection, data: str) -> None:
        try:
            request = json.loads(data)
        except json.JSONDecodeError:
            return
        seq = request.get("seq") if isinstance(request, dict) else None
        if not isinstance(seq, int) or seq <= 0:
            return
        if request.get("action") == "authentication_challenge":
            self._challenge(conn, seq, request.get("data"))
        elif conn.user_id is None:
            error = p.app_error("api.web_socket_router.not_authenticated.app_error", "", 401)
            conn.enqueue(p.ws_response(seq, error=error))
        else:
            conn.enqueue(p.ws_response(seq))

    def _challenge(self, conn: Connection, seq: int, data: object) -> None:
        if conn.user_id is not None:
            return  # already authenticated (by header): the server ignores it, no reply
        token = data.get("token") if isinstance(data, dict) else None
        user_id = self._world.tokens.get(token) if isinstance(token, str) else None
        if user_id is None:
            conn.abort()  # the server closes the socket, no reply
            return
        conn.enqueue(p.ws_response(seq))
        self._authenticate(conn, user_id, "challenge")

    def _authenticate(self, conn: Connection, user_id: str, how: str) -> None:
        conn.user_id, conn.auth = user_id, how
        self.authenticated.append(how)
        hello = p.ws_event(
            "hello", p.hello_data(conn.connection_id), p.broadcast(user_id=user_id), 0
        )
        conn.seq = 1
        conn.enqueue(hello)
        self._recorder.changed()

    async def _write(self, conn: Connection) -> None:
        while (message := await conn.outbox.get()) is not None:
            try:
                if isinstance(message, str):
                    await conn.ws.send_str(message)
                else:
                    await conn.ws.send_json(message)
                self.sent.append(message)
            finally:
                conn.outbox.task_done()
        conn.outbox.task_done()

    def _refusing(self) -> bool:
        if self._refusals is None:
            return True
        if self._refusals > 0:
            self._refusals -= 1
            return True
        return False

    @property
    def _world(self) -> World:
        assert self.world is not None, "Hub.world is set by FakeMattermost"
        return self.world
