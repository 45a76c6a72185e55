"""A listing searched: the listing's own statement, narrowed to the records that contain the
words and (unless the listing is sorted otherwise) ordered best match first, one page of it,
and the words marked in what the page shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.errors import Invalid
from marketplace.pagination import MAX_PAGE, MAX_PER_PAGE, Page, paginate
from marketplace.search.engine import Highlight, highlights, matching
from marketplace.search.query import SearchQuery


@dataclass(frozen=True)
class Results:
    page: Page
    query: SearchQuery
    highlights: dict[int, Highlight] = field(default_factory=dict)

    def checked(self) -> Page:
        """The page, for an edge that reports bad input as an error (the JSON API)."""
        if self.query.problem:
            raise Invalid({"q": self.query.problem})
        return self.page


def search_listing(
    session: Session,
    statement: sa.Select,
    *,
    kind: str,
    id_column: sa.ColumnElement[int],
    query: SearchQuery,
    order: tuple,
    page: int = 1,
    per_page: int = 20,
    best_first: bool = True,
    ref: Callable[[Any], int] = attrgetter("id"),
) -> Results:
    """``statement`` selects the listing's records; ``order`` is its own order, which follows
    relevance when ``best_first`` and comes alone otherwise. ``id_column`` and ``ref`` name the
    searched record (an admission's organisation, say) in the statement and in an item."""
    if query.problem:
        return Results(Page([], 1, per_page, 0), query)
    if not query.words:
        found = paginate(session, statement.order_by(*order), page, per_page)
    else:
        hits = matching(session, kind, query)
        statement = statement.join(hits, hits.c.ref_id == id_column)
        if best_first:
            statement = statement.order_by(hits.c.score.desc())
        found = _counted_page(session, statement.order_by(*order), page, per_page)
    marked = highlights(session, kind, query, [ref(item) for item in found.items])
    return Results(found, query, marked)


def _counted_page(session: Session, statement: sa.Select, page: int, per_page: int) -> Page:
    """One page of a search, in two statements that run the search once: the page's ids and
    the number of hits in all (a search finds every hit to rank them, so counting them too
    costs nothing more; a separate count would search again), then those records, loaded
    as the listing loads them. Past the last page no row carries the count, so it is
    counted the usual way."""
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    [key] = sa.inspect(statement.column_descriptions[0]["entity"]).primary_key
    ranked = statement.with_only_columns(key, sa.func.count().over(), maintain_column_froms=True)
    rows = session.execute(ranked.limit(per_page).offset((page - 1) * per_page)).all()
    if not rows:
        return paginate(session, statement, page, per_page)
    ids = [row[0] for row in rows]
    loaded = session.scalars(statement.order_by(None).where(key.in_(ids))).unique()
    by_id = {id_of: item for item in loaded for id_of in [_identity(item)]}
    return Page([by_id[i] for i in ids if i in by_id], page, per_page, rows[0][1])


def _identity(item) -> int:
    return sa.inspect(item).identity[0]
