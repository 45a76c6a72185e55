"""Fusion weights learned from decisions: each decision keeps its signals and its place on the
list, and each learned set of weights is kept with who asked for it and its figures.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

WEIGHT_NAMES = ("dense", "late", "lexical", "themes", "maturity")


def upgrade():
    with op.batch_alter_table("match_feedback") as batch:
        batch.add_column(sa.Column("features", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
    op.create_table(
        "fusion_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in WEIGHT_NAMES),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("adopted", sa.Boolean(), nullable=False),
        sa.Column("in_use", sa.Boolean(), nullable=False),
        sa.Column("learned_by_id", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("put_in_use_by_id", sa.Integer(), nullable=True),
        sa.Column("put_in_use_at", sa.DateTime(timezone=True), nullable=True),
        *(
            sa.CheckConstraint(f"{name} >= 0", name=op.f(f"ck_fusion_weights_{name}_not_negative"))
            for name in WEIGHT_NAMES
        ),
        sa.CheckConstraint(
            "adopted OR NOT in_use", name=op.f("ck_fusion_weights_only_adopted_weights_in_use")
        ),
        sa.ForeignKeyConstraint(
            ["learned_by_id"], ["users.id"], name=op.f("fk_fusion_weights_learned_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["put_in_use_by_id"],
            ["users.id"],
            name=op.f("fk_fusion_weights_put_in_use_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fusion_weights")),
    )
    op.create_index(
        "uq_fusion_weights_one_in_use",
        "fusion_weights",
        ["in_use"],
        unique=True,
        sqlite_where=sa.text("in_use"),
        postgresql_where=sa.text("in_use"),
    )


def downgrade():
    op.drop_index("uq_fusion_weights_one_in_use", table_name="fusion_weights")
    op.drop_table("fusion_weights")
    with op.batch_alter_table("match_feedback") as batch:
        batch.drop_column("position")
        batch.drop_column("features")
