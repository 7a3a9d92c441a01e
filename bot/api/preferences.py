"""``/users/me/preferences`` (a person's own, with where each comes from) and
``/workspaces/{workspace}/defaults`` (an admin's, with a system token)."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.api.deps import Auth, Caller, Use
from bot.api.models import ProblemOut
from bot.core import texts
from bot.core.errors import InvalidRequest
from bot.core.preferences import Settings, Source
from bot.core.tokens import is_system
from bot.core.workspaces import Workspaces

router = APIRouter(tags=["preferences"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ProblemOut, "description": "a body that is not JSON"},
    401: {"model": ProblemOut},
    404: {"model": ProblemOut, "description": "a path no route takes"},
    403: {"model": ProblemOut, "description": "a workspace's defaults need a system token"},
    422: {"description": "bad fields, or a value that fails its check (code and sentence)"},
}
_STRICT = ConfigDict(extra="forbid")
Workspace = Annotated[
    str,
    Path(max_length=255, description="platform:workspace, e.g. slack:T1", examples=["slack:T1"]),
]


class QuietHours(BaseModel):
    model_config = _STRICT
    start: str = Field(max_length=8, examples=["22:00"])
    end: str = Field(max_length=8, examples=["07:00"])


class PreferencesOut(BaseModel):
    """A person's preferences as they apply, and where each came from: ``yours``,
    ``platform`` (the zone of their chat profile), ``workspace`` (the workspace's
    default) or ``default`` (built in)."""

    channels: list[str]
    email: str | None = Field(description="null: the address of their chat profile")
    quiet_hours: QuietHours | None
    default_time: str = Field(examples=["09:00"])
    tz: str
    language: str | None = Field(description="en, da; null: as they write")
    sources: dict[str, Source]


class PreferencesIn(BaseModel):
    """What to change; a field left out stays. ``null`` means none: no quiet hours, the
    profile's email, answers in the language written. Each value is checked with a
    sentence of its own (``channels`` a non-empty list of chat, email, webhook)."""

    model_config = _STRICT
    channels: list[str] | None = Field(default=None, max_length=10)
    email: str | None = Field(default=None, max_length=254)
    quiet_hours: QuietHours | None = None
    default_time: str | None = Field(default=None, max_length=8)
    tz: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)


class DefaultsIn(BaseModel):
    """Workspace defaults to set; ``null`` removes one (everyone gets the built-in)."""

    model_config = _STRICT
    channels: list[str] | None = Field(default=None, max_length=10)
    quiet_hours: QuietHours | None = None
    default_time: str | None = Field(default=None, max_length=8)
    tz: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)


class DefaultsOut(BaseModel):
    workspace: str
    defaults: dict[str, Any] = Field(
        description="name -> value, as PATCH takes them; a name absent has no default"
    )


def _out(settings: Settings) -> PreferencesOut:
    prefs = settings.prefs
    quiet = (
        QuietHours(start=_hhmm(prefs.quiet_start), end=_hhmm(prefs.quiet_end))
        if prefs.quiet_start is not None and prefs.quiet_end is not None
        else None
    )
    return PreferencesOut(
        channels=list(prefs.channels or ("chat",)),
        email=prefs.email,
        quiet_hours=quiet,
        default_time=_hhmm(prefs.default_time),
        tz=prefs.tz,
        language=prefs.language,
        sources=dict(settings.sources),
    )


def _hhmm(when: time) -> str:
    return f"{when:%H:%M}"


def _person(who: Caller) -> None:
    if is_system(who.owner):
        raise InvalidRequest("system_preferences")


@router.get("/users/me/preferences", response_model=PreferencesOut, responses=ERRORS)
async def mine(use: Use, who: Auth) -> PreferencesOut:
    """The token owner's preferences as they apply, with ``sources``."""
    _person(who)
    return _out(await use.people.settings(who.owner))


@router.patch("/users/me/preferences", response_model=PreferencesOut, responses=ERRORS)
async def change_mine(
    use: Use, who: Auth, body: Annotated[PreferencesIn, Body()]
) -> PreferencesOut:
    """Change the owner's own preferences; every value is checked before any is stored.
    A workspace default never overrides what is set here."""
    _person(who)
    given = body.model_dump(mode="json", exclude_unset=True)
    return _out(await use.people.update(who.owner, given))


def _admin(who: Caller) -> JSONResponse | None:
    if is_system(who.owner):
        return None
    message = texts.ENGLISH.say("system_only")
    return JSONResponse({"detail": {"code": "system_only", "message": message}}, status_code=403)


@router.get("/workspaces/{workspace}/defaults", response_model=DefaultsOut, responses=ERRORS)
async def defaults(workspace: Workspace, use: Use, who: Auth) -> Any:
    """A workspace's defaults (system tokens only)."""
    if (refused := _admin(who)) is not None:
        return refused
    found = await Workspaces(use.people.repo, use.clock).defaults(workspace)
    return DefaultsOut(workspace=workspace, defaults=found)


@router.patch("/workspaces/{workspace}/defaults", response_model=DefaultsOut, responses=ERRORS)
async def change_defaults(
    workspace: Workspace, use: Use, who: Auth, body: Annotated[DefaultsIn, Body()]
) -> Any:
    """Set (or, with ``null``, remove) a workspace's defaults: what people there get
    where they chose nothing themselves. System tokens only; all values are checked
    before any is stored."""
    if (refused := _admin(who)) is not None:
        return refused
    given = body.model_dump(mode="json", exclude_unset=True)
    places = Workspaces(use.people.repo, use.clock)
    found = await places.change(workspace, given, who.owner.key)
    return DefaultsOut(workspace=workspace, defaults=found)
