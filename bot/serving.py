"""The HTTP server ``remindbot run`` serves with: uvicorn without its signal handlers.

uvicorn's own handler (``Server.capture_signals``) would set ``should_exit`` at the first
SIGTERM, ending HTTP before the deliveries in flight are done, and raise the signal
again once stopped; ``bot.shutdown`` decides instead when it ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator

import uvicorn


class Server(uvicorn.Server):
    """uvicorn without its signal handlers: ``bot.shutdown.stop_on_sigterm`` ends it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        yield
