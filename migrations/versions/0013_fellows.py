"""Fellows with mentors, milestones and learning sessions; panels for challenges; funding records.

Revision ID: 0013
Revises: 0012
Created: 2026-12-01 22:29:29.862826
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fellowship_learning_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["fellowship_cohorts.id"],
            name=op.f("fk_fellowship_learning_sessions_cohort_id_fellowship_cohorts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_learning_sessions")),
    )
    with op.batch_alter_table("fellowship_learning_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_learning_sessions_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "fellowship_fellows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("continues_from_id", sa.Integer(), nullable=True),
        sa.Column("year_of_fellowship", sa.Integer(), server_default="1", nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("solution_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "completed",
                "withdrawn",
                name="fellow_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mentor_id IS NULL OR mentor_id <> user_id",
            name=op.f("ck_fellowship_fellows_mentor_not_self"),
        ),
        sa.CheckConstraint(
            "year_of_fellowship >= 1", name=op.f("ck_fellowship_fellows_year_from_one")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["fellowship_applications.id"],
            name=op.f("fk_fellowship_fellows_application_id_fellowship_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["fellowship_cohorts.id"],
            name=op.f("fk_fellowship_fellows_cohort_id_fellowship_cohorts"),
        ),
        sa.ForeignKeyConstraint(
            ["continues_from_id"],
            ["fellowship_fellows.id"],
            name=op.f("fk_fellowship_fellows_continues_from_id_fellowship_fellows"),
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_fellowship_fellows_mentor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_fellowship_fellows_solution_id_solutions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_fellowship_fellows_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_fellows")),
        sa.UniqueConstraint("cohort_id", "user_id", name="uq_fellowship_fellows_once_per_cohort"),
    )
    with op.batch_alter_table("fellowship_fellows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_fellows_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fellowship_fellows_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fellowship_fellows_mentor_id"), ["mentor_id"], unique=False
        )

    op.create_table(
        "fellowship_attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("fellow_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fellow_id"],
            ["fellowship_fellows.id"],
            name=op.f("fk_fellowship_attendance_fellow_id_fellowship_fellows"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["fellowship_learning_sessions.id"],
            name=op.f("fk_fellowship_attendance_session_id_fellowship_learning_sessions"),
        ),
        sa.PrimaryKeyConstraint("session_id", "fellow_id", name=op.f("pk_fellowship_attendance")),
    )
    op.create_table(
        "fellowship_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fellow_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fellow_id"],
            ["fellowship_fellows.id"],
            name=op.f("fk_fellowship_milestones_fellow_id_fellowship_fellows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_milestones")),
    )
    with op.batch_alter_table("fellowship_milestones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_milestones_fellow_id"), ["fellow_id"], unique=False
        )

    op.create_table(
        "funding_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=True),
        sa.Column("fellow_id", sa.Integer(), nullable=True),
        sa.Column("funder", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "grant",
                "investment",
                "contract",
                "in_kind",
                name="funding_kind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_funding_records_amount_positive")),
        sa.CheckConstraint(
            "solution_id IS NOT NULL OR fellow_id IS NOT NULL",
            name=op.f("ck_funding_records_for_a_solution_or_a_fellow"),
        ),
        sa.ForeignKeyConstraint(
            ["fellow_id"],
            ["fellowship_fellows.id"],
            name=op.f("fk_funding_records_fellow_id_fellowship_fellows"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_funding_records_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_funding_records_solution_id_solutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_records")),
    )
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funding_records_fellow_id"), ["fellow_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_funding_records_solution_id"), ["solution_id"], unique=False
        )

    op.create_table(
        "fellowship_progress_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fellow_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_fellowship_progress_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["fellow_id"],
            ["fellowship_fellows.id"],
            name=op.f("fk_fellowship_progress_updates_fellow_id_fellowship_fellows"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["fellowship_milestones.id"],
            name=op.f("fk_fellowship_progress_updates_milestone_id_fellowship_milestones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fellowship_progress_updates")),
    )
    with op.batch_alter_table("fellowship_progress_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fellowship_progress_updates_fellow_id"), ["fellow_id"], unique=False
        )

    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("panel_requested_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("fellowship_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage_index", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint("stage_index_not_negative", "stage_index >= 0")

    with op.batch_alter_table("fellowship_panels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("challenge_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("criteria", sa.JSON(), nullable=True))
        batch_op.alter_column("cohort_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_fellowship_panels_challenge_id"), ["challenge_id"], unique=True
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fellowship_panels_challenge_id_challenges"),
            "challenges",
            ["challenge_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "for_a_cohort_or_a_challenge", "(cohort_id IS NULL) <> (challenge_id IS NULL)"
        )

    with op.batch_alter_table("fellowship_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.alter_column("application_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_fellowship_reviews_response_id"), ["response_id"], unique=False
        )
        batch_op.create_unique_constraint(
            "uq_fellowship_reviews_response_once", ["response_id", "reviewer_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fellowship_reviews_response_id_responses"),
            "responses",
            ["response_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "of_an_application_or_a_response", "(application_id IS NULL) <> (response_id IS NULL)"
        )


def downgrade():
    with op.batch_alter_table("fellowship_reviews", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_fellowship_reviews_of_an_application_or_a_response"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_fellowship_reviews_response_id_responses"), type_="foreignkey"
        )
        batch_op.drop_constraint("uq_fellowship_reviews_response_once", type_="unique")
        batch_op.drop_index(batch_op.f("ix_fellowship_reviews_response_id"))
        batch_op.alter_column("application_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("version")
        batch_op.drop_column("response_id")

    with op.batch_alter_table("fellowship_panels", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_fellowship_panels_for_a_cohort_or_a_challenge"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_fellowship_panels_challenge_id_challenges"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_fellowship_panels_challenge_id"))
        batch_op.alter_column("cohort_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("criteria")
        batch_op.drop_column("challenge_id")

    with op.batch_alter_table("fellowship_applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_fellowship_applications_stage_index_not_negative"), type_="check"
        )
        batch_op.drop_column("stage_index")

    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_column("panel_requested_at")

    with op.batch_alter_table("fellowship_progress_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_progress_updates_fellow_id"))

    op.drop_table("fellowship_progress_updates")
    with op.batch_alter_table("funding_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_records_solution_id"))
        batch_op.drop_index(batch_op.f("ix_funding_records_fellow_id"))

    op.drop_table("funding_records")
    with op.batch_alter_table("fellowship_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_milestones_fellow_id"))

    op.drop_table("fellowship_milestones")
    op.drop_table("fellowship_attendance")
    with op.batch_alter_table("fellowship_fellows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_fellows_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_fellowship_fellows_user_id"))
        batch_op.drop_index(batch_op.f("ix_fellowship_fellows_cohort_id"))

    op.drop_table("fellowship_fellows")
    with op.batch_alter_table("fellowship_learning_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fellowship_learning_sessions_cohort_id"))

    op.drop_table("fellowship_learning_sessions")
