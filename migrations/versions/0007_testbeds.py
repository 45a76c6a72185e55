"""Test-bed agreements: terms with every version kept, signatures, measures.

Revision ID: 0007
Revises: 0006
Created: 2026-11-23 04:00:12.874687
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "testbed_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("host_organisation_id", sa.Integer(), nullable=False),
        sa.Column("innovator_organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "negotiation",
                "awaiting_signature",
                "signed",
                "live",
                "evaluation",
                "completed",
                "terminated",
                name="agreement_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("host_site", sa.String(length=200), nullable=True),
        sa.Column("host_lead_id", sa.Integer(), nullable=True),
        sa.Column("innovator_lead_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("milestones", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("benefits_patients", sa.Text(), nullable=True),
        sa.Column("benefits_service", sa.Text(), nullable=True),
        sa.Column("benefits_innovator", sa.Text(), nullable=True),
        sa.Column("costs", sa.Text(), nullable=True),
        sa.Column("in_kind", sa.Text(), nullable=True),
        sa.Column("liability_insurance", sa.Text(), nullable=True),
        sa.Column("patient_data", sa.Boolean(), nullable=True),
        sa.Column(
            "lawful_basis",
            sa.Enum(
                "care",
                "research",
                "legitimate_interests",
                "consent",
                name="lawful_basis",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column(
            "dpia_status",
            sa.Enum(
                "not_required",
                "required",
                "completed",
                name="dpia_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("dpia_completed_on", sa.Date(), nullable=True),
        sa.Column("data_sharing", sa.Text(), nullable=True),
        sa.Column("supplier_safety_case", sa.Boolean(), nullable=True),
        sa.Column("host_safety_assessment", sa.Boolean(), nullable=True),
        sa.Column("supplier_safety_officer", sa.String(length=200), nullable=True),
        sa.Column("host_safety_officer", sa.String(length=200), nullable=True),
        sa.Column(
            "ip_arrangement",
            sa.Enum(
                "innovator_owns",
                "host_owns_licensed",
                "assigned_to_innovator",
                "joint",
                name="ip_arrangement",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("ip_terms", sa.Text(), nullable=True),
        sa.Column(
            "evaluation_kind",
            sa.Enum(
                "service_evaluation",
                "research",
                name="evaluation_kind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("evaluation_plan", sa.Text(), nullable=True),
        sa.Column("exit_plan", sa.Text(), nullable=True),
        sa.Column("public_summary", sa.Text(), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("live_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluation_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "met",
                "partly_met",
                "not_met",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("evaluation_summary", sa.Text(), nullable=True),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("adoption_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status != 'completed' OR outcome IS NOT NULL",
            name=op.f("ck_testbed_agreements_completed_has_outcome"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date > start_date",
            name=op.f("ck_testbed_agreements_ends_after_it_starts"),
        ),
        sa.CheckConstraint(
            "host_organisation_id != innovator_organisation_id",
            name=op.f("ck_testbed_agreements_two_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["adoption_id"],
            ["adoptions.id"],
            name=op.f("fk_testbed_agreements_adoption_id_adoptions"),
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_testbed_agreements_challenge_id_challenges"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_testbed_agreements_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["host_lead_id"], ["users.id"], name=op.f("fk_testbed_agreements_host_lead_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_testbed_agreements_host_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["innovator_lead_id"],
            ["users.id"],
            name=op.f("fk_testbed_agreements_innovator_lead_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["innovator_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_testbed_agreements_innovator_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_testbed_agreements_solution_id_solutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testbed_agreements")),
    )
    with op.batch_alter_table("testbed_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_testbed_agreements_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_testbed_agreements_solution_id"), ["solution_id"], unique=False
        )

    op.create_table(
        "testbed_agreement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["testbed_agreements.id"],
            name=op.f("fk_testbed_agreement_versions_agreement_id_testbed_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_testbed_agreement_versions_created_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testbed_agreement_versions")),
        sa.UniqueConstraint("agreement_id", "number", name="uq_testbed_versions_number"),
    )
    with op.batch_alter_table("testbed_agreement_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_testbed_agreement_versions_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "testbed_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("how_collected", sa.String(length=500), nullable=False),
        sa.Column("collected_by", sa.String(length=200), nullable=False),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.Column("actual_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["testbed_agreements.id"],
            name=op.f("fk_testbed_measures_agreement_id_testbed_agreements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testbed_measures")),
    )
    with op.batch_alter_table("testbed_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_testbed_measures_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "testbed_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["testbed_agreements.id"],
            name=op.f("fk_testbed_signatures_agreement_id_testbed_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_testbed_signatures_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_testbed_signatures_signed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["testbed_agreement_versions.id"],
            name=op.f("fk_testbed_signatures_version_id_testbed_agreement_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_testbed_signatures")),
        sa.UniqueConstraint("version_id", "organisation_id", name="uq_testbed_signatures_once"),
    )
    with op.batch_alter_table("testbed_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_testbed_signatures_agreement_id"), ["agreement_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("testbed_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_testbed_signatures_agreement_id"))

    op.drop_table("testbed_signatures")
    with op.batch_alter_table("testbed_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_testbed_measures_agreement_id"))

    op.drop_table("testbed_measures")
    with op.batch_alter_table("testbed_agreement_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_testbed_agreement_versions_agreement_id"))

    op.drop_table("testbed_agreement_versions")
    with op.batch_alter_table("testbed_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_testbed_agreements_solution_id"))
        batch_op.drop_index(batch_op.f("ix_testbed_agreements_challenge_id"))

    op.drop_table("testbed_agreements")
