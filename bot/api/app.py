"""The FastAPI app under ``/api/v1``: auth, errors, and the routes' shared parts."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.api import calendar, digests, entities, preferences, reminders, stats, templates
from bot.api.deps import Services, Unauthorized, problem
from bot.core.errors import InvalidRequest, NotAllowed, NotFound

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


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

    app.include_router(reminders.router)
    app.include_router(entities.router)
    app.include_router(calendar.router)
    app.include_router(stats.router)
    app.include_router(digests.router)
    app.include_router(templates.router)
    app.include_router(preferences.router)
    return app
