"""Drafts keep every target, a snoozed copy names its occurrence, prompts are stored.

``co_targets``: the targets after the first, made into their own reminders by the same
transaction that confirms the draft. ``snoozed_occurrence_id``: the series occurrence a
snoozed copy stands in for, unique, so a series occurrence has one snoozed copy at most.
``pending_prompts``: a question asked in a conversation (edit a draft, snooze until…),
answered by the person's next message there, on whichever replica receives it.
``bot_secrets``: keys the bot generates itself, the same for every replica.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_prompts",
        sa.Column("user_key", sa.String(length=255), nullable=False),
        sa.Column("conversation", sa.String(length=255), nullable=False),
        sa.Column("action_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_key", name=op.f("pk_pending_prompts")),
    )
    op.create_table(
        "bot_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_bot_secrets")),
    )
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("co_targets", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("snoozed_occurrence_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            batch.f("uq_reminders_snoozed_occurrence_id"), ["snoozed_occurrence_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint(batch.f("uq_reminders_snoozed_occurrence_id"), type_="unique")
        batch.drop_column("snoozed_occurrence_id")
        batch.drop_column("co_targets")
    op.drop_table("pending_prompts")
    op.drop_table("bot_secrets")
