"""``/users/me/calendar``: the caller's private calendar feed URL, made or revoked.

The URL is in the answer only when it is made (the token is stored as its hash); a new
one revokes the one before.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from bot.api.deps import Auth, Use
from bot.api.reminders import ERRORS
from bot.core.calendar import Calendars
from bot.core.errors import InvalidRequest

router = APIRouter(prefix="/users/me/calendar", tags=["calendar"])


class CalendarOut(BaseModel):
    url: str


def _calendars(use: Use) -> Calendars:
    if use.calendars is None or not use.calendars.enabled:
        raise InvalidRequest("feed_needs_url")
    return use.calendars


@router.post("", status_code=201, response_model=CalendarOut, responses=ERRORS)
async def new_feed(use: Use, who: Auth) -> CalendarOut:
    """A new private iCalendar feed URL of the caller's upcoming reminders; the caller's
    earlier feed URL stops working. 422 ``feed_needs_url`` when the bot has no
    ``REMINDBOT_PUBLIC_URL``; 422 ``system_calendar`` for a system token."""
    return CalendarOut(url=await _calendars(use).new_feed(who.owner))


@router.delete("", status_code=204, responses=ERRORS)
async def revoke(use: Use, who: Auth) -> Response:
    """Turn the caller's feed off (its URL answers 404 from now on); 204 also when there
    was none, so a repeat is harmless."""
    await _calendars(use).revoke(who.owner)
    return Response(status_code=204)
