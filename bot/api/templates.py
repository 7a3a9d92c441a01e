"""``/templates``: a workspace's message templates, by a system token only.

``PUT /templates/{name}`` stores a template once it passes the check (422 with the
reason otherwise), ``GET`` reads one (or, without a name, all a workspace has), and
``DELETE`` goes back to the built-in text. A user's token gets 403: a template words
every reminder of a workspace, not one person's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.api.deps import Auth, Use, problem
from bot.api.models import ProblemOut
from bot.api.reminders import ERRORS
from bot.core import templates, texts
from bot.core.errors import InvalidRequest, NotAllowed, NotFound

router = APIRouter(prefix="/templates", tags=["templates"])
RESPONSES: dict[int | str, dict[str, Any]] = ERRORS | {
    403: {"model": ProblemOut, "description": "not a system token"},
    422: {"description": "an invalid template (code and the reason), workspace or name"},
}
Name = Annotated[str, Path(min_length=1, max_length=32, description=", ".join(templates.NAMES))]
Workspace = Annotated[
    str, Query(min_length=2, max_length=255, description="platform:workspace, e.g. slack:T1")
]


class TemplateIn(BaseModel):
    workspace: str = Field(min_length=2, max_length=255, examples=["slack:T1"])
    source: str = Field(examples=["{{ message }} ({{ due }})"])  # its length: the check


class TemplateOut(BaseModel):
    workspace: str
    name: str
    source: str


class TemplateList(BaseModel):
    workspace: str
    items: list[TemplateOut]


@router.put("/{name}", response_model=TemplateOut, responses=RESPONSES)
async def save(name: Name, body: TemplateIn, use: Use, who: Auth) -> Any:
    """Store a template for the workspace, replacing its own; refused with the reason
    (a syntax error and its line, a name that is no field, an unsafe attribute)."""
    try:
        await use.wording.save(who.owner, body.workspace, name, body.source)
    except (InvalidRequest, NotAllowed, NotFound) as error:
        return _refused(error)
    return TemplateOut(workspace=body.workspace, name=name, source=body.source)


@router.get("", response_model=TemplateList, responses=RESPONSES)
async def listing(workspace: Workspace, use: Use, who: Auth) -> Any:
    """The templates the workspace has (what it has not is worded by the bot)."""
    try:
        found = await use.wording.show(who.owner, workspace)
    except (InvalidRequest, NotAllowed, NotFound) as error:
        return _refused(error)
    items = [TemplateOut(workspace=workspace, name=n, source=s) for n, s in found.items()]
    return TemplateList(workspace=workspace, items=items)


@router.get("/{name}", response_model=TemplateOut, responses=RESPONSES)
async def read(name: Name, workspace: Workspace, use: Use, who: Auth) -> Any:
    try:
        source = await use.wording.one(who.owner, workspace, name)
    except (InvalidRequest, NotAllowed, NotFound) as error:
        return _refused(error)
    return TemplateOut(workspace=workspace, name=name, source=source)


@router.delete("/{name}", status_code=204, responses=RESPONSES)
async def reset(name: Name, workspace: Workspace, use: Use, who: Auth) -> Response:
    """Forget the workspace's template: the built-in text is used again."""
    try:
        await use.wording.reset(who.owner, workspace, name)
    except (InvalidRequest, NotAllowed, NotFound) as error:
        return _refused(error)
    return Response(status_code=204)


def _refused(error: Exception) -> JSONResponse:
    """403 for a user's token, 404 for a template the workspace does not have, else the
    API's usual 422 with the code and the sentence."""
    if isinstance(error, NotAllowed):
        code, status, message = "forbidden", 403, texts.ENGLISH.say("template_system_only")
    elif isinstance(error, NotFound):
        workspace, _, name = str(error.ident).rpartition("/")
        message = texts.ENGLISH.say("template_missing", workspace=workspace, name=name)
        code, status = "not_found", 404
    else:
        status, body = problem(error)
        return JSONResponse(body, status_code=status)
    return JSONResponse({"detail": {"code": code, "message": message}}, status_code=status)
