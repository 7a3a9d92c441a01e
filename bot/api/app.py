"""The FastAPI app under ``/api/v1``: auth, errors, and the routes' shared parts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.core import texts
from bot.core.changes import Changes
from bot.core.drafts import Drafts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound, PhraseRefused
from bot.core.model import Actor, ApiToken, UserRef
from bot.core.people import People
from bot.core.ports import ApiRepository, Clock
from bot.core.records import Records
from bot.core.specs import Specs
from bot.core.tokens import Tokens

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True, slots=True)
class Services:
    """What the routes call: the use cases, and the repository for idempotency keys."""

    repo: ApiRepository
    clock: Clock
    tokens: Tokens
    people: People
    drafts: Drafts
    specs: Specs
    changes: Changes
    records: Records


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
    try:
        return texts.problem(error).text
    except (KeyError, TypeError):
        return texts.api_problem(error.code)


def create_app(use: Services) -> FastAPI:
    app = FastAPI(
        title="remindbot",
        version="1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        description="Reminders on the records of other systems, with the guarantees of chat.",
    )
    app.state.services = use

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_request: Request, _error: Unauthorized) -> JSONResponse:
        return JSONResponse(
            {"detail": {"code": "unauthorized", "message": "A valid API token is needed."}},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(NotFound)
    @app.exception_handler(NotAllowed)
    @app.exception_handler(InvalidRequest)
    async def _refused(_request: Request, error: Exception) -> JSONResponse:
        status, body = problem(error)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Starlette's own answers (no such route, a body that is not JSON) in our shape.
        code = {400: "bad_body", 404: "not_found", 405: "method"}.get(error.status_code, "http")
        body = {"detail": {"code": code, "message": str(error.detail)}}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in error.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    from bot.api import entities, reminders  # the routes, registered on this app

    app.include_router(reminders.router)
    app.include_router(entities.router)
    return app
