"""How and when people are told: delivery channels, preferences, digests, escalation,
templates and calendar feeds.

``deliveries``: one row per (occurrence, channel) for reminders told on more than chat
alone (a chat-only occurrence is its own record, as before). ``users``: an email address,
default channels and which preferences they chose themselves. ``reminders``: what kind
of occurrence it makes (a reminder, a digest, an escalation, a summary of held ones),
``urgent`` (passes quiet hours and the rate limit), escalation steps, nagging until
done, a webhook URL of its own, the watched occurrence of an escalation, and whether a
digest is sent on empty days.
``workspace_settings`` (a workspace's default for each preference), ``templates`` (message
templates per workspace) and ``calendar_tokens`` (private iCalendar feeds, by hash).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
KEY = sa.String(length=255)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", KEY, nullable=True))
        batch.add_column(sa.Column("channels", sa.JSON(), nullable=True))
        # The preferences the person chose themselves (a workspace default never
        # overrides them, even when they chose the built-in value, like "quiet hours off").
        batch.add_column(sa.Column("own", sa.JSON(), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="reminder")
        )
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("escalate", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("until_done", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("webhook_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("watch_occurrence_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("digest_empty", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_index(batch.f("ix_reminders_watch_occurrence_id"), ["watch_occurrence_id"])
    # Digests: one live digest per person (storage/digests.py relies on it).
    live_digest = sa.text("kind = 'digest' AND deleted_at IS NULL")
    op.create_index(
        "uq_reminders_one_digest",
        "reminders",
        ["owner"],
        unique=True,
        sqlite_where=live_digest,
        postgresql_where=live_digest,
    )
    with op.batch_alter_table("occurrences") as batch:
        batch.create_index(batch.f("ix_occurrences_sent_at"), ["sent_at"])
        # Statistics (ical) read a period of occurrences by due time.
        batch.create_index(batch.f("ix_occurrences_due_at"), ["due_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("message_ref", KEY, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("at", INSTANT, nullable=True),
        sa.ForeignKeyConstraint(
            ["occurrence_id"],
            ["occurrences.id"],
            name=op.f("fk_deliveries_occurrence_id_occurrences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "occurrence_id", "channel", name=op.f("uq_deliveries_occurrence_id_channel")
        ),
    )
    op.create_table(
        "workspace_settings",
        sa.Column("workspace", KEY, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("workspace", "name", name=op.f("pk_workspace_settings")),
    )
    op.create_table(
        "templates",
        sa.Column("workspace", KEY, nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("workspace", "name", name=op.f("pk_templates")),
    )
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", KEY, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("revoked_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_tokens")
    op.drop_table("templates")
    op.drop_table("workspace_settings")
    op.drop_table("deliveries")
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_index(batch.f("ix_occurrences_due_at"))
        batch.drop_index(batch.f("ix_occurrences_sent_at"))
    op.drop_index("uq_reminders_one_digest", table_name="reminders")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_index(batch.f("ix_reminders_watch_occurrence_id"))
        for column in (
            "digest_empty",
            "watch_occurrence_id",
            "webhook_url",
            "until_done",
            "escalate",
            "urgent",
            "kind",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("own")
        batch.drop_column("channels")
        batch.drop_column("email")
