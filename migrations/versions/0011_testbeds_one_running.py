"""Test beds: at most one running agreement per challenge and solution.

Revision ID: 0011
Revises: 0010
Created: 2026-11-23 04:59:51.755077
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("testbed_agreements", schema=None) as batch_op:
        batch_op.create_index(
            "uq_testbed_agreements_one_running",
            ["challenge_id", "solution_id"],
            unique=True,
            sqlite_where=sa.text("status NOT IN ('completed', 'terminated')"),
            postgresql_where=sa.text("status NOT IN ('completed', 'terminated')"),
        )


def downgrade():
    with op.batch_alter_table("testbed_agreements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_testbed_agreements_one_running",
            sqlite_where=sa.text("status NOT IN ('completed', 'terminated')"),
            postgresql_where=sa.text("status NOT IN ('completed', 'terminated')"),
        )
