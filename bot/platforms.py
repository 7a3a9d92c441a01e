"""Start the chat platforms the settings enable; each returns a long-running task.

With none configured the list is empty and ``remindbot run`` explains what to set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import uvicorn

from bot.app import App
from bot.http import create_http_app

log = logging.getLogger(__name__)


async def start_platforms(app: App) -> list[Awaitable[object]]:
    """Start enabled adapters and the HTTP app; return the tasks to wait on."""
    tasks: list[Awaitable[object]] = []
    if not tasks:
        return []
    tasks.append(asyncio.create_task(_serve_http(app)))
    return tasks


async def _serve_http(app: App) -> None:
    config = uvicorn.Config(
        create_http_app(app),
        host=app.settings.http_host,
        port=app.settings.http_port,
        log_level=app.settings.log_level.lower(),
        lifespan="off",
    )
    await uvicorn.Server(config).serve()
