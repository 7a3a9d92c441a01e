"""The stand-in's REST API v4: the routes remindbot uses, each checked as ``api4`` checks it.

Every call is recorded under its handler's name. A queued ``Fault`` answers before the
handler runs (as the server's rate limiter does); then the bearer token is checked (401
with ``api.context.session_expired.app_error``), then the handler applies ``World``'s
rules. JSON answers carry exactly ``Content-Type: application/json``, as the server sends.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import mattermost_payloads as p
from .mattermost_record import Call, Fault, Recorder
from .mattermost_world import ApiError, World

JSON = dict[str, Any]
Answer = tuple[int, Any]
Handler = Callable[[web.Request, str, Any], Answer]
MAX_PER_PAGE = 200  # api4 caps per_page at 200
DEFAULT_PER_PAGE = 60
MAX_MESSAGE_RUNES = 16383  # model.PostMessageMaxRunesV2
_INVALID_BODY = object()


class RestApi:
    """REST routes over ``world``. ``since_limit`` is the SQL store's cap on ``?since=``."""

    def __init__(self, world: World, recorder: Recorder, released: asyncio.Event) -> None:
        self.world = world
        self.since_limit = 1000
        self._recorder = recorder
        self._released = released

    def routes(self) -> list[web.RouteDef]:
        v4 = "/api/v4"
        table: list[tuple[str, str, str, Handler]] = [
            ("GET", "/users/me", "get_me", self._me),
            ("GET", "/users/me/teams", "get_teams_for_user", self._teams),
            ("GET", "/users/me/channels", "get_channels_for_user", self._my_channels),
            ("GET", "/users/username/{username}", "get_user_by_username", self._by_username),
            ("GET", "/users/{user_id}", "get_user", self._user),
            (
                "GET",
                "/teams/{team_id}/channels/name/{channel_name}",
                "get_channel_by_name",
                self._channel_by_name,
            ),
            ("POST", "/channels/direct", "create_direct_channel", self._direct),
            ("GET", "/channels/{channel_id}", "get_channel", self._channel),
            (
                "GET",
                "/channels/{channel_id}/members/{user_id}",
                "get_channel_member",
                self._member,
            ),
            ("GET", "/channels/{channel_id}/posts", "get_posts_for_channel", self._posts),
            ("POST", "/posts", "create_post", self._create_post),
            ("POST", "/posts/ephemeral", "create_ephemeral_post", self._ephemeral),
            ("GET", "/posts/{post_id}", "get_post", self._post),
            ("PUT", "/posts/{post_id}/patch", "patch_post", self._patch),
        ]
        defs = [web.route(m, v4 + path, self._serve(name, h)) for m, path, name, h in table]
        return [*defs, web.route("*", v4 + "/{tail:.*}", self._serve("unknown", _unknown))]

    # --- the wrapper: record, fault, authenticate, answer -------------------------------------

    def _serve(self, name: str, handler: Handler) -> Callable[[web.Request], Awaitable[Any]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            body = await _read_body(request)
            fault = self._recorder.next_fault(name)
            if fault is not None and fault.hang:
                self._record(name, request, body, 0)
                await self._released.wait()
                return web.Response(status=503)
            if fault is None and name == "create_post":
                limited = await self._limited(request, body)
                if limited is not None:
                    return limited
            response = self._answer(request, body, fault, handler)
            self._limit_headers(response)
            self._record(name, request, body, response.status)
            return response

        return serve

    async def _limited(self, request: web.Request, body: Any) -> web.Response | None:
        """An outage's answer (500, 429 with ``Retry-After`` and ``X-Ratelimit-Reset``
        alike, or a request held, then 503 unstored), or the rate limiter's 429 with its
        ``X-Ratelimit-*`` headers and ``Retry-After``."""
        outage = self._recorder.outage.now()
        if outage == "hold":
            self._record("create_post", request, body, 0)
            await asyncio.sleep(self._recorder.outage.seconds_held)
            return web.Response(status=503)
        if outage == "error":
            response = _fault_response(Fault(status=500))
            self._record("create_post", request, body, 500)
            return response
        if outage == "ratelimit":
            wait = self._recorder.outage.retry_after
            response = _fault_response(Fault(status=429, reset=wait, retry_after=wait))
            self._record("create_post", request, body, 429)
            return response
        limiter = self._recorder.limiter
        channel = str(body.get("channel_id", "")) if isinstance(body, dict) else ""
        verdict = None if limiter is None else limiter.check(channel)
        if verdict is None:
            return None
        headers = {
            "X-Ratelimit-Limit": str(verdict.limit),
            "X-Ratelimit-Remaining": str(verdict.remaining),
            "X-Ratelimit-Reset": verdict.retry_after_header,
            "Retry-After": verdict.retry_after_header,
        }
        self._record("create_post", request, body, 429)
        return web.Response(status=429, text="limit exceeded\n", headers=headers)

    def _limit_headers(self, response: web.Response) -> None:
        """The limiter's state on every answer, as the server's middleware sends it."""
        limiter = self._recorder.limiter
        if limiter is None or limiter.app is None:
            return
        limit, remaining, reset = limiter.app_state()
        response.headers["X-Ratelimit-Limit"] = str(limit)
        response.headers["X-Ratelimit-Remaining"] = str(remaining)
        response.headers["X-Ratelimit-Reset"] = str(math.ceil(reset))

    def _answer(
        self, request: web.Request, body: Any, fault: Fault | None, handler: Handler
    ) -> web.Response:
        if fault is not None:
            return _fault_response(fault)
        try:
            user_id = self._authenticate(request)
            if body is _INVALID_BODY:
                raise ApiError(400, "api.context.invalid_body_param.app_error", "Bad JSON.")
            status, answer = handler(request, user_id, body)
        except ApiError as error:
            return _json(error.status, error.body())
        return _json(status, answer)

    def _authenticate(self, request: web.Request) -> str:
        user_id = self.world.tokens.get(bearer(request))
        if user_id is None:
            error_id, message, status = p.SESSION_EXPIRED
            raise ApiError(status, error_id, message)
        return user_id

    def _record(self, name: str, request: web.Request, body: Any, status: int) -> None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        recorded = None if body is _INVALID_BODY else body
        call = Call(
            name,
            request.method,
            request.path,
            dict(request.query),
            recorded,
            headers,
            self._recorder.now(),
            status,
        )
        self._recorder.record(call)

    # --- handlers ----------------------------------------------------------------------------

    def _me(self, _: web.Request, user_id: str, __: Any) -> Answer:
        return 200, self.world.user(user_id)

    def _user(self, request: web.Request, _: str, __: Any) -> Answer:
        return 200, self.world.user(request.match_info["user_id"])

    def _my_channels(self, _: web.Request, user_id: str, __: Any) -> Answer:
        return 200, self.world.channels_of(user_id)

    def _teams(self, _: web.Request, __: str, ___: Any) -> Answer:
        return 200, [p.team()]

    def _by_username(self, request: web.Request, _: str, __: Any) -> Answer:
        return 200, self.world.user_named(request.match_info["username"])

    def _channel_by_name(self, request: web.Request, user_id: str, _: Any) -> Answer:
        team, name = request.match_info["team_id"], request.match_info["channel_name"]
        return 200, self.world.channel_named(team, name, user_id)

    def _direct(self, _: web.Request, user_id: str, body: Any) -> Answer:
        return 201, self.world.create_direct(user_id, body)

    def _channel(self, request: web.Request, user_id: str, _: Any) -> Answer:
        return 200, self.world.readable_channel(request.match_info["channel_id"], user_id)

    def _member(self, request: web.Request, user_id: str, _: Any) -> Answer:
        channel_id, member = request.match_info["channel_id"], request.match_info["user_id"]
        return 200, self.world.member(channel_id, member, user_id)

    def _posts(self, request: web.Request, user_id: str, _: Any) -> Answer:
        channel_id = request.match_info["channel_id"]
        self.world.readable_channel(channel_id, user_id)
        since = _int_param(request, "since", 0)
        if since > 0:  # paging is ignored with since, as api4 does
            return 200, self.world.posts_since(channel_id, since, self.since_limit)
        page = _int_param(request, "page", 0)
        per_page = min(_int_param(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        return 200, self.world.posts_page(channel_id, page, per_page)

    def _create_post(self, _: web.Request, user_id: str, body: Any) -> Answer:
        body = body if isinstance(body, dict) else {}
        message = str(body.get("message", ""))
        if len(message) > MAX_MESSAGE_RUNES:
            raise ApiError(400, "model.post.is_valid.message_length.app_error", "Too long.")
        props = body.get("props") if isinstance(body.get("props"), dict) else None
        stored = self.world.create_post(
            user_id, str(body.get("channel_id", "")), message, props, str(body.get("root_id") or "")
        )
        return 201, p.strip_integrations(stored)

    def _ephemeral(self, _: web.Request, __: str, body: Any) -> Answer:
        body = body if isinstance(body, dict) else {}
        if not body.get("user_id"):
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid user_id.")
        if not isinstance(body.get("post"), dict):
            raise ApiError(400, "api.context.invalid_body_param.app_error", "Invalid post.")
        raise ApiError.forbidden()  # a bot lacks create_post_ephemeral

    def _post(self, request: web.Request, user_id: str, _: Any) -> Answer:
        found = self.world.readable_post(request.match_info["post_id"], user_id)
        return 200, p.strip_integrations(found)

    def _patch(self, request: web.Request, user_id: str, body: Any) -> Answer:
        patch = body if isinstance(body, dict) else {}
        patched = self.world.patch_post(user_id, request.match_info["post_id"], patch)
        return 200, p.strip_integrations(patched)


def bearer(request: web.Request) -> str:
    """The token of ``Authorization: Bearer <t>`` (or ``Token <t>``), as the server reads it."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "token") else ""


def _unknown(_: web.Request, __: str, ___: Any) -> Answer:
    raise ApiError(404, "api.context.404.app_error", "Sorry, we could not find the page.")


def _int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, "api.context.invalid_url_param.app_error", f"Invalid {name}.") from None


async def _read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return _INVALID_BODY


def _json(status: int, body: Any) -> web.Response:
    return web.Response(status=status, body=json.dumps(body), content_type="application/json")


def _fault_response(fault: Fault) -> web.Response:
    if fault.status != 429:
        error = p.app_error("fake.injected_fault.app_error", "Injected fault.", fault.status)
        return _json(fault.status, error)
    # The server's throttled limiter: plain text, headers in seconds (section 5 of the notes).
    headers: dict[str, str] = {}
    if fault.reset is not None:
        headers = {
            "X-Ratelimit-Limit": "10",
            "X-Ratelimit-Remaining": "0",
            "X-Ratelimit-Reset": str(fault.reset),
        }
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    return web.Response(status=429, text="limit exceeded\n", headers=headers)
