"""A real local stand-in for Slack: the Web API over HTTP and Socket Mode over a websocket.

It binds ``127.0.0.1:0`` and records every call, in the spirit of bolt-python's
``tests/mock_web_api_server`` and python-slack-sdk's ``mock_socket_mode_server.py``, but
asyncio-native, with fault injection and event-based waiting instead of sleeps.

    async with FakeSlack() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import WSMsgType, web

from . import slack_payloads as p
from .limits import Outage, RateLimiter

JSON = dict[str, Any]
Answer = Callable[[JSON], JSON]

# Form-encoded calls carry these as JSON strings; decode them so assertions do not depend on
# whether slack_sdk chose a form or a JSON body for the method.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
_SCOPES = "chat:write,commands,im:history,im:write,users:read,users:read.email,app_mentions:read"
_FIRST_TS_MICROS = 1_700_000_000_000_100


def nth_ts(n: int, first_micros: int = _FIRST_TS_MICROS) -> str:
    """The ts the stand-in hands out to the n-th message it stores (1-based)."""
    micros = first_micros + 100 * (n - 1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received. ``headers`` keys are lower-case; ``at`` is monotonic,
    ``wall`` the wall clock (``time.time()``), the clock the bots' due times are read by."""

    method: str
    args: JSON
    headers: dict[str, str]
    at: float
    status: int = 200
    wall: float = 0.0

    @property
    def token(self) -> str:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") or str(self.args.get("token", ""))


@dataclass(frozen=True, slots=True)
class Fault:
    status: int  # 0: the connection is dropped, no answer at all
    error: str
    retry_after: int | None
    stored: bool = False  # the call is carried out (a message stored), then it fails


class WebApi:
    """Canned Web API answers. Add or replace one with ``answers["method.name"] = fn``."""

    def __init__(self, ws_url: Callable[[], str]) -> None:
        self.users: dict[str, JSON] = {}
        # Channels nobody configured hold everyone the tests use, the bot included, as in
        # a small workspace; a channel mapped to None does not exist (or, private, the bot
        # cannot see it: Slack answers channel_not_found for both).
        self.channel_members: dict[str, list[str] | None] = {}
        self.default_members = ["U1", "U2", "U3", p.BOT_USER_ID]
        self.channel_info: dict[str, JSON] = {}  # conversations.info overrides (a name)
        self.messages: dict[str, list[JSON]] = defaultdict(list)  # posted, oldest first
        self._ws_url = ws_url
        self._ts_count = 0
        # Where message timestamps start; a test whose clock must agree with them moves it.
        self.first_ts_micros = _FIRST_TS_MICROS
        # Or, as Slack does, the wall-clock time of posting (runs against a real clock).
        self.wall_clock_ts = False
        self._last_micros = 0
        self._view_count = 0
        # The Home tab last published for each user (views.publish), as Slack answered it.
        self.homes: dict[str, JSON] = {}
        self.answers: dict[str, Answer] = {
            "auth.test": lambda _: p.auth_test(),
            "apps.connections.open": lambda _: {"ok": True, "url": self._ws_url()},
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._permalink,
            "users.info": self._users_info,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    def answer(self, method: str, args: JSON, token: str) -> JSON:
        if not token:
            return _error("not_authed")
        # App-level (xapp-) tokens may only open connections, and only they may.
        if token.startswith("xapp-") != (method == "apps.connections.open"):
            return _error("not_allowed_token_type")
        handler = self.answers.get(method)
        if handler is None:
            return _error("unknown_method")
        if any(isinstance(args.get(key), str) for key in _JSON_FIELDS):
            return _error("invalid_blocks_format" if "blocks" in args else "invalid_arguments")
        return handler(args)

    def next_ts(self) -> str:
        self._ts_count += 1
        if self.wall_clock_ts:
            self._last_micros = max(self._last_micros + 1, int(time.time() * 1_000_000))
            return f"{self._last_micros // 1_000_000}.{self._last_micros % 1_000_000:06d}"
        return nth_ts(self._ts_count, self.first_ts_micros)

    def _next_view_id(self) -> str:
        self._view_count += 1
        return f"V{self._view_count:06d}"

    def _conversations_open(self, args: JSON) -> JSON:
        users = str(args.get("users", "")).split(",")
        channel = args.get("channel") or (p.dm_channel_id(users[0]) if users[0] else None)
        if not channel:
            return _error("users_list_not_supplied")
        return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": channel}}

    def members_of(self, channel: str) -> list[str] | None:
        return self.channel_members.get(channel, self.default_members)

    def _conversations_members(self, args: JSON) -> JSON:
        members = self.members_of(str(args.get("channel")))
        if members is None:
            return _error("channel_not_found")
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, args: JSON) -> JSON:
        channel = str(args.get("channel") or "")
        members = self.members_of(channel)
        if not channel or members is None:
            return _not_found()
        info = p.conversation(channel) | {"is_member": p.BOT_USER_ID in members}
        info |= self.channel_info.get(channel, {})
        return {"ok": True, "channel": info}

    def _post_message(self, args: JSON) -> JSON:
        channel = _channel(args)
        if not channel:
            return _not_found()
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            return _error("no_text")
        if not channel.startswith("D"):
            members = self.members_of(channel)
            if members is None:
                return _not_found()
            if p.BOT_USER_ID not in members:
                return _error("not_in_channel")
        ts = self.next_ts()
        message = p.bot_message(str(args.get("text", "")), ts, args.get("blocks"))
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _conversations_history(self, args: JSON) -> JSON:
        """Newest first, after ``oldest``; metadata only with ``include_all_metadata``."""
        channel = _channel(args)
        if not channel or (not channel.startswith("D") and self.members_of(channel) is None):
            return _not_found()
        oldest = float(args.get("oldest") or 0)
        found = [m for m in reversed(self.messages[channel]) if float(m["ts"]) > oldest]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = found[start : start + limit]
        if str(args.get("include_all_metadata", "")).lower() not in ("true", "1"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = str(start + limit) if start + limit < len(found) else ""
        return {
            "ok": True,
            "messages": page,
            "has_more": bool(more),
            "response_metadata": {"next_cursor": more},
        }

    def _update(self, args: JSON) -> JSON:
        channel, ts, text = _channel(args), args.get("ts"), str(args.get("text", ""))
        if not channel or not ts:
            return _error("message_not_found") if channel else _not_found()
        message = p.bot_message(text, ts, args.get("blocks"))
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": message}

    def _delete(self, args: JSON) -> JSON:
        channel, ts = _channel(args), args.get("ts")
        if not channel or not ts:
            return _error("message_not_found") if channel else _not_found()
        return {"ok": True, "channel": channel, "ts": ts}

    def _post_ephemeral(self, args: JSON) -> JSON:
        channel, user = _channel(args), args.get("user")
        if not channel:
            return _not_found()
        members = [] if channel.startswith("D") else self.members_of(channel)
        if not user or (members and user not in members):
            return _error("user_not_in_channel")
        return {"ok": True, "message_ts": self.next_ts()}

    def _permalink(self, args: JSON) -> JSON:
        channel, ts = _channel(args), str(args.get("message_ts", ""))
        if not channel or not ts:
            return _error("message_not_found") if channel else _not_found()
        link = f"https://{p.TEAM_DOMAIN}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _users_info(self, args: JSON) -> JSON:
        user_id = str(args.get("user", ""))
        if not user_id:
            return _error("user_not_found")
        return {"ok": True, "user": p.user_object(user_id, **self.users.get(user_id, {}))}

    def _views_open(self, args: JSON) -> JSON:
        if not args.get("trigger_id"):
            return _error("invalid_trigger_id")
        return self._view_answer(args, self._next_view_id())

    def _views_update(self, args: JSON) -> JSON:
        view_id = args.get("view_id") or args.get("external_id")
        return self._view_answer(args, str(view_id)) if view_id else _error("not_found")

    def _views_publish(self, args: JSON) -> JSON:
        """https://api.slack.com/methods/views.publish: ``user_id`` and a ``home`` view
        (at most 100 blocks); ``hash``, if given, must be the last published one's
        (``hash_conflict``). The published view is kept in ``homes``."""
        user = args.get("user_id")
        view = args.get("view")
        if not user:
            return _error("user_not_found")
        if not isinstance(view, dict) or view.get("type") != "home":
            return _error("invalid_arguments")
        problem = p.home_problem(view)
        if problem is not None:
            return {**_error("invalid_arguments"), "response_metadata": {"messages": [problem]}}
        last = self.homes.get(str(user))
        if args.get("hash") and (last is None or args["hash"] != last["hash"]):
            return _error("hash_conflict")
        answer = self._view_answer(args, last["id"] if last else self._next_view_id())
        # Each publish gets a new hash, so a stale one is refused.
        published = {**answer["view"], "hash": f"{time.time_ns()}.{self._view_count}"}
        self.homes[str(user)] = published
        return {**answer, "view": published}

    def _view_answer(self, args: JSON, view_id: str) -> JSON:
        view = args.get("view")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        return {"ok": True, "view": p.view_object(view, view_id)}


def _error(error: str) -> JSON:
    return {"ok": False, "error": error}


def _not_found() -> JSON:
    return _error("channel_not_found")


def _channel(args: JSON) -> str | None:
    channel = args.get("channel")
    if not channel:
        return None
    # Posting to a user id posts to the DM with that user, as Slack does.
    return p.dm_channel_id(channel) if channel[0] in "UW" else str(channel)


async def _read_args(request: web.Request) -> JSON:
    args: JSON = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        form = await request.post()
        args.update({k: _form_value(v) for k, v in form.items()})
    for key in _JSON_FIELDS:
        if isinstance(args.get(key), str):
            args[key] = _json_or_text(args[key])
    return args


def _form_value(value: str | bytes | bytearray | web.FileField) -> str:
    if isinstance(value, web.FileField):
        return value.filename
    return value if isinstance(value, str) else bytes(value).decode()


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # left as text; WebApi.answer refuses it as Slack does


def _token(request: web.Request, args: JSON) -> str:
    auth = request.headers.get("Authorization", "")
    return auth.removeprefix("Bearer ").strip() or str(args.get("token", ""))


def _fault_response(fault: Fault) -> web.Response:
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    status = fault.status or 500  # 0: the connection was closed, so none of it is sent
    return web.json_response(_error(fault.error), status=status, headers=headers)


def _accepts_response_payload(type_: str, payload: JSON) -> bool:
    if type_ == "slash_commands":
        return True
    return type_ == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")


class FakeSlack:
    """Slack's Web API at ``api_url`` and a Socket Mode endpoint at ``/link/``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.acks: dict[str, JSON] = {}
        self.envelopes: list[JSON] = []
        self.connections = 0
        self.web = WebApi(lambda: self.ws_url)
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        # Seconds a Web API method takes to answer (a slow Slack); recorded on arrival.
        self.delays: dict[str, float] = {}
        # chat.postMessage as Slack limits it (set a RateLimiter to enforce), and outages.
        self.limiter: RateLimiter | None = None
        self.outage = Outage()
        # The clock of ``Call.at`` (and, with ``use_clock``, of the outage): monotonic.
        self.monotonic: Callable[[], float] = time.monotonic
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._sockets: set[web.WebSocketResponse] = set()
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
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.get("/link/", self._link),
                web.get("/link", self._link),
                web.post("/response/{id}", self._response),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def use_clock(self, monotonic: Callable[[], float]) -> None:
        """Read ``monotonic`` (a test's fake clock) for ``Call.at`` and the outage."""
        self.monotonic = monotonic
        self.outage.monotonic = monotonic

    @property
    def users(self) -> dict[str, JSON]:
        """``users.info`` overrides by user id, merged over ``slack_payloads.user_object``."""
        return self.web.users

    @property
    def channel_members(self) -> dict[str, list[str] | None]:
        """``conversations.members`` by channel (None: no such channel); channels not set
        here have ``WebApi.default_members``."""
        return self.web.channel_members

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/api/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/link/?ticket=t"

    def response_url(self, id_: str) -> str:
        return f"http://127.0.0.1:{self._port}/response/{id_}"

    # --- Web API -----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        error: str | None = None,
        stored: bool = False,
    ) -> None:
        """Queue a fault for the next call to ``method``: 429 (``ratelimited`` with
        ``Retry-After``, default 1 s), 5xx (``internal_error``), ``ok: false`` with ``error``
        over HTTP 200, or 0: the connection dropped without an answer. ``stored``: the
        call is carried out first (a posted message is kept), as when Slack stores a
        message and its answer is lost. Faults queue up and are used one call at a time."""
        if status == 200 and error is None:
            raise ValueError("fail_next needs a non-200 status or an error")
        if status == 429 and retry_after is None:
            retry_after = 1
        default = "ratelimited" if status == 429 else "internal_error"
        self._faults[method].append(Fault(status, error or default, retry_after, stored))

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # The waits take `timeout` (ASYNC109) so a hung test fails with what the fake saw instead.
    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> list[Call]:
        """Wait until ``count`` calls to ``method`` were recorded; return all of them."""
        await self._wait(lambda: len(self.calls_to(method)) >= count, timeout, f"{count}x {method}")
        return self.calls_to(method)

    def responses(self, id_: str) -> list[JSON]:
        """Bodies POSTed to ``response_url(id_)``."""
        return [call.args for call in self.calls_to(f"response/{id_}")]

    async def wait_for_response(
        self,
        id_: str,
        count: int = 1,
        timeout: float = 5,  # noqa: ASYNC109
    ) -> list[JSON]:
        await self.wait_for_call(f"response/{id_}", count, timeout)
        return self.responses(id_)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        faults = self._faults[method]
        fault = faults.popleft() if faults else None
        if fault is None and method == "chat.postMessage":
            limited = await self._limited(args, request)
            if limited is not None:
                return limited
        await self._record(method, args, request, fault.status if fault else 200)
        if pause := self.delays.get(method):
            await asyncio.sleep(pause)
        if fault is not None:
            if fault.stored:
                self.web.answer(method, args, _token(request, args))
            if fault.status == 0 and request.transport is not None:
                request.transport.close()  # the client sees the connection drop
            return _fault_response(fault)
        body = self.web.answer(method, args, _token(request, args))
        return web.json_response(body, headers={"x-oauth-scopes": _SCOPES})

    async def _limited(self, args: JSON, request: web.Request) -> web.Response | None:
        """An outage's answer (500, 429 with its ``Retry-After``, or a request held
        unanswered, then dropped unstored), or Slack's 429 (``Retry-After`` in whole
        seconds) beyond the buckets."""
        outage = self.outage.now()
        if outage == "hold":
            await self._record("chat.postMessage", args, request, 0)
            await asyncio.sleep(self.outage.seconds_held)
            return web.json_response(_error("service_unavailable"), status=503)
        if outage == "error":
            await self._record("chat.postMessage", args, request, 500)
            return web.json_response(_error("internal_error"), status=500)
        if outage == "ratelimit":
            await self._record("chat.postMessage", args, request, 429)
            headers = {"Retry-After": str(self.outage.retry_after)}
            return web.json_response(_error("ratelimited"), status=429, headers=headers)
        verdict = None if self.limiter is None else self.limiter.check(str(_channel(args)))
        if verdict is None:
            return None
        await self._record("chat.postMessage", args, request, 429)
        headers = {"Retry-After": verdict.retry_after_header}
        return web.json_response(_error("ratelimited"), status=429, headers=headers)

    async def _response(self, request: web.Request) -> web.Response:
        await self._record(f"response/{request.match_info['id']}", await request.json(), request)
        return web.Response(text="ok")

    async def _record(
        self, method: str, args: JSON, request: web.Request, status: int = 200
    ) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        async with self._changed:
            self.calls.append(Call(method, args, headers, self.monotonic(), status, time.time()))
            self._changed.notify_all()

    # --- Socket Mode -------------------------------------------------------------------------

    async def wait_connected(self, timeout: float = 5, count: int = 1) -> None:  # noqa: ASYNC109
        """Wait until a client is connected and ``count`` connections were made in total."""
        await self._wait(
            lambda: self._ws is not None and self.connections >= count, timeout, "a connection"
        )

    async def send_envelope(
        self,
        type_: str,
        payload: JSON,
        retry_attempt: int = 0,
        retry_reason: str = "",
        *,
        accepts_response_payload: bool | None = None,
    ) -> str:
        """Send ``events_api``, ``slash_commands`` or ``interactive``; return the envelope id."""
        accepts = accepts_response_payload
        envelope: JSON = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": type_,
            "accepts_response_payload": (
                _accepts_response_payload(type_, payload) if accepts is None else accepts
            ),
        }
        if type_ == "events_api" or retry_attempt:
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        await self._send(envelope)
        self.envelopes.append(envelope)
        return str(envelope["envelope_id"])

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5) -> JSON:  # noqa: ASYNC109
        """The client's ack: ``{"envelope_id": ...}`` plus ``"payload"`` if it answered."""
        await self._wait(lambda: envelope_id in self.acks, timeout, f"ack of {envelope_id}")
        return self.acks[envelope_id]

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does before rotating hosts."""
        await self._send({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}})

    async def _send(self, message: JSON) -> None:
        if self._ws is None:
            raise RuntimeError("no Socket Mode client is connected; await wait_connected()")
        await self._ws.send_json(message)

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        await ws.send_json(self._hello())
        await self._set_socket(ws, connected=True)
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await self._on_client_text(message.data)
        finally:
            self._sockets.discard(ws)
            await self._set_socket(ws, connected=False)
        return ws

    def _hello(self) -> JSON:
        return {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "fake", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": p.APP_ID},
        }

    async def _set_socket(self, ws: web.WebSocketResponse, *, connected: bool) -> None:
        async with self._changed:
            if connected:
                self._ws, self.connections = ws, self.connections + 1
            elif self._ws is ws:
                self._ws = None
            self._changed.notify_all()

    async def _on_client_text(self, data: str) -> None:
        message = json.loads(data) if data.startswith("{") else {}
        if "envelope_id" in message:
            async with self._changed:
                self.acks[message["envelope_id"]] = message
                self._changed.notify_all()

    async def _wait(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        try:
            async with asyncio.timeout(seconds), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise TimeoutError(f"no {what} within {seconds} s; calls seen: {seen}") from None
