"""Adoption: who is exploring, piloting or using which solution, and enquiries to suppliers.

Revision ID: 0005
Revises: 0004
Created: 2026-11-23 01:52:52.531787
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adoptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "exploring",
                "piloting",
                "using",
                "stopped",
                name="adoption_stage",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_adoptions_end_not_before_start"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_adoptions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_adoptions_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_adoptions_solution_id_solutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoptions")),
    )
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adoptions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_adoptions_solution_id"), ["solution_id"], unique=False)

    op.create_table(
        "enquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "answered_at IS NULL OR answer IS NOT NULL",
            name=op.f("ck_enquiries_answered_with_text"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_enquiries_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_enquiries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_enquiries_solution_id_solutions")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_enquiries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiries")),
    )
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquiries_solution_id"), ["solution_id"], unique=False)


def downgrade():
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enquiries_solution_id"))

    op.drop_table("enquiries")
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adoptions_solution_id"))
        batch_op.drop_index(batch_op.f("ix_adoptions_organisation_id"))

    op.drop_table("adoptions")
