"""Dynamic purchasing listings: admitted suppliers' products in a category, with their terms.

Revision ID: 0009
Revises: 0008
Created: 2026-11-23 04:33:50.763111
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dps_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("listed_by_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("service_levels", sa.Text(), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["dps_categories.id"],
            name=op.f("fk_dps_listings_category_id_dps_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["listed_by_id"], ["users.id"], name=op.f("fk_dps_listings_listed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_listings_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_dps_listings_solution_id_solutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_listings")),
    )
    with op.batch_alter_table("dps_listings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_listings_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dps_listings_solution_id"), ["solution_id"], unique=False
        )
        batch_op.create_index(
            "uq_dps_listings_current",
            ["category_id", "solution_id"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("dps_listings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_dps_listings_current",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_dps_listings_solution_id"))
        batch_op.drop_index(batch_op.f("ix_dps_listings_category_id"))

    op.drop_table("dps_listings")
