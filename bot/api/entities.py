"""``/entities`` (records' status, their reminders) and ``/actions/parse``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from bot.api import views
from bot.api.deps import Auth, Caller, Services, Use
from bot.api.models import (
    ActionOut,
    EntityIn,
    EntityOut,
    EscalateIn,
    ParseIn,
    ReminderOut,
    StatusIn,
    StatusOut,
    StopWhenIn,
    TargetIn,
    TriggerIn,
    escalation_to,
)
from bot.api.reminders import ERRORS
from bot.core import texts
from bot.core.model import ReminderQuery

router = APIRouter(tags=["records"])
Type = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
Ident = Annotated[str, Path(min_length=1, max_length=255)]


@router.put(
    "/entities/{entity_type}/{entity_id}/status", response_model=StatusOut, responses=ERRORS
)
async def set_status(
    entity_type: Type, entity_id: Ident, body: StatusIn, use: Use, _who: Auth
) -> StatusOut:
    """Record a record's status. The same status again changes nothing; a new one ends
    the reminders that stop at it and fires the triggers that wait for it, once."""
    done = await use.records.set_status(entity_type, entity_id, body.status)
    entity = EntityOut(type=entity_type, id=entity_id)
    if done is None:
        known = await use.records.status(entity_type, entity_id)
        at = known.at if known else None
        return StatusOut(
            entity=entity, status=body.status, changed=False, changed_at=at, stopped=[], fired=[]
        )
    change, stopped, fired = done
    return StatusOut(
        entity=entity,
        status=change.new,
        changed=True,
        changed_at=change.at,
        stopped=[r.id for r in stopped],
        fired=[r.id for r in fired],
    )


@router.get(
    "/entities/{entity_type}/{entity_id}/reminders",
    response_model=list[ReminderOut],
    responses=ERRORS,
)
async def about(entity_type: Type, entity_id: Ident, use: Use, who: Auth) -> list[ReminderOut]:
    """The owner's reminders on this record, deleted ones left out."""
    query = ReminderQuery(
        owner=who.owner.key, entity_type=entity_type, entity_id=entity_id, limit=500
    )
    now = use.clock.now()
    return [views.reminder(rem, now) for rem in await use.changes.find(query)]


@router.post("/actions/parse", response_model=ActionOut, responses=ERRORS)
async def parse_phrase(body: ParseIn, use: Use, who: Auth) -> ActionOut:
    """The SET_REMINDER action a phrase means, read in the owner's zone; nothing is
    stored. POST it to /reminders to create it."""
    return await action_of(use, who, body.text)


async def action_of(use: Services, who: Caller, text: str) -> ActionOut:
    cmd = await use.drafts.read(who.owner, text)
    first = cmd.targets[0]
    kind = {"here": "me"}.get(first.kind, first.kind)
    target = TargetIn(
        kind=kind,  # type: ignore[arg-type]
        id=first.ref,
        name=first.name,
        platform=None if who.owner.platform == "system" else who.owner.platform,  # type: ignore[arg-type]
    )
    rec = cmd.recurrence
    entity = EntityIn(type=cmd.entity.type, id=cmd.entity.id) if cmd.entity else None
    stop = StopWhenIn(status=list(cmd.stop_statuses)) if cmd.stop_statuses else None
    trigger = TriggerIn(status=cmd.trigger_status) if cmd.trigger_status else None
    return ActionOut(
        target=target,
        message=cmd.message,
        entity=entity,
        at=None if rec or cmd.event_at else cmd.when,
        rrule=rec.rrule if rec else None,
        dtstart=rec.dtstart if rec else None,
        tz=cmd.tz,
        event_at=cmd.event_at,
        offsets=list(cmd.offsets),
        stop_when=stop,
        trigger=trigger,
        escalate=[
            EscalateIn(after_minutes=e.after_minutes, to=escalation_to(e.target))
            for e in cmd.escalate
        ],
        until_done=cmd.until_done,
        occurrences=list(cmd.occurrences),
        confirmation=texts.ENGLISH.confirmation(cmd, use.clock.now()),
    )
