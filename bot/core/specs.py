"""Reminders made from fields (the REST API, AI assistants) instead of a chat phrase.

The fields say who or where (``target`` on a ``platform``), what (``message``, an
``entity``), and when: once (``at``), a series (``rrule`` from ``dtstart`` in ``tz``),
several times before an event (``event_at`` and ``offsets``), or when an entity's status
changes (``trigger_status``). ``stop_statuses`` end a reminder when its entity reaches one.
The same checks as chat apply: reach, minimum interval, nothing in the past.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core import schedule, texts
from bot.core.directory import Directories
from bot.core.drafts import DRAFT_TTL, Drafts
from bot.core.errors import InvalidRequest
from bot.core.model import (
    Actor,
    Conversation,
    Destination,
    Escalation,
    NewReminder,
    Origin,
    Reminder,
    ReminderState,
    TargetKind,
)
from bot.core.people import People
from bot.core.ports import ApiRepository, ChatGateway, Clock, DeliveryError
from bot.core.tokens import is_system
from bot.core.webhooks import checked_webhook_url
from bot.parsing import Recurrence, occurrences_after
from bot.parsing.zones import is_zone

PLATFORMS = ("slack", "mattermost", "console")
_FREQUENCIES = ("MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
API_CONVERSATION = Conversation(id="api", kind="dm", name="api")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSpec:
    target: Destination
    message: str
    platform: str | None = None
    workspace: str | None = None  # the target's (a Slack team); the owner's by default
    at: datetime | None = None
    rrule: str | None = None
    dtstart: datetime | None = None
    tz: str | None = None
    event_at: datetime | None = None
    offsets: tuple[int, ...] = ()
    entity: tuple[str, str] | None = None
    event_type: str | None = None
    stop_statuses: tuple[str, ...] = ()
    trigger_status: str | None = None
    channels: tuple[str, ...] = ()
    webhook_url: str | None = None  # the reminder's own webhook (checked: http or https)
    escalate: tuple[Escalation, ...] = ()
    until_done: bool = False
    urgent: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Made:
    """What a create did: the reminders (the first is the one asked for), whether they
    are new, and the offsets passed over because their time had gone."""

    reminders: list[Reminder]
    created: bool = True
    skipped: tuple[datetime, ...] = ()


class Specs:
    def __init__(
        self,
        repo: ApiRepository,
        clock: Clock,
        people: People,
        directories: Directories,
        drafts: Drafts,
        gateways: Mapping[str, ChatGateway],
        *,
        wake: Callable[[datetime], None] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.people = people
        self.directories = directories
        self.drafts = drafts
        self.gateways = gateways
        self.wake = wake or (lambda _when: None)

    async def create(self, owner: Actor, spec: ReminderSpec, *, confirm: bool = True) -> Made:
        """Make the reminder ``spec`` describes; an active one of the same owner, entity
        and event type is returned instead (``created`` false).

        Raises:
            InvalidRequest: what is wrong with the fields (``code`` says which).
        """
        now = self.clock.now()
        new, skipped = await self._new(owner, spec, now)
        if new.entity_type is not None and new.entity_id is not None:
            same = await self.repo.active_about(
                owner.key, new.entity_type, new.entity_id, new.event_type
            )
            if same is not None:
                return Made(reminders=[same], created=False)
        new = await self.directories.checked(_asker(owner), new)
        made = await self._store(owner, new, now, confirm=confirm)
        return Made(reminders=made, skipped=skipped)

    async def from_phrase(
        self, owner: Actor, text: str, *, platform: str | None = None, confirm: bool = True
    ) -> Made:
        """A phrase read as in chat (in the owner's zone), then confirmed unless asked not."""
        if is_system(owner):
            raise InvalidRequest("system_phrase")
        rem = await self.drafts.draft(owner, API_CONVERSATION, text, Origin.API)
        if not confirm:
            await self._show_draft(owner, rem)
            return Made(reminders=[rem])
        return Made(reminders=await self.drafts.confirm(owner, rem.id))

    async def _new(
        self, owner: Actor, spec: ReminderSpec, now: datetime
    ) -> tuple[NewReminder, tuple[datetime, ...]]:
        platform = _platform(owner, spec)
        tz = spec.tz or (await self.people.prefs(owner)).tz
        if not is_zone(tz):
            raise InvalidRequest("bad_zone", tz=tz)
        due, dtstart, skipped = self._first(spec, tz, now)
        entity_type, entity_id = spec.entity or (None, None)
        if (spec.stop_statuses or spec.trigger_status) and spec.entity is None:
            raise InvalidRequest("entity_needed")
        if spec.until_done and spec.rrule is None:
            raise InvalidRequest("until_done_repeat")
        if any(step.after_minutes < 1 for step in spec.escalate):
            raise InvalidRequest("escalate_minutes")
        if is_system(owner) and any(s.target.kind is TargetKind.ME for s in spec.escalate):
            raise InvalidRequest("system_target")  # a system account has no DM to tell
        new = NewReminder(
            owner=owner.key,
            platform=platform,
            workspace=spec.workspace if spec.workspace is not None else owner.workspace,
            conversation=API_CONVERSATION.id,
            target_kind=spec.target.kind,
            target_ref=spec.target.ref,
            target_name=spec.target.name,
            message=spec.message,
            phrase="",
            tz=tz,
            state=ReminderState.SCHEDULED,
            origin=Origin.API,
            next_due=due,
            entity_type=entity_type,
            entity_id=entity_id,
            rrule=spec.rrule.removeprefix("RRULE:") if spec.rrule else None,
            dtstart=dtstart,
            created_by=owner.key,
            event_at=spec.event_at,
            offsets=tuple(sorted(set(spec.offsets), reverse=True)),
            stop_statuses=spec.stop_statuses,
            trigger_status=spec.trigger_status,
            channels=spec.channels,
            urgent=spec.urgent,
            event_type=spec.event_type or _event_type(spec),
            webhook_url=checked_webhook_url(spec.webhook_url),
            escalate=spec.escalate,
            until_done=spec.until_done,
        )
        return new, skipped

    def _first(
        self, spec: ReminderSpec, tz: str, now: datetime
    ) -> tuple[datetime | None, datetime | None, tuple[datetime, ...]]:
        """The first due time, the series' start, and offsets already past."""
        kinds = [spec.at is not None, spec.rrule is not None, spec.event_at is not None]
        kinds.append(spec.trigger_status is not None)
        if sum(kinds) != 1:
            raise InvalidRequest("one_time" if any(kinds) else "no_time")
        if spec.at is not None:
            if spec.at <= now:
                raise InvalidRequest("past", when=spec.at)
            return spec.at, None, ()
        if spec.rrule is not None:
            rec = self.rule(spec.rrule, spec.dtstart or now, tz)
            found = occurrences_after(rec, now, 1)
            if not found:
                raise InvalidRequest("rule_over")
            return found[0], rec.dtstart, ()
        if spec.event_at is not None:
            return _offsets(spec.event_at, spec.offsets, now)
        return None, None, ()  # a trigger waits for its status

    def rule(self, text: str, dtstart: datetime, tz: str) -> Recurrence:
        """A rule from outside, checked: a known frequency, occurrences, not too often.

        Raises:
            InvalidRequest: ``bad_rule`` or ``too_frequent``.
        """
        rec = Recurrence(rrule=text.removeprefix("RRULE:"), dtstart=dtstart, tz=tz)
        parts = dict(p.split("=", 1) for p in rec.rrule.split(";") if "=" in p)
        if parts.get("FREQ") not in _FREQUENCIES or "DTSTART" in rec.rrule or "\n" in text:
            raise InvalidRequest("bad_rule")
        try:
            first_two = occurrences_after(rec, dtstart - timedelta(seconds=1), 2)
        except (ValueError, KeyError, TypeError, OverflowError):
            raise InvalidRequest("bad_rule") from None
        if len(first_two) == 2 and first_two[1] - first_two[0] < self.people.min_interval:
            raise InvalidRequest(
                "too_frequent", minutes=self.people.min_interval // timedelta(minutes=1)
            )
        return rec

    async def _store(
        self, owner: Actor, new: NewReminder, now: datetime, *, confirm: bool
    ) -> list[Reminder]:
        if confirm:
            rem = await self.repo.add(new, now, audit=(owner.key, "create"))
            if rem.next_due is not None:
                self.wake(rem.next_due)
            return [rem]
        if is_system(owner):
            raise InvalidRequest("draft_needs_chat")
        draft = replace(new, state=ReminderState.DRAFT, draft_expires_at=now + DRAFT_TTL)
        rem = await self.repo.add(draft, now, audit=(owner.key, "draft"))
        await self._show_draft(owner, rem)
        return [rem]

    async def _show_draft(self, owner: Actor, rem: Reminder) -> None:
        """A draft the API made is confirmed in chat: the owner gets its confirmation."""
        gateway = self.gateways.get(rem.platform)
        if gateway is None:
            return
        prefs = await self.people.prefs(owner)
        shown = texts.of(prefs.language, rem.language).draft(rem, self.clock.now())
        try:
            await gateway.notify(owner.key, shown)
        except DeliveryError as error:
            raise InvalidRequest("platform_unavailable", reason=error.reason) from None


def _asker(owner: Actor) -> Actor:
    """Who the reach checks are made for: a system account is nobody's member, so only
    the bot's own access counts (its platform user is empty)."""
    return replace(owner, user="") if is_system(owner) else owner


def _platform(owner: Actor, spec: ReminderSpec) -> str:
    if is_system(owner) and spec.target.kind is TargetKind.ME:
        raise InvalidRequest("system_target")
    platform = spec.platform or ("" if is_system(owner) else owner.platform)
    if not platform:
        raise InvalidRequest("platform_needed")
    if platform not in PLATFORMS:
        raise InvalidRequest("unknown_platform", platform=platform)
    return platform


def _event_type(spec: ReminderSpec) -> str:
    if spec.trigger_status is not None:
        return f"status:{spec.trigger_status}"
    return "offsets" if spec.event_at is not None else "time"


def _offsets(
    event_at: datetime, offsets: tuple[int, ...], now: datetime
) -> tuple[datetime, None, tuple[datetime, ...]]:
    if not offsets or any(m < 0 for m in offsets):
        raise InvalidRequest("bad_offsets")
    times = schedule.offset_times(event_at, offsets)
    coming = [t for t in times if t > now]
    if not coming:
        raise InvalidRequest("offsets_past", when=event_at)
    return coming[0], None, tuple(t for t in times if t <= now)
