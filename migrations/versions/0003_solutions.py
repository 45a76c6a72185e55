"""Solutions: the catalogue of innovators' products and ideas, with maturity and assurance.

Revision ID: 0003
Revises: 0002
Created: 2026-11-23 01:41:59.272039
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "solutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("audience", sa.Text(), nullable=True),
        sa.Column(
            "maturity",
            sa.Enum(
                "idea",
                "prototype",
                "piloted",
                "evidence",
                "market_ready",
                name="maturity",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evidence_sites", sa.String(length=500), nullable=True),
        sa.Column(
            "device_class",
            sa.Enum(
                "not_a_device",
                "class_i",
                "class_iia",
                "class_iib",
                "class_iii",
                name="device_class",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("device_marking", sa.String(length=100), nullable=True),
        sa.Column(
            "dtac_status",
            sa.Enum(
                "not_started",
                "in_progress",
                "passed",
                name="dtac_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("dtac_date", sa.Date(), nullable=True),
        sa.Column("dcb0129_in_place", sa.Boolean(), nullable=True),
        sa.Column("clinical_safety_officer", sa.String(length=200), nullable=True),
        sa.Column("dcb0129_date", sa.Date(), nullable=True),
        sa.Column(
            "dspt_status",
            sa.Enum(
                "not_published",
                "approaching",
                "met",
                "exceeded",
                name="dspt_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("dspt_date", sa.Date(), nullable=True),
        sa.Column("dspt_expiry", sa.Date(), nullable=True),
        sa.Column(
            "cyber_essentials",
            sa.Enum(
                "none",
                "basic",
                "plus",
                name="cyber_essentials",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("cyber_essentials_date", sa.Date(), nullable=True),
        sa.Column("cyber_essentials_expiry", sa.Date(), nullable=True),
        sa.Column(
            "esf_tier",
            sa.Enum(
                "not_applicable",
                "a",
                "b",
                "c",
                name="esf_tier",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("pricing_model", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cyber_essentials_expiry IS NULL OR cyber_essentials_date IS NULL OR cyber_essentials_expiry > cyber_essentials_date",
            name=op.f("ck_solutions_cyber_essentials_expiry_after_date"),
        ),
        sa.CheckConstraint(
            "dspt_expiry IS NULL OR dspt_date IS NULL OR dspt_expiry > dspt_date",
            name=op.f("ck_solutions_dspt_expiry_after_date"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_solutions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_solutions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solutions")),
    )
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_solutions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_solutions_published_at"), ["published_at"], unique=False
        )

    op.create_table(
        "solution_care_settings",
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column(
            "setting",
            sa.Enum(
                "hospital",
                "community",
                "primary_care",
                "home",
                "care_home",
                "mental_health",
                "social_care",
                name="care_setting",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_solution_care_settings_solution_id_solutions"),
        ),
        sa.PrimaryKeyConstraint("solution_id", "setting", name=op.f("pk_solution_care_settings")),
    )
    op.create_table(
        "solution_themes",
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_solution_themes_solution_id_solutions")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_solution_themes_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("solution_id", "theme_id", name=op.f("pk_solution_themes")),
    )


def downgrade():
    op.drop_table("solution_themes")
    op.drop_table("solution_care_settings")
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_solutions_published_at"))
        batch_op.drop_index(batch_op.f("ix_solutions_organisation_id"))

    op.drop_table("solutions")
