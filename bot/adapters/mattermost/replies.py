"""The chat front's ``Replies`` on Mattermost.

A bot may not post ephemeral messages over REST (``create_post_ephemeral`` is an admin
permission), so what is for one person alone goes back in the answer to the server's
own call: a button call's ``ephemeral_text`` / ``update``, a slash command's ephemeral
response (or, once that was sent, its ``response_url``). A DM is answered in the DM; a
mention in a channel is answered in a DM with the person. Prompts are asked in the
conversation (interactive dialogs are not used).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.adapters.mattermost import attachments
from bot.adapters.mattermost.gateway import MattermostGateway
from bot.adapters.mattermost.payloads import Route
from bot.core.model import Prompt, Reply

log = logging.getLogger(__name__)
JSON = dict[str, Any]


class MattermostReplies:
    """Answers one event, as its ``route`` says; ``response()`` is what the HTTP call
    that brought it (a click, a slash command) answers."""

    def __init__(self, route: Route, gateway: MattermostGateway) -> None:
        self.route = route
        self.gateway = gateway
        self.late = False  # set once the slash command's HTTP answer has gone
        self._update: JSON | None = None
        self._ephemeral: list[str] = []
        self._command: JSON | None = None

    async def answer(self, reply: Reply) -> None:
        route, gateway = self.route, self.gateway
        if route.kind == "dm":
            await gateway.post(route.channel_id, reply, route.user_id)
        elif route.kind == "slash":
            await self._command_answer(reply)
        elif route.kind == "action" and not (reply.buttons or reply.menus):
            self._ephemeral.append(attachments.text_of(reply))
        else:  # a mention, or buttons a click cannot answer privately: in a DM
            await gateway.post(await gateway.dm_channel(route.user_id), reply, route.user_id)

    async def replace(self, reply: Reply) -> None:
        if self.route.kind != "action":
            await self.answer(reply)
            return
        for_user = self.route.user_id if self.route.direct else ""
        message, props = await self.gateway.render(reply, for_user)
        self._update = {"message": message, "props": props}

    async def prompt(self, prompt: Prompt) -> bool:
        return False

    async def _command_answer(self, reply: Reply) -> None:
        message, props = await self.gateway.render(reply, self.route.user_id)
        answer: JSON = {"response_type": "ephemeral", "text": message, **props}
        if not self.late:
            self._command = answer
            return
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                (await http.post(self.route.response_url, json=answer)).raise_for_status()
        except httpx.HTTPError as error:
            log.warning("a late slash command answer failed: %s", type(error).__name__)

    def response(self) -> JSON:
        """The answer to the server's call: an action response, or a command response."""
        if self.route.kind == "slash":
            return self._command or {"response_type": "ephemeral", "text": ""}
        found: JSON = {}
        if self._update is not None:
            found["update"] = self._update
        if self._ephemeral:
            found["ephemeral_text"] = "\n".join(self._ephemeral)
        return found
