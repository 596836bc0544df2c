"""Supplement requests: a dossier's paused clock and what was asked of the citizen.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 07:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.models.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paused_at", backend.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "supplement",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("supplement")
        batch_op.drop_column("paused_at")
