"""What a challenge requires a solution to show: a NICE evidence standards tier, and DTAC,
DSPT or a stated medical device class. Fits say which of these a solution does not yet show.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(
            sa.Column(
                "evidence_tier_wanted",
                sa.Enum(
                    "a",
                    "b",
                    "c",
                    name="evidence_tier_wanted",
                    native_enum=False,
                    create_constraint=True,
                    length=30,
                ),
                nullable=True,
            )
        )
        for name in ("wants_dtac", "wants_dspt", "wants_device_class"):
            batch.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )


def downgrade():
    with op.batch_alter_table("challenges") as batch:
        for name in ("wants_device_class", "wants_dspt", "wants_dtac"):
            batch.drop_column(name)
        batch.drop_constraint(batch.f("ck_challenges_evidence_tier_wanted"), type_="check")
        batch.drop_column("evidence_tier_wanted")
