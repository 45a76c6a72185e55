"""Indexes for listing published solutions by title, and for the catalogue's facets: partial,
over the rows those pages show, and covering every column the catalogue counts.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PUBLISHED = "published_at IS NOT NULL AND withdrawn_at IS NULL"
ON_CATALOGUE = f"{PUBLISHED} AND maturity = 'market_ready'"
CATALOGUE_COLUMNS = [
    "title",
    "id",
    "esf_tier",
    "device_class",
    "dtac_status",
    "dspt_status",
    "cyber_essentials",
    "dcb0129_in_place",
    "dspt_expiry",
    "cyber_essentials_expiry",
]


def upgrade():
    with op.batch_alter_table("solutions") as batch:
        batch.create_index(
            "ix_solutions_published_by_title",
            ["title", "id"],
            sqlite_where=sa.text(PUBLISHED),
            postgresql_where=sa.text(PUBLISHED),
        )
        batch.create_index(
            "ix_solutions_catalogue",
            CATALOGUE_COLUMNS,
            sqlite_where=sa.text(ON_CATALOGUE),
            postgresql_where=sa.text(ON_CATALOGUE),
        )


def downgrade():
    with op.batch_alter_table("solutions") as batch:
        batch.drop_index("ix_solutions_catalogue")
        batch.drop_index("ix_solutions_published_by_title")
