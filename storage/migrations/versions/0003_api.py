"""The REST API: tokens, idempotency keys, entity status, offsets, stop and trigger rules.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = sa.DateTime(timezone=True)
KEY = sa.String(length=255)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.Column("owner", KEY, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("revoked_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("key", KEY, nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("token_id", "key", name=op.f("uq_idempotency_keys_token_id_key")),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"])
    op.create_table(
        "entity_states",
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", KEY, nullable=False),
        sa.Column("status", KEY, nullable=False),
        sa.Column("changed_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("entity_type", "entity_id", name=op.f("pk_entity_states")),
    )
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("event_at", INSTANT, nullable=True))
        batch.add_column(sa.Column("offsets", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("stop_statuses", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("trigger_status", KEY, nullable=True))
        batch.add_column(sa.Column("channels", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("event_type", sa.String(length=64), nullable=True))
        batch.create_index(
            batch.f("ix_reminders_entity_type_entity_id"), ["entity_type", "entity_id"]
        )
        batch.create_index(batch.f("ix_reminders_owner_id"), ["owner", "id"])
    with op.batch_alter_table("occurrences") as batch:
        batch.add_column(sa.Column("dismissed_at", INSTANT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("dismissed_at")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_index(batch.f("ix_reminders_owner_id"))
        batch.drop_index(batch.f("ix_reminders_entity_type_entity_id"))
        for column in ("event_type", "channels", "trigger_status", "stop_statuses", "offsets"):
            batch.drop_column(column)
        batch.drop_column("event_at")
    op.drop_table("entity_states")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("api_tokens")
