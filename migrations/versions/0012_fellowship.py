"""Fellowship selection: cohorts, applications, panels with a patient or public member, reviews.

Revision ID: 0012
Revises: 0011
Created: 2026-11-23 05:21:53.807814
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fellowship_cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "closes_on > opens_on", name=op.f("ck_fellowship_cohorts_closes_after_it_opens")
        ),
        sa.CheckConstraint("places > 0", name=op.f("ck_fellowship_cohorts_has_places")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_fellowship_cohorts_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_cohorts")),
    )
    op.create_table(
        "fellowship_panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["fellowship_cohorts.id"],
            name=op.f("fk_fellowship_panels_cohort_id_fellowship_cohorts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_panels")),
    )
    with op.batch_alter_table("fellowship_panels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_panels_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "fellowship_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("idea", sa.Text(), nullable=False),
        sa.Column(
            "idea_stage",
            sa.Enum(
                "concept",
                "prototype",
                "tested",
                "marketable",
                name="idea_stage",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("service", sa.String(length=300), nullable=False),
        sa.Column("support_needed", sa.Text(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("solution_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "accepted",
                "declined",
                name="application_outcome",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("outcome_reasons", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_fellowship_applications_applicant_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_fellowship_applications_challenge_id_challenges"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["fellowship_cohorts.id"],
            name=op.f("fk_fellowship_applications_cohort_id_fellowship_cohorts"),
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_fellowship_applications_solution_id_solutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_applications")),
        sa.UniqueConstraint("cohort_id", "applicant_id", name="uq_fellowship_applications_once"),
    )
    with op.batch_alter_table("fellowship_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_applications_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "fellowship_panel_members",
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("patient_or_public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["fellowship_panels.id"],
            name=op.f("fk_fellowship_panel_members_panel_id_fellowship_panels"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_fellowship_panel_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("panel_id", "user_id", name=op.f("pk_fellowship_panel_members")),
    )
    op.create_table(
        "fellowship_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conflict", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["fellowship_applications.id"],
            name=op.f("fk_fellowship_reviews_application_id_fellowship_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"],
            ["fellowship_panels.id"],
            name=op.f("fk_fellowship_reviews_panel_id_fellowship_panels"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_fellowship_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_reviews")),
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_fellowship_reviews_once"),
    )
    with op.batch_alter_table("fellowship_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_reviews_application_id"), ["application_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("fellowship_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_reviews_application_id"))

    op.drop_table("fellowship_reviews")
    op.drop_table("fellowship_panel_members")
    with op.batch_alter_table("fellowship_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_applications_cohort_id"))

    op.drop_table("fellowship_applications")
    with op.batch_alter_table("fellowship_panels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_panels_cohort_id"))

    op.drop_table("fellowship_panels")
    op.drop_table("fellowship_cohorts")
