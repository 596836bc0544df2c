"""How far an account trusts each passkey and session (DESIGN.md §5, Sensitive account
changes): how and when each passkey came and until when a new one is limited, which passkey a
session was opened or last re-verified with and when, which desk issued a recovery, and who
recorded a CCCD at the desk.

Passkeys that already exist get their origin from the audit trail where it tells it: the
passkey and its `account.created` or `passkey.added` row were written in one transaction, at
the same instant, for the same account. One that came by a link or a recovery less than 72
hours ago is limited like a new one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 02:00:00
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import backend.models.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

RESTRICTED_ORIGINS = ("add_passkey", "recovery_code", "desk_recovery")
RESTRICTION = dt.timedelta(hours=72)


def _detail(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def upgrade() -> None:
    when = backend.models.base.UTCDateTime(timezone=True)
    # Columns only (no foreign key to the officer, as the audit trail's actor has): SQLite
    # would rebuild the account table for one, which every table pointing at it forbids.
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cccd_recorded_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("cccd_recorded_at", when, nullable=True))
    with op.batch_alter_table("passkey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolled_via", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("restricted_until", when, nullable=True))
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passkey_id", sa.String(length=1400), nullable=True))
        batch_op.add_column(sa.Column("verified_at", when, nullable=True))
    with op.batch_alter_table("enrollment_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_enrollment_token_agency_id_agency"), "agency", ["agency_id"], ["id"]
        )

    bind = op.get_bind()
    origins: dict[tuple[Any, Any], str] = {}
    events = bind.execute(
        sa.text(
            "SELECT subject_id, at, action, detail FROM audit_event "
            "WHERE action IN ('account.created', 'passkey.added') AND subject_id IS NOT NULL"
        ).columns(
            sa.column("subject_id", sa.String()),
            sa.column("at", when),
            sa.column("action", sa.String()),
            sa.column("detail", sa.String()),
        )
    ).all()
    for subject_id, at, action, detail in events:
        if action == "account.created":
            origins[(subject_id, at)] = "sign_up"
        elif isinstance(purpose := _detail(detail).get("purpose"), str):
            origins[(subject_id, at)] = purpose
    now = dt.datetime.now(dt.UTC)
    passkeys = bind.execute(
        sa.text("SELECT id, account_id, created_at FROM passkey").columns(
            sa.column("id", sa.String()),
            sa.column("account_id", sa.String()),
            sa.column("created_at", when),
        )
    ).all()
    set_origin = sa.text(
        "UPDATE passkey SET enrolled_via = :origin, restricted_until = :until WHERE id = :id"
    ).bindparams(sa.bindparam("until", type_=when))
    for passkey_id, account_id, created_at in passkeys:
        origin = origins.get((account_id, created_at))
        if origin is None or not isinstance(created_at, dt.datetime):
            continue
        until = created_at + RESTRICTION if origin in RESTRICTED_ORIGINS else None
        bind.execute(
            set_origin,
            {
                "origin": origin,
                "until": until if until is not None and until > now else None,
                "id": passkey_id,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("enrollment_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_enrollment_token_agency_id_agency"), type_="foreignkey"
        )
        batch_op.drop_column("agency_id")
    # Plain DROP COLUMN (SQLite 3.35+), not a batch rebuild: the account table cannot be
    # rebuilt under the foreign keys pointing at it.
    for table, column in (
        ("session", "verified_at"),
        ("session", "passkey_id"),
        ("passkey", "restricted_until"),
        ("passkey", "enrolled_via"),
        ("account", "cccd_recorded_at"),
        ("account", "cccd_recorded_by"),
    ):
        op.drop_column(table, column)
