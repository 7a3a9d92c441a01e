"""The ports core depends on: storage, chat platforms and the clock."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.model import (
    ApiToken,
    AuditLine,
    ChannelDelivery,
    Delivery,
    Destination,
    KeyedRequest,
    NewReminder,
    Occurrence,
    OccurrenceState,
    PendingPrompt,
    Prompt,
    Reach,
    Reminder,
    ReminderQuery,
    ReminderState,
    Reply,
    StatusChange,
    StatusOutcome,
    UserPrefs,
    UserRef,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        ...


class DeliveryError(Exception):
    """A platform refused or failed a call.

    Attributes:
        temporary: worth retrying (429, 5xx, timeouts); permanent errors are not.
        retry_after: seconds the platform asked us to wait, if it said.
        reason: the platform's error code (``channel_not_found``), safe to log and show.
    """

    def __init__(self, reason: str, *, temporary: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What the dispatcher did with one claimed reminder, for ``record_outcomes``.

    Attributes:
        reminder: the reminder as it is to be stored from now on (advanced to its next
            occurrence, deferred, or completed); written back as ``save`` writes it.
        occurrence_id: the occurrence that was handled.
        state: the occurrence's new state; ``None`` leaves the occurrence as it is (it
            was already finished before a crash, only the reminder still had to move on).
        message_ref: the platform's reference of the message, for ``sent``.
        error: why the occurrence was deferred, skipped or failed.
        at: when it happened (``sent_at``, the audit line); ``None``: the batch's ``now``.
    """

    reminder: Reminder
    occurrence_id: int
    state: OccurrenceState | None
    message_ref: str | None = None
    error: str | None = None
    at: datetime | None = None
    channels: tuple[ChannelDelivery, ...] = ()  # per-channel records, beyond chat alone
    action: str | None = None  # the audit action, when not the state's (sent_in_summary)
    escalations: tuple[NewReminder, ...] = ()  # inserted with a sent outcome (escalation.py)


class DeliveryChannel(Protocol):
    """A way of telling people besides chat (``email``, ``webhook``), as the dispatcher
    sees it. Chat itself is the platforms' ``ChatGateway``."""

    name: str

    async def send(self, delivery: Delivery) -> str:
        """Send a due reminder; return a reference of what was sent (a Message-ID).

        ``delivery.channel`` is this channel's name, ``delivery.delivery_id`` the same on
        every retry of this occurrence on this channel.

        Raises:
            DeliveryError: it could not be sent; ``temporary`` says whether to retry.
        """
        ...


class ChatGateway(Protocol):
    """One chat platform, as the dispatcher sees it."""

    platform: str

    async def deliver(self, delivery: Delivery) -> str:
        """Post a due reminder; return the platform's message reference.

        Raises:
            DeliveryError: the platform failed; ``temporary`` says whether to retry.
        """
        ...

    async def update(self, message_ref: str, reply: Reply) -> None:
        """Replace a delivered message (after a button press). Raises ``DeliveryError``."""
        ...

    async def find_delivered(self, delivery: Delivery, since: datetime) -> str | None:
        """The reference of a post of this occurrence already in its conversation since
        ``since``, or ``None``.

        Every post a gateway makes carries its occurrence (Slack message metadata,
        Mattermost post props), so a delivery that was posted and not recorded (the
        process died in between) is found here instead of posted twice.

        Raises:
            DeliveryError: the platform could not answer (then the dispatcher retries).
        """
        ...

    async def notify(self, owner: str, reply: Reply) -> None:
        """Tell a user something outside a conversation (a failed delivery, by DM)."""
        ...


class Directory(Protocol):
    """Who is who on one chat platform, as the use cases ask before acting."""

    platform: str

    async def is_member(self, user: str, channel: str) -> bool:
        """Whether platform user ``user`` is a member of ``channel``."""
        ...

    async def reach(self, user: str, workspace: str, target: Destination) -> Reach:
        """Whether ``user`` (of ``workspace``) may have the bot post to ``target``.

        A channel needs ``user`` and the bot as members; a person must be someone
        ``user`` could message: known, active, of the same workspace, not a bot.

        Raises:
            DeliveryError: the platform could not answer (``temporary`` says so).
        """
        ...

    async def user_zone(self, user: str) -> str | None:
        """The IANA zone the platform has for ``user``, or ``None`` (never raises)."""
        ...

    async def email_of(self, user: str) -> str | None:
        """The email address on ``user``'s platform profile, or ``None`` (none there, or
        no such user); cached briefly, for the email channel.

        Raises:
            DeliveryError: the platform could not answer (``temporary`` says so).
        """
        ...


class ChatPlatform(ChatGateway, Directory, Protocol):
    """What a chat adapter gives the engine: delivery and the directory."""


class Replies(Protocol):
    """How the chat front answers one inbound event; each adapter implements it for the
    event it converted (a slash command's response URL, a DM, a pressed message)."""

    async def answer(self, reply: Reply) -> None:
        """Tell the person who wrote or pressed: privately where the platform can (an
        ephemeral message), else in the conversation (a DM)."""
        ...

    async def replace(self, reply: Reply) -> None:
        """Put ``reply`` in place of the message whose button was pressed (or answer, if
        there is no such message)."""
        ...

    async def prompt(self, prompt: Prompt) -> bool:
        """Ask for free text in the platform's own way (a modal).

        Returns:
            ``True`` if the platform will bring the answer back as an ``Answer`` event;
            ``False`` if it cannot ask, and the front should ask in the conversation.
        """
        ...


class ReminderRepository(Protocol):
    """Storage as core uses it. Every datetime in and out is aware (UTC out)."""

    async def get_user(self, key: str) -> UserPrefs | None:
        """The user's preferences, or ``None`` on first contact."""
        ...

    async def get_users(self, keys: Collection[str]) -> dict[str, UserPrefs]:
        """The preferences of every user in ``keys`` that has some, by key, in one query.

        Keys of users never seen are simply absent from the result.
        """
        ...

    async def save_user(self, prefs: UserPrefs) -> UserPrefs:
        """Insert or replace the user's preferences."""
        ...

    async def add(
        self, new: NewReminder, now: datetime, *, audit: tuple[str, str] | None = None
    ) -> Reminder:
        """Insert a reminder (``occurrence_due`` starts equal to ``next_due``), and, with
        ``audit`` (actor, action), its audit line in the same transaction."""
        ...

    async def get(self, reminder_id: int) -> Reminder | None:
        """A reminder by id, soft-deleted ones included (``deleted_at`` set)."""
        ...

    async def save(self, reminder: Reminder, now: datetime) -> Reminder:
        """Write back every changeable field of ``reminder`` and clear its lease."""
        ...

    async def confirm_draft(self, reminder: Reminder, now: datetime) -> list[Reminder] | None:
        """Write ``reminder`` (a draft being scheduled) only if it is still a draft, and in
        the same transaction insert a copy of it for each of its ``co_targets``.

        A compare-and-set on the state: of two concurrent confirmations one wins.

        Returns:
            The confirmed reminder (its ``co_targets`` cleared) and then its copies, or
            ``None`` when the row was no longer a draft (nothing is written then).
        """
        ...

    async def snooze_occurrence(self, copy: NewReminder, now: datetime) -> Reminder:
        """Insert the snoozed copy of a series occurrence, or move the one it already has.

        ``copy.snoozed_occurrence_id`` names the occurrence; it has one copy at most,
        whose state, ``next_due`` and ``occurrence_due`` a later snooze replaces (and a
        deleted copy comes back), also when snoozes race.
        """
        ...

    async def snoozed_copy(self, occurrence_id: int) -> Reminder | None:
        """The snoozed copy standing in for a series occurrence, if it has one."""
        ...

    async def last_sent(self, reminder_id: int) -> Occurrence | None:
        """The reminder's occurrence delivered last, if any."""
        ...

    async def snoozed_copies(self, reminder_id: int) -> list[Reminder]:
        """A series' snoozed copies that are still to be delivered."""
        ...

    async def list_for(
        self,
        owner: str | None,
        states: Sequence[ReminderState],
        limit: int = 100,
        *,
        offset: int = 0,
        numbered: bool = False,
    ) -> list[Reminder]:
        """Reminders owned by ``owner`` (all owners for ``None``), not deleted, by due time
        (undated last, then by id), from ``offset`` on; with ``numbered``, only those with a
        number (a cancelled draft has none)."""
        ...

    async def by_number(self, owner: str, number: int) -> Reminder | None:
        """The owner's reminder with that number (``Reminder.number``), unless deleted."""
        ...

    async def last_delivered(
        self, person: UserRef, channel: str | None = None
    ) -> tuple[Reminder, Occurrence] | None:
        """The reminder last delivered to ``person`` by DM (their own, or one set for them
        by someone else) with that delivery's occurrence; with ``channel``, the one last
        delivered into that channel. Deleted reminders are passed over."""
        ...

    async def last_deleted(self, owner: str, since: datetime) -> Reminder | None:
        """The owner's reminder deleted most recently, if that was at ``since`` or later."""
        ...

    async def expire_drafts(self, now: datetime) -> int:
        """Cancel drafts whose ``draft_expires_at`` has passed; return how many."""
        ...

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        *,
        platforms: Collection[str] | None = None,
    ) -> list[Reminder]:
        """Atomically take up to ``limit`` scheduled reminders due at ``now``.

        A reminder is due when ``next_due <= now`` and it is not leased (``lease_until``
        is null or past). Claiming sets ``lease_until``; no two callers, in any number of
        processes, get the same reminder while its lease runs. With ``platforms``, only
        reminders of those platforms are taken (a process delivers what it can reach and
        leaves the rest to the process that can).
        """
        ...

    async def release_leases(self, held: Sequence[tuple[int, datetime]], now: datetime) -> int:
        """Clear the lease of each ``(reminder id, lease_until)`` still held with exactly
        that lease (claimed, never delivered: a graceful shutdown gives them back so
        another process takes them at once); return how many were released."""
        ...

    async def next_due(self, *, platforms: Collection[str] | None = None) -> datetime | None:
        """The earliest ``next_due`` of a scheduled reminder (for arming the timer), of
        ``platforms`` only when given."""
        ...

    async def open_occurrence(
        self, reminder_id: int, due_at: datetime, now: datetime
    ) -> Occurrence:
        """Get or create the occurrence (reminder_id, due_at) as claimed, attempts + 1.

        An occurrence already ``sent``, ``failed`` or ``skipped`` is returned unchanged:
        that is how a retry after a crash learns not to deliver twice.
        """
        ...

    async def open_occurrences(
        self, items: Sequence[tuple[int, datetime]], now: datetime
    ) -> list[Occurrence]:
        """``open_occurrence`` for a whole batch of ``(reminder_id, due_at)``, at once.

        Every occurrence not yet finished is created or reopened (claimed, attempts + 1);
        one ``sent``, ``failed`` or ``skipped`` is returned unchanged. All of it happens in
        one transaction, and concurrent openers of the same occurrence serialise on its
        unique key exactly as with ``open_occurrence``.

        Returns:
            One occurrence per distinct item, in the order of ``items``.

        Raises:
            LookupError: a reminder does not exist (then nothing is opened).
        """
        ...

    async def channel_deliveries(
        self, occurrence_ids: Sequence[int]
    ) -> dict[int, dict[str, ChannelDelivery]]:
        """The per-channel records of those occurrences, by occurrence id and channel
        (occurrences told on chat alone have none: the occurrence is its record)."""
        ...

    async def workspace_defaults(self, workspaces: Collection[str]) -> dict[str, dict[str, Any]]:
        """Each workspace's defaults for preferences (name -> value), in one query."""
        ...

    async def sent_since(
        self, recipients: Collection[str], since: datetime
    ) -> dict[str, list[tuple[datetime, str | None]]]:
        """For the rate limit, in one query: each recipient's ``(sent_at, message_ref)``
        of every occurrence sent to them by DM after ``since``, oldest first (recipient
        keys as ``Reminder.recipient`` names them; channel reminders are not counted)."""
        ...

    # -- digests (bot/core/digests.py) ------------------------------------------------

    async def replace_digest(self, new: NewReminder, now: datetime) -> Reminder:
        """Insert ``new`` (a digest, unnumbered) as its owner's one digest, ending any
        other in the same transaction; concurrent calls leave exactly one."""
        ...

    async def digest_of(self, owner: str) -> Reminder | None:
        """The owner's live digest, if any."""
        ...

    async def stop_digest(self, owner: str, now: datetime) -> Reminder | None:
        """End the owner's digest (cancelled and deleted); the one ended, if any."""
        ...

    async def day_reminders(
        self, person: UserRef, start: datetime, end: datetime
    ) -> list[Reminder]:
        """What a digest of [start, end) looks at: the person's scheduled reminders (to
        them, or that they own to a channel) with a one-off time in the span, or a series
        or offsets pending before its end. Digests and other kinds are left out."""
        ...

    # -- message templates (bot/core/templates.py)

    async def workspace_templates(self, workspaces: Collection[str]) -> dict[str, dict[str, str]]:
        """Each workspace's message templates (name -> source), in one query; a
        workspace without any is left out."""
        ...

    async def save_template(self, workspace: str, name: str, source: str, now: datetime) -> None:
        """Store (or replace) a checked template of ``workspace``."""
        ...

    async def delete_template(self, workspace: str, name: str) -> bool:
        """Forget a template (the built-in text is used again); whether there was one."""
        ...

    async def set_workspace_default(
        self, workspace: str, name: str, value: Any, now: datetime
    ) -> None:
        """Store (or replace) one default of ``workspace``; ``None`` removes it."""
        ...

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Record a batch of dispatch outcomes in one transaction.

        For each outcome, the occurrence gets its new ``state``, ``error`` and (when given)
        ``message_ref``, with ``sent_at`` when sent, unless it is already ``sent``,
        ``failed`` or ``skipped`` (a late writer never undoes a finished delivery). The
        reminder's ``state``, ``next_due`` and ``occurrence_due`` are written and its lease
        cleared, only if it still holds the lease it was claimed with: an edit, snooze or
        delete that a user saved meanwhile cleared the lease and wins, and so does a
        newer claim by another process. Either all of the batch is recorded or none of
        it. Reminders or occurrences that no longer exist are passed over. Each outcome
        with a ``state`` also appends its line to the audit log (actor ``dispatcher``;
        ``delivered``, ``deferred``, ``skipped`` or ``delivery_failed``, with the
        occurrence and the reason) in the same transaction. An outcome's ``channels`` are
        upserted on (occurrence, channel), a finished record left as it is, each with its
        audit line (``channel`` in the detail).
        """
        ...

    async def finish_occurrence(
        self,
        occurrence_id: int,
        state: OccurrenceState,
        now: datetime,
        message_ref: str | None = None,
        error: str | None = None,
    ) -> Occurrence:
        """Record the outcome of a delivery attempt."""
        ...

    async def cancel_escalations(
        self, actor: str, now: datetime, occurrence_ids: Sequence[int], parent_id: int | None = None
    ) -> list[int]:
        """Cancel the scheduled escalations watching ``occurrence_ids`` (and, with
        ``parent_id``, every one of that reminder), each with an ``escalation_cancelled``
        audit line, in one transaction; return their ids."""
        ...

    async def get_occurrence(self, occurrence_id: int) -> Occurrence | None: ...

    async def add_completion(self, occurrence_id: int, user: str, now: datetime) -> Occurrence:
        """Record that ``user`` marked the occurrence done (idempotent)."""
        ...

    async def occurrences(self, reminder_id: int) -> list[Occurrence]:
        """A reminder's occurrences, oldest first (its delivery history)."""
        ...

    async def mark_event_seen(self, platform: str, event_id: str, now: datetime) -> bool:
        """Remember an inbound event id; ``False`` if it was seen before (a retry)."""
        ...

    async def dismiss(self, occurrence_ids: Sequence[int], now: datetime) -> None:
        """Mark delivered occurrences seen (snoozed, dismissed): no longer pending."""
        ...

    async def save_prompt(self, prompt: PendingPrompt) -> None:
        """Remember a prompt asked in a conversation (replacing the person's earlier one)."""
        ...

    async def take_prompt(
        self, user: str, conversation: str, now: datetime
    ) -> PendingPrompt | None:
        """Remove and return the person's prompt in ``conversation`` if it has not
        expired; atomic, so of two takers one gets it."""
        ...

    async def shared_secret(self, name: str, make: Callable[[], str]) -> str:
        """The secret called ``name``: the one stored, or ``make()``'s, stored now; every
        process gets the same value, also when they start at once."""
        ...

    async def audit(
        self,
        actor: str,
        action: str,
        now: datetime,
        reminder_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append to the audit log."""
        ...


class ApiRepository(ReminderRepository, Protocol):
    """Storage as the REST API's use cases use it, besides the reminders themselves."""

    async def add_token(self, name: str, owner: str, token_hash: str, now: datetime) -> ApiToken:
        """Store a token by its hash (never the token)."""
        ...

    async def token_by_hash(self, token_hash: str) -> ApiToken | None: ...

    async def tokens(self) -> list[ApiToken]: ...

    async def revoke_token(self, ident: int | str, now: datetime) -> ApiToken | None:
        """Revoke by id or name; ``None`` if there was no such unrevoked token."""
        ...

    async def claim_key(
        self, token_id: int, key: str, request_hash: str, now: datetime
    ) -> KeyedRequest:
        """Claim an idempotency key for one request (atomic across processes)."""
        ...

    async def keyed(self, token_id: int, key: str) -> KeyedRequest:
        """The key's request as stored (``request_hash`` empty: no row, it was released)."""
        ...

    async def finish_key(
        self, token_id: int, key: str, status_code: int, response: dict[str, Any]
    ) -> None: ...

    async def release_key(self, token_id: int, key: str) -> None:
        """Give up an unfinished claim (the request failed), so a retry may do it."""
        ...

    async def forget_keys(self, before: datetime) -> int: ...

    async def set_status(
        self,
        entity_type: str,
        entity_id: str,
        status: str,
        now: datetime,
        fire: Callable[[Reminder, StatusChange], NewReminder],
    ) -> StatusOutcome | None:
        """Record a record's status; ``None`` if it already had it. One caller of
        several reporting the same change gets it; in the same transaction the entity's
        reminders that stop at the new status are completed, and every trigger matching
        it gets the new reminder ``fire`` makes (an occurrence per change)."""
        ...

    async def status_of(self, entity_type: str, entity_id: str) -> StatusChange | None: ...

    async def find(self, query: ReminderQuery) -> list[Reminder]:
        """Reminders matching ``query``, by id, after ``query.after_id``."""
        ...

    async def active_about(
        self, owner: str, entity_type: str, entity_id: str, event_type: str | None
    ) -> Reminder | None: ...

    async def audit_for(self, reminder_id: int) -> list[AuditLine]: ...

    async def pending_for(
        self, owner: str, reminder_id: int | None = None
    ) -> list[tuple[Reminder, Occurrence]]:
        """Delivered occurrences of ``owner``'s reminders nobody completed or dismissed."""
        ...


# -- metrics (bot/metrics.py implements them with prometheus-client) ----------------------


class Metrics(Protocol):
    """What the engine and the adapters count, without knowing who reads it.

    Core stays free of the metrics framework: it calls these, ``bot/metrics.py`` turns
    them into Prometheus series. Every method is cheap and never raises.
    """

    def delivered(self, platform: str, channel: str, outcome: str) -> None:
        """One occurrence's outcome on one channel was recorded (``sent``, ``failed``…)."""
        ...

    def lateness(self, seconds: float) -> None:
        """A delivery was recorded as sent this many seconds after it was due."""
        ...

    def claimed(self, count: int) -> None:
        """A claim took ``count`` due reminders (only non-empty claims are told)."""
        ...

    def refused(self, code: str) -> None:
        """The parser refused a phrase someone wrote (``RefusalCode`` value)."""
        ...

    def platform_error(self, platform: str, code: str) -> None:
        """A platform API call failed with ``code`` (``ratelimited``, ``channel_not_found``)."""
        ...

    def waited(self, platform: str, seconds: float) -> None:
        """A platform's 429 asked us to wait this long before calling again."""
        ...

    def reconnected(self, platform: str) -> None:
        """A platform's event connection (a websocket) was connected again after a loss."""
        ...

    def duplicate_event(self, platform: str) -> None:
        """An inbound event id was seen before (a platform's retry), and dropped."""
        ...


class NoMetrics:
    """The ``Metrics`` that counts nothing: the default wherever none is given."""

    def delivered(self, platform: str, channel: str, outcome: str) -> None:
        pass

    def lateness(self, seconds: float) -> None:
        pass

    def claimed(self, count: int) -> None:
        pass

    def refused(self, code: str) -> None:
        pass

    def platform_error(self, platform: str, code: str) -> None:
        pass

    def waited(self, platform: str, seconds: float) -> None:
        pass

    def reconnected(self, platform: str) -> None:
        pass

    def duplicate_event(self, platform: str) -> None:
        pass


NO_METRICS: Metrics = NoMetrics()
