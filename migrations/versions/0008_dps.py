"""Dynamic purchasing: systems, categories, selection rules, applications and admissions.

Revision ID: 0008
Revises: 0007
Created: 2026-11-23 04:27:35.234960
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "purchasing_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "regime",
            sa.Enum(
                "pcr2015",
                "pa2023",
                name="regime",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on > starts_on", name=op.f("ck_purchasing_systems_ends_after_it_starts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_purchasing_systems_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_purchasing_systems_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchasing_systems")),
        sa.UniqueConstraint("title", name="uq_purchasing_systems_title"),
    )
    op.create_table(
        "dps_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "more_information",
                "admitted",
                "rejected",
                "withdrawn",
                name="application_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_to", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("information_request", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_dps_applications_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_applications_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_dps_applications_submitted_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["purchasing_systems.id"],
            name=op.f("fk_dps_applications_system_id_purchasing_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_applications")),
    )
    with op.batch_alter_table("dps_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_applications_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dps_applications_system_id"), ["system_id"], unique=False
        )

    op.create_table(
        "dps_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["purchasing_systems.id"],
            name=op.f("fk_dps_categories_system_id_purchasing_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_categories")),
        sa.UniqueConstraint("system_id", "name", name="uq_dps_categories_name"),
    )
    with op.batch_alter_table("dps_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_categories_system_id"), ["system_id"], unique=False
        )

    op.create_table(
        "dps_selection_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["purchasing_systems.id"],
            name=op.f("fk_dps_selection_questions_system_id_purchasing_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_selection_questions")),
        sa.UniqueConstraint("system_id", "key", name="uq_dps_questions_key"),
    )
    with op.batch_alter_table("dps_selection_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_selection_questions_system_id"), ["system_id"], unique=False
        )

    op.create_table(
        "dps_admissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["dps_applications.id"],
            name=op.f("fk_dps_admissions_application_id_dps_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["dps_categories.id"],
            name=op.f("fk_dps_admissions_category_id_dps_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_admissions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_admissions")),
    )
    with op.batch_alter_table("dps_admissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_admissions_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dps_admissions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "uq_dps_admissions_current",
            ["organisation_id", "category_id"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )

    op.create_table(
        "dps_application_categories",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["dps_applications.id"],
            name=op.f("fk_dps_application_categories_application_id_dps_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["dps_categories.id"],
            name=op.f("fk_dps_application_categories_category_id_dps_categories"),
        ),
        sa.PrimaryKeyConstraint(
            "application_id", "category_id", name=op.f("pk_dps_application_categories")
        ),
    )


def downgrade():
    op.drop_table("dps_application_categories")
    with op.batch_alter_table("dps_admissions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_dps_admissions_current",
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_dps_admissions_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_dps_admissions_category_id"))

    op.drop_table("dps_admissions")
    with op.batch_alter_table("dps_selection_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_selection_questions_system_id"))

    op.drop_table("dps_selection_questions")
    with op.batch_alter_table("dps_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_categories_system_id"))

    op.drop_table("dps_categories")
    with op.batch_alter_table("dps_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_applications_system_id"))
        batch_op.drop_index(batch_op.f("ix_dps_applications_organisation_id"))

    op.drop_table("dps_applications")
    op.drop_table("purchasing_systems")
