"""``remindbot run`` with ``REMINDBOT_PUBLIC_URL``: the HTTP app runs and serves the
feeds, and uvicorn's access log never writes a feed's token."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from bot.app import build, calendars, start_platforms
from bot.config import InvalidSettings, Settings
from bot.core.model import UserRef
from tests.servers.asgi import listening


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_a_public_url_runs_the_http_app_with_the_feeds(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        public_url="https://remindbot.example.com/",
        http_port=0,
    )
    assert settings.public_url == "https://remindbot.example.com"
    app = await build(settings)
    tasks = await start_platforms(app)
    kept = Kept()
    logging.getLogger("uvicorn.access").addHandler(kept)
    try:
        assert len(tasks) == 1, "the HTTP app runs for the feeds alone"
        port = await listening(app.extras["http"])
        url = await calendars(app.repo, app.clock, app.settings).new_feed(UserRef.of("ann"))
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        path = url.removeprefix("https://remindbot.example.com")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            served = await http.get(path)
            assert served.status_code == 200
            assert served.headers["content-type"] == "text/calendar; charset=utf-8"
            assert served.content.startswith(b"BEGIN:VCALENDAR")
            assert (await http.get("/ical/unknown.ics")).status_code == 404
        logged = [line for line in kept.lines if "/ical/" in line]
        assert len(logged) == 2 and all("/ical/\u2026.ics" in line for line in logged)
        assert not any(token in line for line in kept.lines)
    finally:
        logging.getLogger("uvicorn.access").removeHandler(kept)
        for task in tasks:
            assert isinstance(task, asyncio.Task)
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.close()


def test_a_public_url_that_is_not_a_web_address_is_refused() -> None:
    with pytest.raises(InvalidSettings, match="is not a web address"):
        Settings(public_url="remindbot.example.com")
    assert Settings(public_url="").public_url is None
