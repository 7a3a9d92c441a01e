"""The tables. Rows stay inside storage; core sees only ``bot.core.model`` values."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, Literal, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

# Named constraints keep Alembic's SQLite batch mode (which copies tables) predictable.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

KEY = String(255)
# SQL NULL for None, not the JSON text 'null': a NULL is not decoded on every row read.
NULLABLE_JSON = JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(KEY, unique=True)
    tz: Mapped[str] = mapped_column(String(64))
    tz_source: Mapped[Literal["default", "platform", "user"]] = mapped_column(String(16))
    date_order: Mapped[Literal["MDY", "DMY"]] = mapped_column(String(3))
    default_time: Mapped[time]
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    language: Mapped[str | None] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(KEY)
    email: Mapped[str | None] = mapped_column(KEY)
    channels: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    own: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReminderRow(Base):
    __tablename__ = "reminders"
    # (state, next_due) serves the claim, next_due() and draft expiry on both backends,
    # with the state bound as a parameter (a partial index would need it inlined).
    __table_args__ = (
        Index("ix_reminders_state_next_due", "state", "next_due"),
        Index("ix_reminders_owner_state", "owner", "state"),
        Index("ix_reminders_entity_type_entity_id", "entity_type", "entity_id"),
        # The API lists an owner's reminders by id, a page at a time.
        Index("ix_reminders_owner_id", "owner", "id"),
        # The owner's own numbers (#1, #2 …); NULLs (drafts given up) do not collide.
        UniqueConstraint("owner", "number"),
        # Digests: one live digest per person, whatever races (storage/digests.py).
        Index(
            "uq_reminders_one_digest",
            "owner",
            unique=True,
            sqlite_where=text("kind = 'digest' AND deleted_at IS NULL"),
            postgresql_where=text("kind = 'digest' AND deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(KEY)
    platform: Mapped[str] = mapped_column(String(32))
    workspace: Mapped[str] = mapped_column(KEY)
    conversation: Mapped[str] = mapped_column(KEY)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_ref: Mapped[str] = mapped_column(KEY)
    target_name: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    phrase: Mapped[str] = mapped_column(Text)
    tz: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))
    next_due: Mapped[datetime | None]
    occurrence_due: Mapped[datetime | None]
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(KEY)
    rrule: Mapped[str | None] = mapped_column(Text)
    dtstart: Mapped[datetime | None]
    draft_expires_at: Mapped[datetime | None]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(KEY)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    co_targets: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    snoozed_occurrence_id: Mapped[int | None] = mapped_column(unique=True)
    event_at: Mapped[datetime | None]
    offsets: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    stop_statuses: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    trigger_status: Mapped[str | None] = mapped_column(KEY)
    channels: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    event_type: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[int | None]
    language: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16), server_default=text("'reminder'"))
    urgent: Mapped[bool] = mapped_column(server_default=false())
    escalate: Mapped[list[Any] | None] = mapped_column(NULLABLE_JSON)
    until_done: Mapped[bool] = mapped_column(server_default=false())
    webhook_url: Mapped[str | None] = mapped_column(Text)
    watch_occurrence_id: Mapped[int | None] = mapped_column(index=True)
    digest_empty: Mapped[bool] = mapped_column(server_default=false())


class OccurrenceRow(Base):
    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("reminder_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(index=True)  # statistics read periods by it
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    message_ref: Mapped[str | None] = mapped_column(KEY)
    error: Mapped[str | None] = mapped_column(Text)
    dismissed_at: Mapped[datetime | None]


class DeliveryRow(Base):
    """One channel's delivery of an occurrence (for reminders told on more than chat)."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("occurrence_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    message_ref: Mapped[str | None] = mapped_column(KEY)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime | None]


class WorkspaceSettingRow(Base):
    """A workspace's default for one preference (an admin setting); users override it."""

    __tablename__ = "workspace_settings"

    workspace: Mapped[str] = mapped_column(KEY, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime]


class TemplateRow(Base):
    """A workspace's message template (Jinja2 source, checked when saved)."""

    __tablename__ = "templates"

    workspace: Mapped[str] = mapped_column(KEY, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class CalendarTokenRow(Base):
    """A private iCalendar feed's token: only its SHA-256 is kept."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(KEY)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class CompletionRow(Base):
    __tablename__ = "occurrence_completions"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id", ondelete="CASCADE"))
    user_key: Mapped[str] = mapped_column(KEY)
    at: Mapped[datetime]


class InboundEventRow(Base):
    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(KEY)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class PromptRow(Base):
    """A question asked in a conversation, answered by the person's next message there."""

    __tablename__ = "pending_prompts"

    user_key: Mapped[str] = mapped_column(KEY, primary_key=True)
    conversation: Mapped[str] = mapped_column(KEY)
    action_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]


class SecretRow(Base):
    """A secret the bot made itself (the Mattermost action key), shared by every replica."""

    __tablename__ = "bot_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TokenRow(Base):
    """An API token: only its SHA-256 is kept, so a copy of the database gives none."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(KEY)
    owner: Mapped[str] = mapped_column(KEY)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class IdempotencyRow(Base):
    """A request made with an ``Idempotency-Key``: claimed first, answered once done."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int]
    key: Mapped[str] = mapped_column(KEY)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(NULLABLE_JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)


class EntityStateRow(Base):
    """The last status another system reported for one of its records."""

    __tablename__ = "entity_states"

    entity_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(KEY, primary_key=True)
    status: Mapped[str] = mapped_column(KEY)
    changed_at: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(KEY)
    action: Mapped[str] = mapped_column(String(64))
    # No foreign key: the log outlives the reminders it mentions.
    reminder_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(NULLABLE_JSON)


# The same tables for Core statements (the dispatcher's hot path builds no ORM objects).
USERS = cast(Table, UserRow.__table__)
REMINDERS = cast(Table, ReminderRow.__table__)
OCCURRENCES = cast(Table, OccurrenceRow.__table__)
COMPLETIONS = cast(Table, CompletionRow.__table__)
AUDIT = cast(Table, AuditRow.__table__)
DELIVERIES = cast(Table, DeliveryRow.__table__)
