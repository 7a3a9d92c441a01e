"""The graceful stop of ``remindbot run`` on SIGTERM (``docker stop``, a rolling deploy).

In order: stop taking events (the Slack socket and the Mattermost websocket close; HTTP
answers 503 to everything, ``/healthz`` included, so a load balancer looks elsewhere),
give the deliveries in flight ``REMINDBOT_SHUTDOWN_SECONDS`` to finish and be recorded,
release the claimed reminders not started (another replica takes them at once, not
after their lease runs out), then end the HTTP server; ``remindbot run`` then closes the
adapters' clients and the database and exits 0. A second SIGTERM ends the process at
once with status 143 (128 + SIGTERM), as the default action would.

The signals are ours alone: the HTTP server runs without uvicorn's handlers
(``bot.serving.Server``), which would end HTTP at the first signal, before the deliveries
are done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)
AT_ONCE = 128 + signal.SIGTERM  # the status a process killed by SIGTERM reports


def stop_on_sigterm(app: App) -> None:
    """Install the handler: the first SIGTERM starts ``shut_down``, a second exits."""
    loop = asyncio.get_running_loop()
    started: list[asyncio.Task[None]] = []

    def on_signal() -> None:
        if started:
            log.warning("a second SIGTERM: exiting at once")
            for handler in logging.getLogger().handlers:
                handler.flush()
            os._exit(AT_ONCE)
        log.info("SIGTERM: finishing the deliveries in flight, then stopping")
        started.append(loop.create_task(shut_down(app), name="shutdown"))

    loop.add_signal_handler(signal.SIGTERM, on_signal)


async def shut_down(app: App) -> None:
    """Stop taking events, finish or release the claimed reminders, end HTTP."""
    app.stopping = True  # the HTTP app answers 503 from now on
    try:
        for stop_listening in app.listeners:
            with contextlib.suppress(Exception):  # a listener already gone is stopped
                await stop_listening()
        released = await app.scheduler.finish(app.settings.shutdown_seconds)
        log.info("stopped: %d claimed reminder(s) released for another process", released)
    except Exception:
        log.exception("the graceful stop failed; stopping anyway")
    finally:
        server = app.extras.get("http")
        if server is not None:
            server.should_exit = True
