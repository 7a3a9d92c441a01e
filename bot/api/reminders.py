"""``/reminders``: create (from a phrase, fields or an action), list, read, change,
delete, snooze, complete, dismiss, history, and what is pending."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import JSONResponse

from bot.api import views
from bot.api.deps import Auth, Caller, Services, Use, problem
from bot.api.models import (
    HistoryOut,
    PatchIn,
    PendingOut,
    ProblemOut,
    ReminderIn,
    ReminderList,
    ReminderOut,
    SnoozeIn,
)
from bot.core.changes import Patch
from bot.core.errors import InvalidRequest, NotAllowed, NotFound
from bot.core.model import ReminderKind, ReminderQuery, ReminderState
from bot.core.specs import Made

router = APIRouter(prefix="/reminders", tags=["reminders"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ProblemOut, "description": "a body that is not JSON"},
    401: {"model": ProblemOut},
    404: {"model": ProblemOut},
    422: {"description": "invalid fields, or a refused phrase (code and sentence)"},
}
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=201, response_model=ReminderOut, responses=ERRORS | {200: {}})
async def create(
    body: ReminderIn,
    use: Use,
    who: Auth,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JSONResponse:
    """Create a reminder. With ``Idempotency-Key`` a repeat returns the first answer.
    Without one, an active reminder of the same owner, entity and event type is returned
    (200) instead of a second one (201)."""

    async def work() -> tuple[int, dict[str, Any]]:
        try:
            made = await _make(use, who, body)
        except (InvalidRequest, NotFound, NotAllowed) as error:
            return problem(error)
        first = views.reminder(made.reminders[0], use.clock.now(), made.skipped)
        return (201 if made.created else 200), first.model_dump(mode="json")

    if idempotency_key is None:
        status, answer = await work()
    else:
        try:
            status, answer = await use.keys.once(
                who.token.id, idempotency_key, body.model_dump(mode="json"), work
            )
        except TimeoutError:
            raise InvalidRequest("key_busy") from None
    return JSONResponse(answer, status_code=status)


async def _make(use: Services, who: Caller, body: ReminderIn) -> Made:
    if body.text is not None:
        return await use.specs.from_phrase(
            who.owner, body.text, platform=body.target.platform, confirm=body.confirm
        )
    return await use.specs.create(who.owner, body.spec(), confirm=body.confirm)


@router.get("", response_model=ReminderList, responses=ERRORS)
async def listing(
    use: Use,
    who: Auth,
    state: Annotated[list[ReminderState] | None, Query()] = None,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=255)] = None,
    target: Annotated[str | None, Query(max_length=255)] = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[list[ReminderKind] | None, Query()] = None,
) -> ReminderList:
    """The owner's reminders, oldest first; ``next_cursor`` goes back as ``?cursor=``.
    Reminders only, unless ``kind`` asks for digests, escalations (or several kinds)."""
    query = ReminderQuery(
        kinds=tuple(kind or (ReminderKind.REMINDER,)),
        owner=who.owner.key,
        states=tuple(state or ()),
        entity_type=entity_type,
        entity_id=entity_id,
        target_ref=target,
        due_before=_aware(due_before),
        due_after=_aware(due_after),
        after_id=_after(cursor),
        limit=limit + 1,
    )
    found = await use.changes.find(query)
    now = use.clock.now()
    page = found[:limit]
    more = _cursor(page[-1].id) if len(found) > limit else None
    return ReminderList(items=[views.reminder(r, now) for r in page], next_cursor=more)


@router.get("/pending", response_model=list[PendingOut], responses=ERRORS)
async def pending(
    use: Use, who: Auth, owner: Annotated[Literal["me"], Query()] = "me"
) -> list[PendingOut]:
    """What was delivered and not yet completed or dismissed."""
    now = use.clock.now()
    return [
        PendingOut(reminder=views.reminder(rem, now), occurrence=views.occurrence(occ))
        for rem, occ in await use.changes.pending(who.owner)
    ]


@router.get("/{reminder_id}", response_model=ReminderOut, responses=ERRORS)
async def read(reminder_id: Id, use: Use, who: Auth) -> ReminderOut:
    return views.reminder(await use.changes.get(who.owner, reminder_id), use.clock.now())


@router.patch("/{reminder_id}", response_model=ReminderOut, responses=ERRORS)
async def change(reminder_id: Id, body: PatchIn, use: Use, who: Auth) -> ReminderOut:
    """Change the message, the time, the rule or the event; pause or resume (a paused
    series passes over what falls due meanwhile, and its history says so). Offsets that a
    moved event leaves in the past are listed as ``skipped``, never sent late."""
    patch = Patch(**body.model_dump())
    rem, skipped = await use.changes.change(who.owner, reminder_id, patch)
    return views.reminder(rem, use.clock.now(), skipped)


@router.delete("/{reminder_id}", status_code=204, responses=ERRORS)
async def delete(reminder_id: Id, use: Use, who: Auth) -> Response:
    """Soft: the reminder stops, and it and its history stay readable."""
    await use.drafts.delete(who.owner, reminder_id)
    return Response(status_code=204)


@router.post("/{reminder_id}/snooze", response_model=ReminderOut, responses=ERRORS)
async def snooze(reminder_id: Id, body: SnoozeIn, use: Use, who: Auth) -> ReminderOut:
    now = use.clock.now()
    when: str | datetime = body.text or ""
    if body.until is not None:
        when = body.until
    elif body.minutes is not None:
        when = now + timedelta(minutes=body.minutes)
    rem, _until = await use.changes.snooze(who.owner, reminder_id, when)
    return views.reminder(rem, now)


@router.post("/{reminder_id}/complete", response_model=ReminderOut, responses=ERRORS)
async def complete(reminder_id: Id, use: Use, who: Auth) -> ReminderOut:
    rem = await use.changes.complete(who.owner, reminder_id)
    return views.reminder(rem, use.clock.now())


@router.post("/{reminder_id}/dismiss", response_model=ReminderOut, responses=ERRORS)
async def dismiss(reminder_id: Id, use: Use, who: Auth) -> ReminderOut:
    rem = await use.changes.dismiss(who.owner, reminder_id)
    return views.reminder(rem, use.clock.now())


@router.get("/{reminder_id}/history", response_model=HistoryOut, responses=ERRORS)
async def history(reminder_id: Id, use: Use, who: Auth) -> HistoryOut:
    """Every occurrence and audit line; still answers after a delete."""
    found = await use.changes.history(who.owner, reminder_id)
    return HistoryOut(
        reminder=views.reminder(found.reminder, use.clock.now()),
        occurrences=[views.occurrence(o) for o in found.occurrences],
        events=[views.audit(line) for line in found.lines],
    )


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{last_id}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return max(0, min(int(text.removeprefix("r")), 2**31 - 1))
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest("bad_cursor") from None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise InvalidRequest("naive_time")
    return moment
