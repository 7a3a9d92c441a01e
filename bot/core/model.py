"""The engine's value objects: users, reminders, occurrences, and the neutral replies.

Platform-free: adapters turn ``Reply`` into Block Kit, Mattermost attachments or
terminal text, and turn platform events into ``Actor`` + text.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Literal


class ReminderState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OccurrenceState(enum.StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    DEFERRED = "deferred"
    SKIPPED = "skipped"
    HELD = "held"  # over the recipient's rate limit: goes out in the next summary
    DRY_RUN = "dry_run"  # handled in a dry run: logged, not sent (and never sent later)


# An occurrence in one of these is handled: never delivered again.
FINISHED_STATES = (
    OccurrenceState.SENT,
    OccurrenceState.FAILED,
    OccurrenceState.SKIPPED,
    OccurrenceState.DRY_RUN,
)

# The delivery channels, named so everywhere (the API, preferences, the history).
CHANNELS = ("chat", "email", "webhook")


class ReminderKind(enum.StrEnum):
    """What a reminder row makes when it is due."""

    REMINDER = "reminder"
    DIGEST = "digest"  # a list of the owner's reminders of the day
    ESCALATION = "escalation"  # tells someone that a watched occurrence is not done
    SUMMARY = "summary"  # the held deliveries of one recipient, in one message


class TargetKind(enum.StrEnum):
    """Where a reminder is delivered: to its owner, to another person, or into a channel."""

    ME = "me"
    USER = "user"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """One target: ``ref`` is the platform's id (user or channel), ``name`` what to show."""

    kind: TargetKind
    ref: str = ""
    name: str = ""


class Access(enum.StrEnum):
    """Whether a person may have the bot post to a target, and if not, why."""

    OK = "ok"
    NO_CHANNEL = "no_channel"  # no such channel, or one the bot cannot see
    NOT_MEMBER = "not_member"  # the person is not a member of the channel
    BOT_NOT_MEMBER = "bot_not_member"  # the bot is not in the channel, so cannot post
    NO_USER = "no_user"  # nobody the person could message (unknown, deactivated, outside)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reach:
    """A platform's answer about one target: the verdict and the target as it knows it
    (a channel written by name comes back with its id)."""

    access: Access
    destination: Destination


class Origin(enum.StrEnum):
    CHAT = "chat"
    SLASH = "slash"
    API = "api"
    SNOOZE = "snooze"
    TRIGGER = "trigger"  # fired by a status change of its entity


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRef:
    """A person on a platform: ``user`` is the platform's own id, in ``workspace``.

    ``key`` (``slack:T1:U1``) is how storage names them; ``UserRef.of`` reads one back.
    """

    platform: str
    workspace: str
    user: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user}"

    @classmethod
    def of(cls, key: str) -> UserRef:
        """The person a key names; a bare name is a console user (``ann``)."""
        platform, workspace, user = key.split(":", 2) if key.count(":") >= 2 else ("", "", key)
        if not platform:
            return cls(platform="console", workspace="local", user=user)
        return cls(platform=platform, workspace=workspace, user=user)

    def sibling(self, user: str) -> UserRef:
        """Another person of the same workspace."""
        return UserRef(platform=self.platform, workspace=self.workspace, user=user)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor(UserRef):
    """The person doing something now, with the name the platform shows for them."""

    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserPrefs:
    """A user's settings. ``tz_source`` is ``user`` once they set it themselves."""

    key: str
    tz: str = "UTC"
    tz_source: Literal["default", "platform", "user"] = "default"
    date_order: Literal["MDY", "DMY"] = "MDY"
    default_time: time = time(9, 0)
    quiet_start: time | None = None
    quiet_end: time | None = None
    language: str | None = None
    display_name: str = ""
    email: str | None = None  # set by the person; else the platform profile's is used
    channels: tuple[str, ...] = ()  # the person's default channels; () is the workspace's
    # The preferences they chose themselves (``quiet_hours``, ``default_time``…), which a
    # workspace default never overrides, also when the choice equals the built-in value.
    own: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    """Tell ``target`` if the occurrence is not completed ``after_minutes`` after it was sent."""

    after_minutes: int
    target: Destination


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReminder:
    """What core asks storage to insert; storage assigns the id and timestamps."""

    owner: str
    platform: str
    workspace: str
    conversation: str
    target_kind: TargetKind
    target_ref: str
    target_name: str
    message: str
    phrase: str
    tz: str
    state: ReminderState
    origin: Origin
    next_due: datetime | None
    entity_type: str | None = None
    entity_id: str | None = None
    rrule: str | None = None
    dtstart: datetime | None = None
    draft_expires_at: datetime | None = None
    parent_id: int | None = None
    created_by: str = ""
    co_targets: tuple[Destination, ...] = ()
    snoozed_occurrence_id: int | None = None
    event_at: datetime | None = None  # with offsets: the event they count back from
    offsets: tuple[int, ...] = ()  # minutes before event_at, one occurrence each
    stop_statuses: tuple[str, ...] = ()  # the entity reaching one of these ends it
    trigger_status: str | None = None  # fires when the entity gets it ("*": any change)
    channels: tuple[str, ...] = ()  # chat, email, webhook; () is the owner's default
    event_type: str | None = None  # what the reminder is about its entity, for dedupe
    language: str | None = None  # of the phrase it was read from (``en``, ``da``)
    kind: ReminderKind = ReminderKind.REMINDER
    urgent: bool = False  # passes quiet hours and the rate limit
    escalate: tuple[Escalation, ...] = ()
    until_done: bool = False  # a repeat that nags: completing an occurrence ends it
    webhook_url: str | None = None  # this reminder's own webhook, else the configured one
    watch_occurrence_id: int | None = None  # an escalation's: the occurrence it watches
    digest_empty: bool = False  # a digest sent also on days with nothing due

    @property
    def destination(self) -> Destination:
        return Destination(kind=self.target_kind, ref=self.target_ref, name=self.target_name)

    @property
    def destinations(self) -> tuple[Destination, ...]:
        """Every target of a draft: its own, then the ones its confirmation copies to."""
        return (self.destination, *self.co_targets)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder(NewReminder):
    """A stored reminder.

    ``next_due`` is when the dispatcher should act next (UTC). ``occurrence_due`` is the
    nominal time of the occurrence pending at ``next_due``; they differ when a delivery
    was deferred (quiet hours, retry), so a deferred occurrence keeps its identity.

    ``number`` is the owner's own number for it (1, 2, 3 … per owner, given by storage at
    insert; what people type and see). A draft that is cancelled or expires gives its
    number back (``None``); ``id`` is the database's, for buttons and the REST API.
    """

    id: int
    created_at: datetime
    updated_at: datetime
    number: int | None = None
    occurrence_due: datetime | None = None
    deleted_at: datetime | None = None
    lease_until: datetime | None = None
    attempts: int = 0

    @property
    def recurring(self) -> bool:
        return self.rrule is not None

    @property
    def owner_ref(self) -> UserRef:
        return UserRef.of(self.owner)

    @property
    def recipient(self) -> UserRef | None:
        """Whose DM it goes to (and whose quiet hours apply); ``None`` for a channel."""
        where = UserRef(platform=self.platform, workspace=self.workspace, user="")
        return recipient_of(self.owner_ref, self.destination, where)


_REMINDER_FIELDS = tuple(Reminder.__dataclass_fields__)
_values_of = operator.attrgetter(*_REMINDER_FIELDS)


def moved(
    rem: Reminder,
    next_due: datetime | None,
    occurrence_due: datetime | None,
    state: ReminderState | None = None,
) -> Reminder:
    """``rem`` with these times (and state): ``dataclasses.replace(rem, ...)`` at half its
    cost, for the dispatcher, which moves every reminder it delivers. A Reminder has no
    ``__post_init__`` to skip; a test checks both give equal values."""
    new = object.__new__(Reminder)
    for name, value in zip(_REMINDER_FIELDS, _values_of(rem), strict=True):
        object.__setattr__(new, name, value)
    object.__setattr__(new, "next_due", next_due)
    object.__setattr__(new, "occurrence_due", occurrence_due)
    if state is not None:
        object.__setattr__(new, "state", state)
    return new


def recipient_of(owner: UserRef, dest: Destination, where: UserRef | None = None) -> UserRef | None:
    """The person a target's reminder goes to by DM (``None`` for a channel): the owner,
    or a person of the platform and workspace of ``where`` (the owner's by default; a
    system account's reminders are on the platform of their target)."""
    if dest.kind is TargetKind.USER:
        return (where or owner).sibling(dest.ref)
    return owner if dest.kind is TargetKind.ME else None


def as_new(rem: Reminder) -> NewReminder:
    """The insertable part of a stored reminder (to copy it)."""
    names = NewReminder.__dataclass_fields__
    return NewReminder(**{name: getattr(rem, name) for name in names})


ListKind = Literal["upcoming", "done", "all"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a person's reminders, as ``list`` shows them.

    Attributes:
        kind: ``upcoming`` (scheduled), ``done`` (completed or stopped) or ``all``.
        offset: how many come before the first of this page.
        more: whether another page follows.
    """

    reminders: tuple[Reminder, ...]
    kind: ListKind = "upcoming"
    offset: int = 0
    more: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One delivery of a reminder, unique on (reminder_id, due_at)."""

    id: int
    reminder_id: int
    due_at: datetime
    state: OccurrenceState
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    message_ref: str | None = None
    error: str | None = None
    completed_by: tuple[str, ...] = ()
    dismissed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelDelivery:
    """One channel's record of an occurrence: unique on (occurrence_id, channel).

    ``delivery_id`` names it to the receiver (the webhook's ``X-Remindbot-Delivery``): the
    same on every retry, so a receiver can drop a repeat.
    """

    occurrence_id: int
    channel: str
    state: OccurrenceState
    attempts: int = 0
    message_ref: str | None = None
    error: str | None = None
    at: datetime | None = None

    @property
    def delivery_id(self) -> str:
        return delivery_id(self.occurrence_id, self.channel)


def delivery_id(occurrence_id: int, channel: str) -> str:
    """The id of one (occurrence, channel) delivery, stable across retries."""
    return f"occ-{occurrence_id}-{channel}"


# -- the neutral message model ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Button:
    action_id: str
    label: str
    value: str
    style: Literal["primary", "danger"] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Menu:
    """A choice among options (Slack static_select, Mattermost select, numbered in a terminal)."""

    action_id: str
    label: str
    options: tuple[tuple[str, str], ...]  # (label, value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Prompt:
    """A request for free text (Slack modal, the next line in Mattermost or a terminal).

    The answer comes back to the chat front as an ``inbound.Answer`` with this
    ``action_id`` and ``value``. ``title`` and ``label`` are what the asking shows.
    """

    action_id: str
    value: str
    title: str
    label: str
    initial: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingPrompt:
    """A prompt asked in the conversation, waiting for the person's next message there."""

    user: str  # the user key
    conversation: str
    action_id: str
    value: str
    expires_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """What the bot says. ``text`` is plain text (adapters escape it for their platform).

    Where it goes (a new message, in place of the one pressed, to the person alone) is
    the chat front's choice, made through the ``Replies`` port, not a property of it.
    """

    text: str
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    menus: tuple[Menu, ...] = ()
    reminder_id: int | None = None
    done_by: tuple[str, ...] = ()  # platform user ids who marked it done
    set_by: str | None = None  # platform user id who set a reminder for someone else


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    """Where a message was written: a direct message or a channel."""

    id: str
    kind: Literal["dm", "channel"] = "dm"
    name: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A due reminder, ready to post: where to, and what to show."""

    reminder: Reminder
    occurrence: Occurrence
    reply: Reply
    late: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    recipient: UserPrefs | None = None  # the person it is for (none for a channel)
    channel: str = "chat"
    due: datetime | None = None  # the nominal due time of the occurrence
    late_by: float = 0.0  # seconds after due when it went out
    chat_link: str | None = None  # the chat message's reference, where one was posted
    attempt: int = 1  # this channel's attempt at this occurrence (1 the first time)

    @property
    def delivery_id(self) -> str:
        return delivery_id(self.occurrence.id, self.channel)


# -- what the REST API keeps ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    """An API token as stored: its name and owner, never the token itself."""

    id: int
    name: str
    owner: str  # a user key (slack:T1:U1), or a system account (system::nightly-job)
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyedRequest:
    """A request made with an ``Idempotency-Key``.

    ``fresh`` is true for the caller that claimed the key now (it does the work);
    the others see the first request's hash and, once it finished, its answer.
    """

    fresh: bool
    request_hash: str
    status_code: int | None = None
    response: dict[str, object] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """A record of another system that changed status (``old`` is None the first time)."""

    entity_type: str
    entity_id: str
    old: str | None
    new: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusOutcome:
    """What one status change did, all in the transaction that recorded it: the
    reminders it stopped and the ones its triggers fired (new, due now)."""

    change: StatusChange
    stopped: tuple[Reminder, ...] = ()
    fired: tuple[Reminder, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditLine:
    at: datetime
    actor: str
    action: str
    reminder_id: int | None
    detail: dict[str, object] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderQuery:
    """Which reminders to list, and from where (``after_id``: the cursor)."""

    owner: str | None
    states: tuple[ReminderState, ...] = ()
    entity_type: str | None = None
    entity_id: str | None = None
    target_ref: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    after_id: int = 0
    limit: int = 50
    with_deleted: bool = False
    kinds: tuple[ReminderKind, ...] = ()  # () is every kind
