"""``/users/me/digest``: the caller's daily digest (bot/core/digests.py) — set or replace
it (PUT), read it (GET), stop it (DELETE). One per person; a system account has none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.api.deps import Auth, Use
from bot.core.digests import plan_from_api, plan_of
from bot.core.errors import InvalidRequest
from bot.core.model import Origin, Reminder
from bot.core.texts import ENGLISH
from bot.parsing.zones import is_zone

router = APIRouter(prefix="/users/me/digest", tags=["digest"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "a body that is not JSON"},
    401: {"description": "no token, a wrong one or a revoked one"},
    404: {"description": "no digest (code no_digest)"},
    422: {"description": "a time, days or zone it cannot use (code and sentence)"},
}


class DigestIn(BaseModel):
    """When the digest comes: a local time, on some days, in the owner's zone (or ``tz``)."""

    model_config = ConfigDict(extra="forbid")
    time: str = Field(max_length=8, examples=["08:00"])
    days: str | list[str] = Field(
        default="daily",
        examples=["weekdays", ["mon", "thu"]],
        description="'weekdays', 'daily', 'weekends', or day names mon..sun",
    )
    even_when_empty: bool = False
    tz: str | None = Field(default=None, max_length=64, description="default: the owner's")


class DigestOut(BaseModel):
    id: int
    time: str
    days: list[str]
    even_when_empty: bool
    tz: str
    rrule: str
    next_at: datetime | None
    created_at: datetime


@router.put("", response_model=DigestOut, responses=ERRORS)
async def put(body: DigestIn, use: Use, who: Auth) -> DigestOut:
    """Set the caller's digest, replacing the one they had."""
    plan = plan_from_api(body.time, body.days, body.even_when_empty)
    tz = body.tz or (await use.people.prefs(who.owner)).tz
    if not is_zone(tz):
        raise InvalidRequest("bad_zone", tz=tz)
    return _out(await use.digests.set(who.owner, plan, tz=tz, origin=Origin.API))


@router.get("", response_model=DigestOut, responses=ERRORS)
async def read(use: Use, who: Auth) -> DigestOut | JSONResponse:
    found = await use.digests.get(who.owner)
    return _none() if found is None else _out(found)


@router.delete("", status_code=204, responses=ERRORS)
async def stop(use: Use, who: Auth) -> Response:
    try:
        await use.digests.stop(who.owner)
    except InvalidRequest:
        return _none()
    return Response(status_code=204)


def _none() -> JSONResponse:
    body = {"detail": {"code": "no_digest", "message": ENGLISH.say("no_digest_api")}}
    return JSONResponse(body, status_code=404)


def _out(rem: Reminder) -> DigestOut:
    plan = plan_of(rem)
    return DigestOut(
        id=rem.id,
        time=f"{plan.at:%H:%M}",
        days=plan.day_names,
        even_when_empty=plan.even_when_empty,
        tz=rem.tz,
        rrule=rem.rrule or "",
        next_at=rem.next_due,
        created_at=rem.created_at,
    )
