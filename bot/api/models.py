"""The REST API's bodies: pydantic models at the edge, turned into core values here."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from bot.core.model import Destination, Escalation, TargetKind
from bot.core.specs import PLATFORMS, ReminderSpec
from bot.core.webhooks import MAX_URL
from bot.parsing import Target

Channel = Literal["chat", "email", "webhook"]
Name = Field(min_length=1, max_length=255)
_STRICT = ConfigDict(extra="forbid")
WEBHOOK_URL = "where the webhook channel POSTs this reminder (http or https)"


class TargetIn(BaseModel):
    """Who or where: ``me`` (the token's owner), a person or a channel on a platform."""

    model_config = _STRICT
    kind: Literal["me", "user", "channel"] = "me"
    id: str = Field(default="", max_length=255, description="the platform's id (U123, C123)")
    name: str = Field(default="", max_length=255)
    platform: Literal["slack", "mattermost", "console"] | None = None
    workspace: str | None = Field(default=None, max_length=255)

    @model_validator(mode="after")
    def _needs_id(self) -> TargetIn:
        if self.kind != "me" and not self.id:
            raise ValueError("a user or channel target needs its id")
        return self


class EntityIn(BaseModel):
    model_config = _STRICT
    type: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    id: str = Field(min_length=1, max_length=255)


class StopWhenIn(BaseModel):
    model_config = _STRICT
    entity: EntityIn | None = None
    status: list[str] = Field(min_length=1, max_length=20)


class TriggerIn(BaseModel):
    model_config = _STRICT
    entity: EntityIn | None = None
    status: str = Field(min_length=1, max_length=255, description='a status, or "*" for any')


class EscalateIn(BaseModel):
    """Tell ``to`` (``@name`` or a user id, ``#name`` or a channel id) if an occurrence
    is not completed ``after_minutes`` after its due time."""

    model_config = _STRICT
    after_minutes: int = Field(ge=1, le=10_080, description="minutes after the due time")
    to: str = Field(min_length=1, max_length=255, pattern=r"^[#~@]?[\w.\-]+$")

    def step(self) -> Escalation:
        return Escalation(after_minutes=self.after_minutes, target=escalation_target(self.to))


def escalation_to(target: Target) -> str:
    """A parsed escalation target as ``to`` says it (the inverse of ``escalation_target``)."""
    if target.kind == "channel":
        return f"#{target.ref}"
    return "me" if target.kind in ("me", "here") else f"@{target.ref}"


def escalation_target(to: str) -> Destination:
    """``#ops`` a channel, ``@lead`` (or a bare id) a person, as the chat phrases say it."""
    if to[0] in "#~":
        return Destination(kind=TargetKind.CHANNEL, ref=to[1:], name=to[1:])
    if to == "me":
        return Destination(kind=TargetKind.ME)
    return Destination(kind=TargetKind.USER, ref=to.removeprefix("@"))


class ReminderIn(BaseModel):
    """A reminder from a phrase (``text``) or from fields; ``confirm`` false leaves a
    draft that the owner confirms in chat. A ``SET_REMINDER`` action from
    ``/actions/parse`` is accepted as it is."""

    model_config = _STRICT
    text: str | None = Field(default=None, min_length=1, max_length=5000)
    target: TargetIn = Field(default_factory=TargetIn)
    message: str = Field(default="", max_length=4000)
    at: AwareDatetime | None = None
    rrule: str | None = Field(default=None, min_length=6, max_length=500)
    dtstart: AwareDatetime | None = None
    tz: str | None = Field(default=None, max_length=64)
    event_at: AwareDatetime | None = None
    offsets: list[int] = Field(default_factory=list, max_length=20)
    event: EntityIn | None = None
    entity: EntityIn | None = None
    event_type: str | None = Field(default=None, max_length=64)
    channels: list[Channel] = Field(default_factory=list, max_length=3)
    webhook_url: str | None = Field(default=None, max_length=MAX_URL, description=WEBHOOK_URL)
    urgent: bool = Field(default=False, description="passes quiet hours (and the rate limit)")
    stop_when: StopWhenIn | None = None
    trigger: TriggerIn | None = None
    escalate: list[EscalateIn] = Field(default_factory=list, max_length=5)
    until_done: bool = Field(default=False, description="a repeat that ends when completed")
    confirm: bool = True
    action: Literal["SET_REMINDER"] | None = None
    confirmation: str | None = None
    occurrences: list[AwareDatetime] | None = None

    def spec(self) -> ReminderSpec:
        entity = self.entity or self.event or _entity_of(self.stop_when, self.trigger)
        return ReminderSpec(
            target=Destination(
                kind=TargetKind(self.target.kind), ref=self.target.id, name=self.target.name
            ),
            message=self.message,
            platform=self.target.platform,
            workspace=self.target.workspace,
            at=self.at,
            rrule=self.rrule,
            dtstart=self.dtstart,
            tz=self.tz,
            event_at=self.event_at,
            offsets=tuple(self.offsets),
            entity=(entity.type, entity.id) if entity else None,
            event_type=self.event_type,
            stop_statuses=tuple(self.stop_when.status) if self.stop_when else (),
            trigger_status=self.trigger.status if self.trigger else None,
            channels=tuple(dict.fromkeys(self.channels)),
            webhook_url=self.webhook_url,
            escalate=tuple(step.step() for step in self.escalate),
            until_done=self.until_done,
            urgent=self.urgent,
        )


def _entity_of(stop: StopWhenIn | None, trigger: TriggerIn | None) -> EntityIn | None:
    return (stop.entity if stop else None) or (trigger.entity if trigger else None)


class PatchIn(BaseModel):
    model_config = _STRICT
    message: str | None = Field(default=None, max_length=4000)
    at: AwareDatetime | None = None
    rrule: str | None = Field(default=None, min_length=6, max_length=500)
    dtstart: AwareDatetime | None = None
    tz: str | None = Field(default=None, max_length=64)
    event_at: AwareDatetime | None = None
    paused: bool | None = None
    webhook_url: str | None = Field(
        default=None, max_length=MAX_URL, description=WEBHOOK_URL + '; "" removes it'
    )
    urgent: bool | None = None


class SnoozeIn(BaseModel):
    """One of: ``until`` (a time), ``minutes``, or ``text`` ("Friday 9am")."""

    model_config = _STRICT
    until: AwareDatetime | None = None
    minutes: int | None = Field(default=None, ge=1, le=525_600)
    text: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one(self) -> SnoozeIn:
        if sum(v is not None for v in (self.until, self.minutes, self.text)) != 1:
            raise ValueError("give exactly one of until, minutes or text")
        return self


class StatusIn(BaseModel):
    model_config = _STRICT
    status: str = Field(min_length=1, max_length=255)


class ParseIn(BaseModel):
    model_config = _STRICT
    text: str = Field(min_length=1, max_length=5000)


class TargetOut(BaseModel):
    kind: str
    id: str
    name: str
    platform: str


class EntityOut(BaseModel):
    type: str
    id: str


class EscalateOut(BaseModel):
    after_minutes: int
    to: TargetOut


class ReminderOut(BaseModel):
    id: int
    state: str
    owner: str
    target: TargetOut
    message: str
    entity: EntityOut | None
    event_type: str | None
    tz: str
    next_due: datetime | None
    occurrences: list[datetime]
    rrule: str | None
    dtstart: datetime | None
    event_at: datetime | None
    offsets: list[int]
    stop_when: list[str]
    trigger: str | None
    channels: list[str]
    webhook_url: str | None = None
    escalate: list[EscalateOut] = Field(default_factory=list)
    until_done: bool = False
    kind: str = "reminder"
    urgent: bool
    created_at: datetime
    deleted_at: datetime | None
    skipped: list[datetime] = Field(default_factory=list, description="offsets already past")


class ReminderList(BaseModel):
    items: list[ReminderOut]
    next_cursor: str | None


class OccurrenceOut(BaseModel):
    id: int
    due_at: datetime
    state: str
    attempts: int
    sent_at: datetime | None
    error: str | None
    completed_by: list[str]
    dismissed_at: datetime | None


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    channel: str | None = Field(default=None, description="the delivery channel, if any")
    detail: dict[str, object] | None


class HistoryOut(BaseModel):
    reminder: ReminderOut
    occurrences: list[OccurrenceOut]
    events: list[AuditOut]


class PendingOut(BaseModel):
    reminder: ReminderOut
    occurrence: OccurrenceOut


class ActionOut(BaseModel):
    """The SET_REMINDER action a phrase means; POST it to /reminders to create it."""

    action: Literal["SET_REMINDER"] = "SET_REMINDER"
    target: TargetIn
    message: str
    entity: EntityIn | None
    at: datetime | None
    rrule: str | None
    dtstart: datetime | None
    tz: str
    event_at: datetime | None = None
    offsets: list[int] = Field(default_factory=list)
    stop_when: StopWhenIn | None = None
    trigger: TriggerIn | None = None
    escalate: list[EscalateIn] = Field(default_factory=list)
    until_done: bool = False
    occurrences: list[datetime]
    confirmation: str


class StatusOut(BaseModel):
    entity: EntityOut
    status: str
    changed: bool
    changed_at: datetime | None
    stopped: list[int]
    fired: list[int]


class Problem(BaseModel):
    code: str
    message: str


class ProblemOut(BaseModel):
    detail: Problem


__all__ = ["PLATFORMS"]
