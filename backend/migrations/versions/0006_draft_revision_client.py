"""Draft revisions remember the installation whose save made them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("draft_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft_revision", schema=None) as batch_op:
        batch_op.drop_column("client_id")
