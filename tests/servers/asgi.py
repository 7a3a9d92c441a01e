"""Serve an ASGI app with uvicorn on 127.0.0.1:0, for tests that need real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp


async def listening(server: uvicorn.Server, task: asyncio.Task[None] | None = None) -> int:
    """The port ``server`` listens on, once it does (uvicorn offers a flag, no event)."""
    async with asyncio.timeout(10):
        while not server.started:
            if task is not None and task.done():
                task.result()
            await asyncio.sleep(0.005)
    port: int = server.servers[0].sockets[0].getsockname()[1]
    return port


@asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Run ``app`` until the block ends; yields its base URL (``http://127.0.0.1:PORT``)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    port = await listening(server, task)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
