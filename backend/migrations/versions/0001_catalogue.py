"""The procedure catalogue: units, agencies, sectors, procedures, variants, holidays.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:39:01.680092
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "administrative_unit",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("parent_code", sa.String(length=5), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["administrative_unit.code"],
            name=op.f("fk_administrative_unit_parent_code_administrative_unit"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_administrative_unit")),
    )
    with op.batch_alter_table("administrative_unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_administrative_unit_parent_code"), ["parent_code"], unique=False
        )

    op.create_table(
        "holiday",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("date", name=op.f("pk_holiday")),
    )
    op.create_table(
        "holiday_override",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("date", name=op.f("pk_holiday_override")),
    )
    op.create_table(
        "sector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sector")),
        sa.UniqueConstraint("code", name=op.f("uq_sector_code")),
    )
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=5), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agency.id"], name=op.f("fk_agency_parent_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["administrative_unit.code"],
            name=op.f("fk_agency_unit_code_administrative_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("code", name=op.f("uq_agency_code")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_kind"), ["kind"], unique=False)

    op.create_table(
        "procedure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=True),
        sa.Column("sector_id", sa.Integer(), nullable=False),
        sa.Column("agency_level", sa.String(length=16), nullable=False),
        sa.Column("agency_kind", sa.String(length=64), nullable=False),
        sa.Column("agency_name", sa.String(length=300), nullable=False),
        sa.Column("agency_name_en", sa.String(length=300), nullable=True),
        sa.Column("online_level", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("name_folded", sa.String(length=500), nullable=False),
        sa.Column("search_folded", sa.Text(), nullable=False),
        sa.Column("updated_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sector_id"], ["sector.id"], name=op.f("fk_procedure_sector_id_sector")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure")),
        sa.UniqueConstraint("code", name=op.f("uq_procedure_code")),
    )
    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_procedure_sector_id"), ["sector_id"], unique=False)

    op.create_table(
        "procedure_variant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=True),
        sa.Column("processing_value", sa.Integer(), nullable=False),
        sa.Column("processing_unit", sa.String(length=16), nullable=False),
        sa.Column("processing_note", sa.String(length=500), nullable=True),
        sa.Column("processing_note_en", sa.String(length=500), nullable=True),
        sa.Column(
            "fees",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "documents",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "form",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedure.id"],
            name=op.f("fk_procedure_variant_procedure_id_procedure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_variant")),
        sa.UniqueConstraint(
            "procedure_id",
            "key",
            "version",
            name=op.f("uq_procedure_variant_procedure_id_key_version"),
        ),
    )
    with op.batch_alter_table("procedure_variant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_variant_procedure_id"), ["procedure_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("procedure_variant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_variant_procedure_id"))

    op.drop_table("procedure_variant")
    with op.batch_alter_table("procedure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_sector_id"))

    op.drop_table("procedure")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_kind"))

    op.drop_table("agency")
    op.drop_table("sector")
    op.drop_table("holiday_override")
    op.drop_table("holiday")
    with op.batch_alter_table("administrative_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_administrative_unit_parent_code"))

    op.drop_table("administrative_unit")
