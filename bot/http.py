"""The one ASGI app for everything that arrives over HTTP.

Issue 3 serves ``/healthz``; platform routes (Slack events, Mattermost callbacks, the
REST API) are mounted here by their adapters.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.app import App

log = logging.getLogger(__name__)


def create_http_app(app: App, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    async def healthz(_request: Request) -> Response:
        try:
            async with app.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # the check is the point: report, don't crash
            log.exception("health check: database unreachable")
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        platforms = sorted(app.gateways)
        return JSONResponse({"ok": True, "database": "ok", "platforms": platforms})

    routes: list[BaseRoute] = [Route("/healthz", healthz)]
    return Starlette(routes=routes + (extra_routes or []))
