"""Challenges: services' needs, their themes (with the starting list), and their lifecycle.

Revision ID: 0002
Revises: 0001
Created: 2026-11-23 01:30:36.227403
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# The partnership's starting list; the innovation team manages it from then on.
STARTING_THEMES = [
    "Patient safety",
    "Workforce",
    "Supporting self-care",
    "Outpatients",
    "Maternity",
    "Mental health",
    "Children and young people",
    "Long-term conditions",
    "Urgent and emergency care",
    "Diagnostics",
    "Health inequalities",
    "Digital",
    "Frailty",
]


def upgrade():
    themes = op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("name", name=op.f("uq_themes_name")),
    )
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("need", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evidence_source", sa.String(length=300), nullable=True),
        sa.Column("affected", sa.Text(), nullable=True),
        sa.Column("outcomes", sa.Text(), nullable=True),
        sa.Column("setting", sa.Text(), nullable=True),
        sa.Column("integration", sa.Text(), nullable=True),
        sa.Column("information_governance", sa.Text(), nullable=True),
        sa.Column(
            "budget_range",
            sa.Enum(
                "not_known",
                "under_10k",
                "10k_50k",
                "50k_250k",
                "over_250k",
                name="budget_range",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("priority", sa.String(length=200), nullable=True),
        sa.Column("sites", sa.String(length=500), nullable=True),
        sa.Column("closing_date", sa.Date(), nullable=True),
        sa.Column(
            "stage_wanted",
            sa.Enum(
                "early_idea",
                "prototype",
                "piloted",
                "evidenced",
                "deployable_now",
                name="solution_stage_wanted",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comments", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "published_at IS NULL OR submitted_at IS NOT NULL",
            name=op.f("ck_challenges_published_after_review"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_challenges_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_challenges_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_challenges_published_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
    )
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challenges_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_challenges_published_at"), ["published_at"], unique=False
        )

    op.bulk_insert(themes, [{"name": name} for name in STARTING_THEMES])
    op.create_table(
        "challenge_themes",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_themes_challenge_id_challenges"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_challenge_themes_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("challenge_id", "theme_id", name=op.f("pk_challenge_themes")),
    )


def downgrade():
    op.drop_table("challenge_themes")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenges_published_at"))
        batch_op.drop_index(batch_op.f("ix_challenges_organisation_id"))

    op.drop_table("challenges")
    op.drop_table("themes")
