"""The one search function, over whichever engine the database has.

``matching`` gives the records of one kind that contain every word, with a relevance score
(higher is better), as a subquery that a listing joins onto its own statement. Titles weigh
most, then names and themes, then the body. ``highlights`` marks the words found in the title
and in a short passage of the body, for the few records a page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from marketplace.search.models import FTS_TABLE, TSVECTOR_COLUMN, SearchEntry
from marketplace.search.query import SearchQuery

# Column weights for FTS5's bm25, in the FTS table's column order (title, names, themes, body);
# PostgreSQL's tsvector carries the same order as weights A, B, B and D.
FTS_WEIGHTS = (10.0, 4.0, 4.0, 1.0)
# Markers no stored text contains: the text between them is escaped before it is marked up.
OPEN, CLOSE = "\x02", "\x03"
MARKED = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}")
SNIPPET_WORDS = 24
LANGUAGE = "english"


@dataclass(frozen=True)
class Highlight:
    title: Markup
    passage: Markup  # empty when the words were found only in the title, names or themes


def matching(session: Session, kind: str, query: SearchQuery) -> sa.Subquery:
    """Records of ``kind`` with every word of ``query``: columns ``ref_id`` and ``score``."""
    if _dialect(session) == "postgresql":
        document = sa.literal_column(f"search_entries.{TSVECTOR_COLUMN}")
        tsquery = sa.func.to_tsquery(LANGUAGE, query.tsquery())
        statement = sa.select(
            SearchEntry.ref_id, sa.func.ts_rank(document, tsquery).label("score")
        ).where(SearchEntry.kind == kind, document.op("@@")(tsquery))
    else:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        statement = (
            sa.select(
                SearchEntry.ref_id,
                (-sa.func.bm25(sa.literal_column(FTS_TABLE), *FTS_WEIGHTS)).label("score"),
            )
            .join(fts, fts.c.rowid == SearchEntry.id)
            .where(
                SearchEntry.kind == kind,
                sa.literal_column(FTS_TABLE).op("MATCH")(query.fts5()),
            )
        )
    return statement.subquery("search_hits")


def highlights(
    session: Session, kind: str, query: SearchQuery, ids: list[int]
) -> dict[int, Highlight]:
    """The title and a passage of each of these records, with the words found marked."""
    if not query.words or not ids:
        return {}
    if _dialect(session) == "postgresql":
        tsquery = sa.func.to_tsquery(LANGUAGE, query.tsquery())
        marks = f"StartSel={OPEN}, StopSel={CLOSE}"
        statement = sa.select(
            SearchEntry.ref_id,
            sa.func.ts_headline(
                LANGUAGE, SearchEntry.title, tsquery, f"{marks}, HighlightAll=true"
            ),
            sa.func.ts_headline(
                LANGUAGE,
                SearchEntry.body,
                tsquery,
                f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}",
            ),
        ).where(SearchEntry.kind == kind, SearchEntry.ref_id.in_(ids))
    else:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        table = sa.literal_column(FTS_TABLE)
        statement = (
            sa.select(
                SearchEntry.ref_id,
                sa.func.highlight(table, 0, OPEN, CLOSE),
                sa.func.snippet(table, 3, OPEN, CLOSE, "…", SNIPPET_WORDS),
            )
            .join(fts, fts.c.rowid == SearchEntry.id)
            .where(
                SearchEntry.kind == kind,
                SearchEntry.ref_id.in_(ids),
                table.op("MATCH")(query.fts5()),
            )
        )
    return {
        ref_id: Highlight(_marked(title), _marked(passage) if OPEN in passage else Markup(""))
        for ref_id, title, passage in session.execute(statement)
    }


def _marked(text: str) -> Markup:
    """Escape everything, then turn each marked span into ``<mark>``."""
    parts = []
    position = 0
    for found in MARKED.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(Markup("<mark>%s</mark>") % found.group(1))
        position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts).replace(OPEN, "").replace(CLOSE, "")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
