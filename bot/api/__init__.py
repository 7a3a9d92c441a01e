"""The REST API for other systems, under ``/api/v1``: the same use cases as chat,
their values serialised (never their sentences parsed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from starlette.routing import Mount
from starlette.types import ASGIApp

from bot.api.app import MAX_BODY, create_app
from bot.api.deps import Services
from bot.api.keys import Keys
from bot.core.calendar import Calendars
from bot.core.changes import Changes
from bot.core.digests import Digests
from bot.core.engine import Engine
from bot.core.ports import ApiRepository, ChatGateway, Clock
from bot.core.records import Records
from bot.core.reports import Reports
from bot.core.specs import Specs
from bot.core.tokens import Tokens
from bot.core.wording import Wording

PREFIX = "/api/v1"


def services(
    repo: ApiRepository,
    clock: Clock,
    engine: Engine,
    gateways: Mapping[str, ChatGateway],
    *,
    wake: Callable[[datetime], None] | None = None,
    calendars: Calendars | None = None,
    reports: Reports | None = None,
) -> Services:
    specs = Specs(
        repo, clock, engine.people, engine.directories, engine.drafts, gateways, wake=wake
    )
    return Services(
        clock=clock,
        keys=Keys(repo, clock),
        tokens=Tokens(repo, clock),
        people=engine.people,
        drafts=engine.drafts,
        specs=specs,
        changes=Changes(repo, clock, specs, engine.followups, wake=wake),
        records=Records(repo, clock, gateways, wake=wake),
        calendars=calendars,
        reports=reports,
        digests=Digests(repo, clock, wake=wake),
        wording=Wording(repo, clock),
    )


def mount(use: Services) -> Mount:
    """The API as a route of the one HTTP app, its bodies limited to 64 KB."""
    from bot.http import BodyLimit

    app: ASGIApp = BodyLimit(create_app(use), MAX_BODY)
    return Mount(PREFIX, app=app)


__all__ = ["PREFIX", "Services", "create_app", "mount", "services"]
