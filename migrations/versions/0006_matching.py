"""Matching: stored passage and sentence vectors, feedback on fits, in-app notifications.

Revision ID: 0006
Revises: 0005
Created: 2026-11-23 03:20:56.715212
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indexed_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "challenge",
                "solution",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indexed_documents")),
        sa.UniqueConstraint(
            "kind", "object_id", "model", name="uq_indexed_documents_one_per_model"
        ),
    )
    with op.batch_alter_table("indexed_documents", schema=None) as batch_op:
        batch_op.create_index("ix_indexed_documents_model_kind", ["model", "kind"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_unread", ["user_id", "read_at"], unique=False)

    op.create_table(
        "stored_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "passage",
                "sentence",
                name="vector_unit",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["indexed_documents.id"],
            name=op.f("fk_stored_vectors_document_id_indexed_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_vectors")),
        sa.UniqueConstraint(
            "document_id", "unit", "position", name="uq_stored_vectors_one_per_slot"
        ),
    )
    with op.batch_alter_table("stored_vectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stored_vectors_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "service",
                "innovator",
                name="feedback_side",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "shortlisted",
                "dismissed",
                "accepted",
                name="feedback_status",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("components", sa.JSON(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status != 'accepted' OR side = 'service'",
            name=op.f("ck_match_feedback_only_the_service_accepts"),
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_match_feedback_challenge_id_challenges"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_match_feedback_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"], ["solutions.id"], name=op.f("fk_match_feedback_solution_id_solutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
        sa.UniqueConstraint(
            "challenge_id", "solution_id", "side", name="uq_match_feedback_one_per_side"
        ),
    )
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_feedback_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_feedback_solution_id"), ["solution_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_feedback_solution_id"))
        batch_op.drop_index(batch_op.f("ix_match_feedback_challenge_id"))

    op.drop_table("match_feedback")
    with op.batch_alter_table("stored_vectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_vectors_document_id"))

    op.drop_table("stored_vectors")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_unread")

    op.drop_table("notifications")
    with op.batch_alter_table("indexed_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_indexed_documents_model_kind")

    op.drop_table("indexed_documents")
