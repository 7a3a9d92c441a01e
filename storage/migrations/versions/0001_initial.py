"""Initial schema: users, reminders, occurrences, completions, inbound events, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.types.UTCDateTime as the database sees it: timestamptz / SQLite DATETIME.
INSTANT = sa.DateTime(timezone=True)
KEY = sa.String(length=255)


def upgrade() -> None:
    _create_users()
    _create_reminders()
    _create_occurrences()
    _create_inbound_events()
    _create_audit_log()


def downgrade() -> None:
    for table in (
        "audit_log",
        "inbound_events",
        "occurrence_completions",
        "occurrences",
        "reminders",
        "users",
    ):
        op.drop_table(table)


def _create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("tz_source", sa.String(length=16), nullable=False),
        sa.Column("date_order", sa.String(length=3), nullable=False),
        sa.Column("default_time", sa.Time(), nullable=False),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("display_name", KEY, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("key", name=op.f("uq_users_key")),
    )


def _create_reminders() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", KEY, nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("workspace", KEY, nullable=False),
        sa.Column("conversation", KEY, nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_ref", KEY, nullable=False),
        sa.Column("target_name", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("phrase", sa.Text(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("next_due", INSTANT, nullable=True),
        sa.Column("occurrence_due", INSTANT, nullable=True),
        sa.Column("entity_type", sa.String(length=64), nullable=True),
        sa.Column("entity_id", KEY, nullable=True),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("dtstart", INSTANT, nullable=True),
        sa.Column("draft_expires_at", INSTANT, nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_by", KEY, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("deleted_at", INSTANT, nullable=True),
        sa.Column("lease_until", INSTANT, nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["reminders.id"],
            name=op.f("fk_reminders_parent_id_reminders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index("ix_reminders_state_next_due", "reminders", ["state", "next_due"])
    op.create_index("ix_reminders_owner_state", "reminders", ["owner", "state"])


def _create_occurrences() -> None:
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("due_at", INSTANT, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("claimed_at", INSTANT, nullable=True),
        sa.Column("sent_at", INSTANT, nullable=True),
        sa.Column("message_ref", KEY, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_occurrences_reminder_id_reminders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrences")),
        sa.UniqueConstraint(
            "reminder_id", "due_at", name=op.f("uq_occurrences_reminder_id_due_at")
        ),
    )
    op.create_table(
        "occurrence_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("user_key", KEY, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_occurrence_completions_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrence_completions")),
        sa.UniqueConstraint(
            "occurrence_id",
            "user_key",
            name=op.f("uq_occurrence_completions_occurrence_id_user_key"),
        ),
    )


def _create_inbound_events() -> None:
    op.create_table(
        "inbound_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("event_id", KEY, nullable=False),
        sa.Column("seen_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_events")),
        sa.UniqueConstraint(
            "platform", "event_id", name=op.f("uq_inbound_events_platform_event_id")
        ),
    )
    op.create_index(op.f("ix_inbound_events_seen_at"), "inbound_events", ["seen_at"])


def _create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("actor", KEY, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_reminder_id"), "audit_log", ["reminder_id"])
