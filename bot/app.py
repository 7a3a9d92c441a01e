"""Composition root: wires storage, core, the scheduler, adapters and HTTP together."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels import delivery_channels
from bot.clock import SystemClock
from bot.config import Settings
from bot.core.calendar import Calendars
from bot.core.dispatch import Dispatcher
from bot.core.engine import Engine, build_engine
from bot.core.ports import ChatPlatform, Clock, DeliveryError
from bot.core.reports import Reports
from bot.health import Health, Problem
from bot.metrics import PromMetrics, ReminderGauge, metrics_route
from bot.scheduler import Scheduler
from bot.startup import Unreachable, with_retries
from storage import (
    SqlReminderRepository,
    is_current,
    make_engine,
    normalize_url,
    ping,
    unavailable,
    upgrade_async,
)

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

# What is imported below inside a function is imported only when used: each platform's
# SDK when that platform is configured, uvicorn and Starlette when something is served
# over HTTP, the REST API (FastAPI) when enabled (docs/benchmarks.md, Start-up and memory).
log = logging.getLogger(__name__)


class StartError(Exception):
    """Something the process needs refused to start: a platform (a token it does not
    accept, a server not there) or the database (not reachable, not migrated);
    ``str()`` is the one sentence the command prints."""


def shown_url(url: str) -> str:
    """The database URL without its password, to name it in a sentence."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ValueError:
        return "(a URL that cannot be read)"


# One start attempt's SELECT 1: a database that accepts and never answers is an attempt
# that failed, not a start that hangs.
CONNECT_TIMEOUT_S = 10.0


async def ready_database(
    db: AsyncEngine,
    settings: Settings,
    *,
    wait: bool = False,
    waiting: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    """Migrate (SQLite by default) or check that someone did; one sentence if not.

    ``wait`` (``remindbot run``): a database that does not answer is tried again with
    backoff for ``REMINDBOT_DB_START_TIMEOUT_SECONDS`` (bot/startup.py), and ``waiting``
    hears why after each attempt; one-off commands say so at once.

    Raises:
        StartError: the database cannot be reached, or is not at the newest schema.
    """
    where = shown_url(settings.database_url)

    async def attempt() -> None:
        problem = await ping(db, CONNECT_TIMEOUT_S)
        if problem is not None:
            raise Unreachable(f"I cannot reach the database at {where} ({problem}).")
        try:
            if settings.migrate_on_start:
                await upgrade_async(db)
            elif not await is_current(db):
                raise StartError(
                    f"The database at {where} is not at the newest schema: "
                    "run `remindbot db upgrade` first."
                )
        except (OSError, DBAPIError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise Unreachable(f"I cannot reach the database at {where} ({reason}).") from None

    timeout = settings.db_start_timeout_seconds if wait else 0
    try:
        await with_retries(attempt, where=where, timeout=timeout, on_retry=waiting)
    except Unreachable as error:
        raise StartError(str(error)) from None


@dataclass(slots=True)
class App:
    """Everything one process runs. Adapters register themselves in ``gateways``."""

    settings: Settings
    clock: Clock
    db: AsyncEngine
    repo: SqlReminderRepository
    engine: Engine
    dispatcher: Dispatcher
    scheduler: Scheduler
    gateways: dict[str, ChatPlatform] = field(default_factory=dict)
    # /healthz's platform checks (the adapters' ``problem()``), by platform name.
    connections: dict[str, Problem] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    metrics: PromMetrics = field(default_factory=PromMetrics)  # this app's own registry
    # Graceful shutdown (bot/shutdown.py): what stops taking events (Slack's socket,
    # Mattermost's websocket), and whether HTTP answers 503 because the process stops.
    listeners: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    stopping: bool = False

    def add_gateway(self, gateway: ChatPlatform) -> None:
        self.gateways[gateway.platform] = gateway

    async def start(self, *, catch_up_now: bool = True) -> None:
        await self.scheduler.start(catch_up_now=catch_up_now)

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """The process (its scheduler running), the database (``SELECT 1``, 2 s at most)
        and each platform connection (bot/health.py): whether all are ok, and
        ``/healthz``'s body."""
        return await Health(self.db, self.connections, process=self.scheduler.problem)()

    async def close(self) -> None:
        for closer in reversed(self.closers):
            await closer()
        await self.scheduler.stop()
        await self.db.dispose()


async def build(
    settings: Settings,
    clock: Clock | None = None,
    *,
    wait: bool = False,
    waiting: Callable[[str], Awaitable[None]] | None = None,
) -> App:
    """Build the app; migrates the database first when settings say so (SQLite default).

    ``wait``: a database not there yet is tried again (``ready_database``; ``waiting``
    hears why after each attempt).

    Raises:
        StartError: the database is not reachable or not migrated.
    """
    clock = clock or SystemClock()
    db = make_engine(settings.database_url)
    try:
        await ready_database(db, settings, wait=wait, waiting=waiting)
    except StartError:
        await db.dispose()
        raise
    repo = SqlReminderRepository(db)
    gateways: dict[str, ChatPlatform] = {}
    metrics = PromMetrics()
    dispatcher = Dispatcher(
        repo,
        gateways,
        clock,
        lease=settings.lease,
        late_limit=settings.late_limit,
        channels=delivery_channels(settings, gateways, clock),
        dry_run=settings.dry_run,
        max_per_hour=settings.max_per_user_per_hour or None,
        metrics=metrics,
    )
    scheduler = Scheduler(dispatcher, repo, clock, sweep=settings.sweep)
    parts = build_engine(
        repo,
        clock,
        gateways,
        wake=scheduler.arm,
        default_tz=settings.default_tz,
        min_interval=settings.min_interval,
        commands=(settings.slack_command, settings.mattermost_command),
        calendars=calendars(repo, clock, settings),
        metrics=metrics,
        unavailable=unavailable,
    )
    return App(settings, clock, db, repo, parts, dispatcher, scheduler, gateways, metrics=metrics)


async def start_platforms(app: App) -> list[Awaitable[object]]:
    """Connect the platforms the settings enable; return the long-running tasks.

    The HTTP app runs whenever something is served over HTTP (a platform's callbacks, the
    REST API, calendar feeds when ``REMINDBOT_PUBLIC_URL`` is set, or just ``/healthz``
    beside a connected platform), with ``/metrics`` (bot/metrics.py) beside ``/healthz``.
    Empty when nothing is configured (``remindbot run`` then says what to set).
    """
    s = app.settings
    routes: list[BaseRoute] = []
    if app.settings.slack_enabled:
        routes += await _start_slack(app)
    if app.settings.mattermost_enabled:
        routes += await _start_mattermost(app)
    if app.settings.api_enabled:
        routes.append(api_route(app))
        log.info("the REST API is served at http://%s:%s/api/v1", s.http_host, s.http_port)
    if s.public_url is not None:
        routes.append(calendar_route(app))
        log.info("calendar feeds are served at %s/ical/", s.public_url)
    if not (app.gateways or routes):
        return []
    routes.append(metrics_route(app.metrics, ReminderGauge(app.repo.reminders_by_state)))
    import uvicorn

    from bot.http import create_http_app
    from bot.serving import Server

    config = uvicorn.Config(
        create_http_app(routes, health=app.health, accepting=lambda: not app.stopping),
        host=app.settings.http_host,
        port=app.settings.http_port,
        log_level=app.settings.log_level.lower(),
        log_config=None,  # its lines go through bot/logs.py's handler (JSON, masked)
        lifespan="off",
        ws="none",  # nothing is served over a websocket: uvicorn loads no websocket protocol
        # After a SIGTERM's deliveries are done, requests still open get this long.
        timeout_graceful_shutdown=max(1, round(app.settings.shutdown_seconds)),
    )
    server = Server(config)
    app.extras["http"] = server  # its sockets tell where it listens (port 0 in tests)
    return [asyncio.create_task(server.serve())]


def api_route(app: App) -> BaseRoute:
    from bot import api

    return api.mount(
        api.services(
            app.repo,
            app.clock,
            app.engine,
            app.gateways,
            wake=app.scheduler.arm,
            calendars=calendars(app.repo, app.clock, app.settings),
            reports=Reports(app.repo, app.clock),
        )
    )


def calendars(repo: SqlReminderRepository, clock: Clock, settings: Settings) -> Calendars:
    """The calendar feeds; ``enabled`` only with ``REMINDBOT_PUBLIC_URL`` set."""
    return Calendars(repo, clock, settings.public_url)


def calendar_route(app: App) -> BaseRoute:
    """``/ical/{token}.ics``, its tokens kept out of the access log."""
    from bot.ical import feed_route, hide_feed_tokens

    hide_feed_tokens()
    return feed_route(calendars(app.repo, app.clock, app.settings))


async def _start_slack(app: App) -> list[BaseRoute]:
    from bot.adapters.slack import SlackAdapter
    from bot.pacing import Pacer, slack_limits

    s = app.settings
    assert s.slack_bot_token is not None
    secret = s.slack_signing_secret.get_secret_value() if s.slack_signing_secret else None
    slack = SlackAdapter(
        app.engine.front,
        bot_token=s.slack_bot_token.get_secret_value(),
        api_url=s.slack_api_url,
        signing_secret=None if s.slack_app_token else secret,
        command=s.slack_command,
        metrics=app.metrics,
    )
    slack.gateway.pacer = Pacer(slack_limits(s.slack_app_rate, s.slack_app_burst))
    app.closers.append(slack.close)
    app.listeners.append(slack.stop_listening)
    try:
        await slack.gateway.check()
    except DeliveryError as error:
        raise StartError(f"Slack did not accept SLACK_BOT_TOKEN ({error.reason}).") from None
    app.add_gateway(slack.gateway)
    app.connections["slack"] = slack.problem
    if s.slack_app_token is not None:
        await slack.connect_socket_mode(s.slack_app_token.get_secret_value())
        return []
    return list(slack.routes())


async def _start_mattermost(app: App) -> list[BaseRoute]:
    from bot.adapters.mattermost import MattermostAdapter
    from bot.pacing import Pacer, mattermost_limits

    s = app.settings
    assert s.mattermost_url is not None and s.mattermost_token is not None
    assert s.mattermost_actions_url is not None
    secret = (
        s.mattermost_actions_secret.get_secret_value()
        if s.mattermost_actions_secret
        else await app.repo.shared_secret("mattermost_actions", lambda: secrets.token_hex(32))
    )
    slash = s.mattermost_slash_token.get_secret_value() if s.mattermost_slash_token else None
    adapter = MattermostAdapter(
        app.engine.front,
        app.clock,
        url=s.mattermost_url,
        token=s.mattermost_token.get_secret_value(),
        actions_url=s.mattermost_actions_url,
        secret=secret,
        slash_token=slash,
        metrics=app.metrics,
    )
    adapter.client.pacer = Pacer(mattermost_limits(s.mattermost_rate, s.mattermost_burst))
    app.closers.append(adapter.close)
    app.listeners.append(adapter.stop_listening)
    try:
        await adapter.connect()
    except DeliveryError as error:
        raise StartError(
            f"Mattermost at {s.mattermost_url} did not accept MATTERMOST_TOKEN ({error.reason})."
        ) from None
    app.add_gateway(adapter.gateway)
    app.connections["mattermost"] = adapter.problem
    return list(adapter.routes())
