"""Reminder numbers of their own for each owner, and the language a reminder was written in.

``number``: 1, 2, 3 … per owner, unique on (owner, number), given at insert; a draft that
is cancelled or expires gives its number back (NULL). Existing reminders are numbered in
the order they were made, except the cancelled ones, which nobody can address any more.
``language``: of the phrase (``en``, ``da``), so the delivery speaks it too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A correlated count rather than ROW_NUMBER(): the same statement on SQLite and PostgreSQL.
_NUMBER_EXISTING = """
UPDATE reminders SET number = (
    SELECT COUNT(*) FROM reminders AS earlier
    WHERE earlier.owner = reminders.owner
      AND earlier.state <> 'cancelled'
      AND earlier.id <= reminders.id
)
WHERE state <> 'cancelled'
"""


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    op.execute(_NUMBER_EXISTING)
    with op.batch_alter_table("reminders") as batch:
        batch.create_unique_constraint(batch.f("uq_reminders_owner_number"), ["owner", "number"])


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint(batch.f("uq_reminders_owner_number"), type_="unique")
        batch.drop_column("language")
        batch.drop_column("number")
