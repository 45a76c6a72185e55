"""The one table every search reads.

Both databases hold the same rows; each indexes them its own way, built by the migration and
kept out of the models on purpose (see ``migrations/env.py``): PostgreSQL a generated, weighted
``tsvector`` column with a GIN index, SQLite an FTS5 table over these rows (external content,
kept in step by triggers). Neither can be written as a portable model column.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import Base

# The database objects each engine adds beside the table, which the models do not describe.
FTS_TABLE = "search_entries_fts"
TSVECTOR_COLUMN = "document"
TSVECTOR_INDEX = "ix_search_entries_document"


def described_by_models(_object, name, type_, _reflected, _compare_to) -> bool:
    """For Alembic's comparison of models and database (``include_object``): false for what
    each search engine adds itself, the FTS5 table with its shadow tables and the tsvector
    column with its index."""
    if type_ == "table" and name.startswith(FTS_TABLE):
        return False
    return (type_, name) not in {("column", TSVECTOR_COLUMN), ("index", TSVECTOR_INDEX)}


class SearchEntry(Base):
    """The searchable text of one record: its title (weighted most), the names around it
    (supplier, organisations), its themes, and the body."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    ref_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    names: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    themes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    __table_args__ = (
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_entries_one_per_record"),
    )
