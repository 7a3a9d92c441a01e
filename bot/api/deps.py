"""What every route of the API shares: the services, who is calling, and how a use
case's error becomes an answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.api.keys import Keys
from bot.core import texts
from bot.core.calendar import Calendars
from bot.core.changes import Changes
from bot.core.digests import Digests
from bot.core.drafts import Drafts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.model import Actor, ApiToken, UserRef
from bot.core.people import People
from bot.core.ports import Clock
from bot.core.records import Records
from bot.core.reports import Reports
from bot.core.specs import Specs
from bot.core.tokens import Tokens
from bot.core.wording import Wording

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True, slots=True)
class Services:
    """What the routes call: the use cases, and the idempotency keys."""

    clock: Clock
    keys: Keys
    tokens: Tokens
    people: People
    drafts: Drafts
    specs: Specs
    changes: Changes
    records: Records
    wording: Wording  # workspace message templates
    digests: Digests
    calendars: Calendars | None = None  # the calendar feeds (None: not wired)
    reports: Reports | None = None  # statistics (None: not wired)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking: the token, and the owner it acts for."""

    token: ApiToken
    owner: Actor


class Unauthorized(Exception):
    pass


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The token's owner; 401 for no token, a wrong one or a revoked one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized
    token = await services(request).tokens.check(credentials.credentials)
    if token is None:
        raise Unauthorized
    ref = UserRef.of(token.owner)
    owner = Actor(platform=ref.platform, workspace=ref.workspace, user=ref.user, name=token.name)
    return Caller(token=token, owner=owner)


Auth = Annotated[Caller, Depends(caller)]
Use = Annotated[Services, Depends(services)]


def problem(error: Exception) -> tuple[int, dict[str, Any]]:
    """The status and body for a use case's error: 404 for what the owner may not see,
    422 with the code and the sentence a chat user would get."""
    if isinstance(error, NotFound | NotAllowed):
        return 404, {"detail": {"code": "not_found", "message": "No such reminder."}}
    assert isinstance(error, InvalidRequest)
    code = error.code
    if isinstance(error, PhraseRefused):
        code = error.refusal.code.value
    message = _sentence(error)
    status = 409 if code == "key_busy" else 422
    return status, {"detail": {"code": code, "message": message}}


def _sentence(error: InvalidRequest) -> str:
    return texts.ENGLISH.sentence(error)
