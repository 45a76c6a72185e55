"""Call-off competitions: criteria, invitations, clarifications, sealed bids, scores, one award.

Revision ID: 0010
Revises: 0009
Created: 2026-11-23 04:38:47.554958
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dps_call_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("buyer_organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_call_offs_buyer_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["dps_categories.id"],
            name=op.f("fk_dps_call_offs_category_id_dps_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_dps_call_offs_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_call_offs")),
    )
    with op.batch_alter_table("dps_call_offs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_call_offs_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "dps_award_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "weight > 0 AND weight <= 100", name=op.f("ck_dps_award_criteria_weight_percent")
        ),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["dps_call_offs.id"],
            name=op.f("fk_dps_award_criteria_call_off_id_dps_call_offs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_award_criteria")),
    )
    with op.batch_alter_table("dps_award_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_award_criteria_call_off_id"), ["call_off_id"], unique=False
        )

    op.create_table(
        "dps_bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_dps_bids_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["dps_call_offs.id"],
            name=op.f("fk_dps_bids_call_off_id_dps_call_offs"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_bids_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_dps_bids_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_bids")),
        sa.UniqueConstraint("call_off_id", "organisation_id", name="uq_dps_bids_one_each"),
    )
    with op.batch_alter_table("dps_bids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dps_bids_call_off_id"), ["call_off_id"], unique=False)

    op.create_table(
        "dps_clarifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_organisation_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asked_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_clarifications_asked_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["dps_call_offs.id"],
            name=op.f("fk_dps_clarifications_call_off_id_dps_call_offs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_clarifications")),
    )
    with op.batch_alter_table("dps_clarifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_clarifications_call_off_id"), ["call_off_id"], unique=False
        )

    op.create_table(
        "dps_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["dps_call_offs.id"],
            name=op.f("fk_dps_invitations_call_off_id_dps_call_offs"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dps_invitations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_invitations")),
        sa.UniqueConstraint("call_off_id", "organisation_id", name="uq_dps_invitations_once"),
    )
    with op.batch_alter_table("dps_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dps_invitations_call_off_id"), ["call_off_id"], unique=False
        )

    op.create_table(
        "dps_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_off_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("contract_value", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("awarded_by_id", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("contract_value >= 0", name=op.f("ck_dps_awards_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["awarded_by_id"], ["users.id"], name=op.f("fk_dps_awards_awarded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["dps_bids.id"], name=op.f("fk_dps_awards_bid_id_dps_bids")
        ),
        sa.ForeignKeyConstraint(
            ["call_off_id"],
            ["dps_call_offs.id"],
            name=op.f("fk_dps_awards_call_off_id_dps_call_offs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_awards")),
        sa.UniqueConstraint("call_off_id", name="uq_dps_awards_one_per_call_off"),
    )
    op.create_table(
        "dps_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("scored_by_id", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 10", name=op.f("ck_dps_scores_score_scale")),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["dps_bids.id"], name=op.f("fk_dps_scores_bid_id_dps_bids")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["dps_award_criteria.id"],
            name=op.f("fk_dps_scores_criterion_id_dps_award_criteria"),
        ),
        sa.ForeignKeyConstraint(
            ["scored_by_id"], ["users.id"], name=op.f("fk_dps_scores_scored_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dps_scores")),
        sa.UniqueConstraint("bid_id", "criterion_id", name="uq_dps_scores_once"),
    )
    with op.batch_alter_table("dps_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dps_scores_bid_id"), ["bid_id"], unique=False)


def downgrade():
    with op.batch_alter_table("dps_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_scores_bid_id"))

    op.drop_table("dps_scores")
    op.drop_table("dps_awards")
    with op.batch_alter_table("dps_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_invitations_call_off_id"))

    op.drop_table("dps_invitations")
    with op.batch_alter_table("dps_clarifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_clarifications_call_off_id"))

    op.drop_table("dps_clarifications")
    with op.batch_alter_table("dps_bids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_bids_call_off_id"))

    op.drop_table("dps_bids")
    with op.batch_alter_table("dps_award_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_award_criteria_call_off_id"))

    op.drop_table("dps_award_criteria")
    with op.batch_alter_table("dps_call_offs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dps_call_offs_category_id"))

    op.drop_table("dps_call_offs")
