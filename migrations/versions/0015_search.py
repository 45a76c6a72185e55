"""Full-text search: one table of searchable text per record, indexed by each database's own
engine (a weighted tsvector with a GIN index on PostgreSQL, FTS5 with the Porter stemmer on
SQLite), filled from the records already stored.

Revision ID: 0015
Revises: 0014
"""
# Every statement here is built from this file's own constants, never from input.
# ruff: noqa: S608

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FTS_COLUMNS = "title, names, themes, body"

# The searchable text of each kind of record, as when the search was introduced. Later
# changes to what is searched are the application's (``marketplace search rebuild``).
SOURCES = {
    "solution": """
        SELECT s.id AS id, s.title AS title, o.name AS names,
               (SELECT {agg} FROM solution_themes st JOIN themes t ON t.id = st.theme_id
                WHERE st.solution_id = s.id) AS themes,
               coalesce(s.summary, '') || ' ' || coalesce(s.description, '') || ' '
               || coalesce(s.audience, '') AS body
        FROM solutions s JOIN organisations o ON o.id = s.organisation_id""",
    "challenge": """
        SELECT c.id AS id, c.title AS title, o.name AS names,
               (SELECT {agg} FROM challenge_themes ct JOIN themes t ON t.id = ct.theme_id
                WHERE ct.challenge_id = c.id) AS themes,
               coalesce(c.need, '') || ' ' || coalesce(c.outcomes, '') || ' '
               || coalesce(c.affected, '') || ' ' || coalesce(c.evidence, '') AS body
        FROM challenges c JOIN organisations o ON o.id = c.organisation_id""",
    "agreement": """
        SELECT a.id AS id, a.title AS title, h.name || ' ' || i.name || ' ' || s.title AS names,
               '' AS themes,
               coalesce(a.public_summary, '') || ' ' || coalesce(a.host_site, '') AS body
        FROM testbed_agreements a
        JOIN organisations h ON h.id = a.host_organisation_id
        JOIN organisations i ON i.id = a.innovator_organisation_id
        JOIN solutions s ON s.id = a.solution_id""",
    "organisation": """
        SELECT o.id AS id, o.name AS title,
               coalesce(o.ods_code, '') || ' ' || coalesce(o.companies_house_number, '') AS names,
               '' AS themes, '' AS body
        FROM organisations o""",
}


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("names", sa.Text(), server_default="", nullable=False),
        sa.Column("themes", sa.Text(), server_default="", nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_search_entries_one_per_record")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
        agg = "string_agg(t.name, ' ')"
    else:
        _sqlite()
        agg = "group_concat(t.name, ' ')"
    for kind, select in SOURCES.items():
        op.execute(
            "INSERT INTO search_entries (kind, ref_id, title, names, themes, body) "
            f"SELECT '{kind}', id, coalesce(title, ''), coalesce(names, ''), "
            f"coalesce(themes, ''), coalesce(body, '') FROM ({select.format(agg=agg)}) AS rows"
        )


def _postgresql():
    op.execute(
        """
        ALTER TABLE search_entries ADD COLUMN document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A')
            || setweight(to_tsvector('english', names), 'B')
            || setweight(to_tsvector('english', themes), 'B')
            || setweight(to_tsvector('english', body), 'D')
        ) STORED"""
    )
    op.execute("CREATE INDEX ix_search_entries_document ON search_entries USING gin (document)")


def _sqlite():
    op.execute(
        f"""
        CREATE VIRTUAL TABLE search_entries_fts USING fts5(
            {FTS_COLUMNS}, content='search_entries', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )"""
    )
    new = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
    remove = (
        f"INSERT INTO search_entries_fts (search_entries_fts, rowid, {FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {old});"
    )
    add = f"INSERT INTO search_entries_fts (rowid, {FTS_COLUMNS}) VALUES (new.id, {new});"
    op.execute(
        f"CREATE TRIGGER search_entries_added AFTER INSERT ON search_entries BEGIN {add} END"
    )
    op.execute(
        f"CREATE TRIGGER search_entries_removed AFTER DELETE ON search_entries BEGIN {remove} END"
    )
    op.execute(
        f"CREATE TRIGGER search_entries_changed AFTER UPDATE ON search_entries "
        f"BEGIN {remove} {add} END"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("added", "removed", "changed"):
            op.execute(f"DROP TRIGGER IF EXISTS search_entries_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_entries_fts")
    op.drop_table("search_entries")
