"""Identity: accounts, passkeys, sessions, ceremonies, roles, recovery, enrollment, audit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:20:16.464837
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("cccd", sa.String(length=12), nullable=True),
        sa.Column("user_handle", sa.String(length=86), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("cccd", name=op.f("uq_account_cccd")),
        sa.UniqueConstraint("phone", name=op.f("uq_account_phone")),
        sa.UniqueConstraint("user_handle", name=op.f("uq_account_user_handle")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("subject_id", sa.String(length=36), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["account.id"], name=op.f("fk_audit_event_actor_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["account.id"], name=op.f("fk_audit_event_subject_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "enrollment_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_enrollment_token_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["account.id"], name=op.f("fk_enrollment_token_created_by_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_enrollment_token_token_hash")),
    )
    with op.batch_alter_table("enrollment_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrollment_token_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "passkey",
        sa.Column("id", sa.String(length=1400), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("backed_up", sa.Boolean(), nullable=False),
        sa.Column(
            "transports",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("flagged_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_passkey_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkey")),
    )
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passkey_account_id"), ["account_id"], unique=False)

    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_recovery_code_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recovery_code_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "session",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_session_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_session_token_hash")),
    )
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_account_id"), ["account_id"], unique=False)

    op.create_table(
        "webauthn_ceremony",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("challenge", sa.LargeBinary(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_webauthn_ceremony_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webauthn_ceremony")),
    )
    op.create_table(
        "role_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("postal_unit", sa.String(length=32), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_role_assignment_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_role_assignment_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignment")),
        sa.UniqueConstraint(
            "account_id",
            "role",
            "agency_id",
            "postal_unit",
            name=op.f("uq_role_assignment_account_id_role_agency_id_postal_unit"),
        ),
    )
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_assignment_account_id"), ["account_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("role_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_assignment_account_id"))

    op.drop_table("role_assignment")
    op.drop_table("webauthn_ceremony")
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_account_id"))

    op.drop_table("session")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_account_id"))

    op.drop_table("recovery_code")
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passkey_account_id"))

    op.drop_table("passkey")
    with op.batch_alter_table("enrollment_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollment_token_account_id"))

    op.drop_table("enrollment_token")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_subject_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("account")
