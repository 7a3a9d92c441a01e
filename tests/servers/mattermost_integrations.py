"""The calls the Mattermost server makes *to* an integration: button and menu clicks, and
custom slash commands, with their answers applied as the server applies them.

A click follows ``app/integration_action.go``: the action id must be alphanumeric (the
``/actions/{action_id:[A-Za-z0-9]+}`` route), the user must be able to read the channel,
the integration gets the ``PostActionIntegrationRequest`` as JSON and must answer 200; its
``update`` replaces the post, its ``ephemeral_text`` goes to the clicking user only. A
slash command POSTs the form with ``Authorization: Token <token>``; its answer and every
later one POSTed to ``response_url`` are applied as ephemeral or ``in_channel`` posts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from . import mattermost_payloads as p
from .mattermost_record import Call, Recorder
from .mattermost_world import ApiError, Ephemeral, World

JSON = dict[str, Any]
_ACTION_ID = re.compile(r"[A-Za-z0-9]+")
_ACTION_FAILED = "api.post.do_action.action_integration.app_error"
_COMMAND_FAILED = "api.command.execute_command.failed.app_error"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the server got back: ``status`` of the integration's answer (0: unreachable),
    the ``request`` it sent, and the parsed ``response``. ``error`` is set when the server
    reported a failure to the user's client (the AppError id), as it does for non-200s."""

    request: JSON
    status: int
    response: JSON | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SlashCommand:
    trigger: str
    url: str
    token: str


class Integrations:
    """Clicks and slash commands over ``world``; ``hooks_url`` is where response_urls live."""

    def __init__(self, world: World, recorder: Recorder) -> None:
        self.commands: dict[str, SlashCommand] = {}
        self.action_calls: list[Outcome] = []
        self.command_calls: list[Outcome] = []
        self.timeout = 5.0  # ServiceSettings.OutgoingIntegrationRequestsTimeout is 30 s
        self._world = world
        self._recorder = recorder
        self.hooks_url = ""  # set once the server listens
        self._hooks: dict[str, tuple[str, str]] = {}  # hook id -> (user id, channel id)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- clicks ------------------------------------------------------------------------------

    async def click(
        self, post_id: str, action_id: str, user_id: str, selected_option: str | None
    ) -> Outcome:
        """A user presses a button (or picks ``selected_option`` in a menu) on a post."""
        if not _ACTION_ID.fullmatch(action_id):
            raise ApiError(404, "api.context.404.app_error", "No route for this action id.")
        stored = self._world.readable_post(post_id, user_id)
        action = p.find_action(stored, action_id)
        if action is None or not (action.get("integration") or {}).get("url"):
            raise ApiError(404, "api.post.do_action.action_id.app_error", "No such action.")
        channel = self._world.channel(stored["channel_id"])
        request = p.action_request(
            stored,
            action,
            self._world.user(user_id),
            channel,
            trigger_id=self._world.new_id("trigger"),
            selected_option=selected_option,
        )
        outcome = await self._post_json(action["integration"]["url"], request)
        self.action_calls.append(outcome)
        if outcome.error is None and outcome.response is not None:
            self._apply_action_response(stored, user_id, outcome.response)
        self._recorder.changed()
        return outcome

    def _apply_action_response(self, stored: JSON, user_id: str, response: JSON) -> None:
        if isinstance(response.get("update"), dict):
            self._world.apply_action_update(stored["id"], response["update"])
        text = response.get("ephemeral_text")
        if isinstance(text, str) and text:
            skip = response.get("skip_slack_parsing")
            message = text if skip else p.slack_links_to_markdown(text)
            root = stored["root_id"] or stored["id"]
            ephemeral = Ephemeral(user_id, stored["channel_id"], message, "action", root_id=root)
            self._world.add_ephemeral(ephemeral)

    async def _post_json(self, url: str, request: JSON) -> Outcome:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        try:
            status, raw, _ = await self._send(url, json.dumps(request).encode(), headers)
        except (aiohttp.ClientError, TimeoutError):
            return Outcome(request, 0, None, _ACTION_FAILED)
        if status != 200:
            return Outcome(request, status, None, _ACTION_FAILED)
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            return Outcome(request, status, None, _ACTION_FAILED)
        return Outcome(request, status, parsed if isinstance(parsed, dict) else {})

    # --- slash commands ----------------------------------------------------------------------

    def add_command(self, trigger: str, url: str, token: str) -> None:
        self.commands[trigger.lstrip("/")] = SlashCommand(trigger.lstrip("/"), url, token)

    async def run(self, line: str, user_id: str, channel_id: str) -> Outcome:
        """A user sends ``/trigger text`` in a channel."""
        trigger, _, text = line.lstrip("/").partition(" ")
        command = self.commands.get(trigger)
        if command is None:
            raise ApiError(404, "api.command.execute_command.not_found.app_error", line)
        channel = self._world.readable_channel(channel_id, user_id)
        hook_id = self._world.new_id("hook")
        self._hooks[hook_id] = (user_id, channel_id)
        form = p.slash_command_form(
            f"/{trigger}",
            text.strip(),
            self._world.user(user_id),
            channel,
            token=command.token,
            response_url=f"{self.hooks_url}/{hook_id}",
            trigger_id=self._world.new_id("trigger"),
        )
        outcome = await self._post_form(command, form)
        self.command_calls.append(outcome)
        if outcome.response is not None:
            self.apply_command_response(outcome.response, user_id, channel_id, "command")
        self._recorder.changed()
        return outcome

    async def _post_form(self, command: SlashCommand, form: dict[str, str]) -> Outcome:
        headers = {
            "Authorization": f"Token {command.token}",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        try:
            status, raw, content_type = await self._send(
                command.url, urlencode(form).encode(), headers
            )
        except (aiohttp.ClientError, TimeoutError):
            return Outcome(dict(form), 0, None, _COMMAND_FAILED)
        if status != 200:
            return Outcome(dict(form), status, None, _COMMAND_FAILED)
        return Outcome(dict(form), status, p.command_response(raw, content_type))

    def apply_command_response(
        self, response: JSON, user_id: str, channel_id: str, via: str
    ) -> None:
        """``response_type`` in_channel posts as the user (``from_webhook``); anything else
        (the default is ephemeral) is shown to the user only. Then ``extra_responses``."""
        text = str(response.get("text") or "")
        if not response.get("skip_slack_parsing"):
            text = p.slack_links_to_markdown(text)
        props = dict(response.get("props") or {})
        if response.get("attachments"):
            props["attachments"] = response["attachments"]
        if text or props:
            where = (user_id, channel_id, via)
            self._show(response.get("response_type"), text, props, where)
        for extra in response.get("extra_responses") or []:
            if isinstance(extra, dict):
                self.apply_command_response(extra, user_id, channel_id, via)

    def _show(self, kind: object, text: str, props: JSON, where: tuple[str, str, str]) -> None:
        user_id, channel_id, via = where
        if kind == "in_channel":
            self._world.create_post(user_id, channel_id, text, props | {"from_webhook": "true"})
        else:
            self._world.add_ephemeral(Ephemeral(user_id, channel_id, text, via, props=props))

    async def hook(self, request: web.Request) -> web.Response:
        """``POST {response_url}``: a late answer to a slash command."""
        hook_id = request.match_info["hook_id"]
        try:
            body: Any = json.loads(await request.read() or b"null")
        except ValueError:
            body = None
        known = self._hooks.get(hook_id)
        self._recorder.record(
            Call(
                "command_response",
                request.method,
                request.path,
                {},
                body,
                dict(request.headers),
                self._recorder.now(),
                200 if known else 400,
            )
        )
        if known is None or not isinstance(body, dict):
            return web.Response(status=400, text="invalid webhook")
        user_id, channel_id = known
        self.apply_command_response(body, user_id, channel_id, "response_url")
        self._recorder.changed()
        return web.Response(text="ok")

    async def _send(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, str]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self._session.post(url, data=body, headers=headers, timeout=timeout) as r:
            return r.status, await r.read(), r.headers.get("Content-Type", "")
