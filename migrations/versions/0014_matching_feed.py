"""The matching index's change feed: a generation on each indexed document, and where the
feed stands.

Revision ID: 0014
Revises: 0013
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    feed = op.create_table(
        "matching_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_feed")),
    )
    # Made here so that the first snapshot of an existing database already names its epoch
    # (a feed made later, on the first change, would send every worker back to a full build).
    op.bulk_insert(feed, [{"id": 1, "epoch": uuid.uuid4().hex, "generation": 0}])
    with op.batch_alter_table("indexed_documents") as batch:
        batch.add_column(
            sa.Column("generation", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch.create_index(
            "ix_indexed_documents_feed", ["model", "kind", "generation"], unique=False
        )


def downgrade():
    with op.batch_alter_table("indexed_documents") as batch:
        batch.drop_index("ix_indexed_documents_feed")
        batch.drop_column("generation")
    op.drop_table("matching_feed")
