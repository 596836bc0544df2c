"""Sync: installations, pushed mutations, the change log and its counters, drafts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:57:52.785793
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_change_log_scope_seq", ["scope", "seq"], unique=False)

    op.create_table(
        "sync_counter",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_counter")),
    )
    op.create_table(
        "sync_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_epoch")),
    )
    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("procedure_code", sa.String(length=64), nullable=False),
        sa.Column("variant_key", sa.String(length=64), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_draft_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_account_id"), ["account_id"], unique=False)

    op.create_table(
        "sync_client",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("last_mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_sync_client_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_client")),
    )
    with op.batch_alter_table("sync_client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_client_account_id"), ["account_id"], unique=False)

    op.create_table(
        "draft_revision",
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
            name=op.f("fk_draft_revision_draft_id_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("draft_id", "version", name=op.f("pk_draft_revision")),
    )
    op.create_table(
        "sync_mutation",
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("client_time", sa.String(length=64), nullable=True),
        sa.Column("applied_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["sync_client.id"], name=op.f("fk_sync_mutation_client_id_sync_client")
        ),
        sa.PrimaryKeyConstraint("client_id", "mutation_id", name=op.f("pk_sync_mutation")),
    )

    # The change log starts empty and complete from seq 1; this database gets its epoch.
    counters = sa.table(
        "sync_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger)
    )
    op.bulk_insert(
        counters, [{"name": "change_seq", "value": 0}, {"name": "oldest_seq", "value": 1}]
    )
    epochs = sa.table(
        "sync_epoch",
        sa.column("id", sa.Integer),
        sa.column("epoch", sa.String),
        sa.column("created_at", backend.models.base.UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        epochs, [{"id": 1, "epoch": secrets.token_hex(8), "created_at": dt.datetime.now(dt.UTC)}]
    )


def downgrade() -> None:
    op.drop_table("sync_mutation")
    op.drop_table("draft_revision")
    with op.batch_alter_table("sync_client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_client_account_id"))

    op.drop_table("sync_client")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_account_id"))

    op.drop_table("draft")
    op.drop_table("sync_epoch")
    op.drop_table("sync_counter")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_scope_seq")
        batch_op.drop_index(batch_op.f("ix_change_log_created_at"))

    op.drop_table("change_log")
