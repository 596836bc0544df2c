"""The role that acts at a dossier's current step, kept beside its agency, so that who may act
on a dossier is one SQL condition (backend/features/dossiers/access.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 02:00:00
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _steps(workflow: Any) -> list[dict[str, Any]]:
    if isinstance(workflow, str):
        workflow = json.loads(workflow)
    steps = (workflow or {}).get("steps", [])
    return steps if isinstance(steps, list) else []


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_role", sa.String(length=16), nullable=True))
    op.create_index(
        "ix_dossier_step_agency_id_step_role", "dossier", ["step_agency_id", "step_role"]
    )
    # Dossiers already on their way: the role of the step they are at, from their variant.
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT d.id, d.step_index, v.workflow FROM dossier d "
            "JOIN procedure_variant v ON v.id = d.variant_id WHERE d.step_index IS NOT NULL"
        )
    ).all()
    for dossier_id, index, workflow in rows:
        steps = _steps(workflow)
        if isinstance(index, int) and 0 <= index < len(steps):
            bind.execute(
                sa.text("UPDATE dossier SET step_role = :role WHERE id = :id"),
                {"role": steps[index].get("role"), "id": dossier_id},
            )


def downgrade() -> None:
    op.drop_index("ix_dossier_step_agency_id_step_role", table_name="dossier")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("step_role")
