"""Start-up imports only what is used (docs/benchmarks.md, Start-up and memory).

Each check runs a fresh interpreter, since this one has imported everything long ago:
``remindbot parse`` loads the parser alone; importing ``bot.app`` loads no platform SDK,
no Alembic, no web server; ``remindbot run`` with Mattermost only, on a SQLite database
already at the newest schema and no .env file, never loads Slack's SDK, Alembic, FastAPI,
email, calendars, pydantic, Jinja2 or asyncpg.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.servers.mattermost import FakeMattermost
from tests.test_dockerfile import free_port

ROOT = Path(__file__).resolve().parent.parent
# Too big, or only for one feature, to load where they are not used.
HEAVY = {"pydantic", "sqlalchemy", "slack_bolt", "slack_sdk", "alembic", "jinja2"}
NOT_FOR_MATTERMOST = {
    "alembic",
    "mako",
    "slack_bolt",
    "slack_sdk",
    "fastapi",
    "aiosmtplib",
    "icalendar",
    "mcp",
    "bot.api",
    "bot.adapters.slack",
    "bot.adapters.email",
    # docs/benchmarks.md (Start-up and memory): what remindbot run no longer loads.
    "pydantic",  # the settings are plain Python (bot/config.py)
    "pydantic_settings",
    "dotenv",  # read only when there is a .env file
    "jinja2",  # only when a workspace's template is saved or rendered (bot/core/sandbox.py)
    "bot.core.sandbox",
    "asyncpg",  # only on PostgreSQL
    "rich",  # httpx's command line (bot/__init__.py), where rich is installed
    "pygments",
    "uvicorn.protocols.websockets",  # nothing is served over a websocket
}


def _env(**extra: str) -> dict[str, str]:
    """This environment without our settings (the checks set their own), plus ``extra``."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REMINDBOT_", "SLACK_", "MATTERMOST_", "SMTP_"))
    }
    return kept | extra


def imported(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reported, each with its parent packages."""
    names = {
        line.rpartition("|")[2].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return {".".join(n.split(".")[: i + 1]) for n in names for i in range(n.count(".") + 1)}


def test_parse_imports_the_parser_and_nothing_heavy(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "parse", "--now",
         "2026-11-23T10:00", "--tz", "Europe/Copenhagen", "in 5 minutes"],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("Monday 23 November 2026 at 10:05")
    modules = imported(done.stderr)
    assert "bot.parsing.parse" in modules  # the report is read right
    assert modules & (HEAVY | {"asyncio", "bot.core", "bot.config"}) == set()


def test_parse_help_is_the_same_on_the_fast_path() -> None:
    from bot.cli import build_parser, parse_parser

    def shown(parser: argparse.ArgumentParser) -> str:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        chosen = sub.choices["parse"]
        assert isinstance(chosen, argparse.ArgumentParser)
        return chosen.format_help()

    assert shown(parse_parser()) == shown(build_parser())


def test_importing_the_app_loads_no_platform_migrations_or_web_server() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import bot.app"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    modules = imported(done.stderr)
    assert {"bot.app", "sqlalchemy", "apscheduler"} <= modules
    assert modules & (NOT_FOR_MATTERMOST | {"uvicorn", "bot.adapters.mattermost"}) == set()


async def test_run_with_mattermost_on_a_current_database_loads_only_its_parts(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    await asyncio.to_thread(upgrade, tmp_path, url)
    port = free_port()
    async with FakeMattermost() as mm:
        env = _env(
            REMINDBOT_DATABASE_URL=url,
            REMINDBOT_HTTP_PORT=str(port),
            MATTERMOST_URL=mm.url,
            MATTERMOST_TOKEN=mm.bot_token,
            MATTERMOST_ACTIONS_URL="http://remindbot.test/mattermost/actions",
        )
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-X", "importtime", "-m", "bot", "run",
            cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            health = await _healthz(port, bot)
            ok = {"ok": True}
            checks = {"process": ok, "database": ok, "mattermost": ok}
            assert health == {"status": "ok", "checks": checks}
            await mm.wait_connected()
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(bot.communicate(), 60)
    assert bot.returncode == 0, err.decode()[-3000:]
    modules = imported(err.decode())
    assert {"bot.adapters.mattermost", "uvicorn", "apscheduler"} <= modules
    assert modules & NOT_FOR_MATTERMOST == set()


def upgrade(where: Path, url: str) -> None:
    """``remindbot db upgrade`` in its own process: the run after it finds the newest schema."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=where, env=_env(REMINDBOT_DATABASE_URL=url), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


async def _healthz(port: int, bot: asyncio.subprocess.Process) -> object:
    async with httpx.AsyncClient() as client, asyncio.timeout(90):
        while True:
            if bot.returncode is not None:
                _, err = await bot.communicate()
                raise AssertionError(f"remindbot run ended: {err.decode()[-3000:]}")
            try:
                return (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
            except httpx.TransportError:
                await asyncio.sleep(0.2)  # still starting
