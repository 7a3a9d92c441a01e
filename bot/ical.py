"""``GET /ical/{token}.ics``: a person's private calendar feed, on the bot's HTTP app.

An unknown, revoked or malformed token is a bare 404: the answer says nothing about
which tokens exist. The token is the whole secret, so it is kept out of the access log.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.core.calendar import Calendars

CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_route(calendars: Calendars) -> Route:
    async def feed(request: Request) -> Response:
        body = await calendars.feed(request.path_params["token"])
        if body is None:
            return Response(status_code=404)
        # private: a shared cache must never keep one person's feed for another.
        headers = {"Cache-Control": "private, max-age=300"}
        return Response(body, headers=headers, media_type=CONTENT_TYPE)

    return Route("/ical/{token}.ics", feed, methods=["GET", "HEAD"])


class HideFeedTokens(logging.Filter):
    """Keeps uvicorn's access log from writing feed tokens: the path is logged with
    the token replaced (``/ical/….ics``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2]
            if path.startswith("/ical/"):
                record.args = (*args[:2], "/ical/\u2026.ics", *args[3:])
        return True


def hide_feed_tokens() -> None:
    """Install ``HideFeedTokens`` on uvicorn's access logger (once)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideFeedTokens) for f in access.filters):
        access.addFilter(HideFeedTokens())
