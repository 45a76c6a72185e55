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
from marketplace.pagination import Page, paginate
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
    if query.words:
        hits = matching(session, kind, query)
        statement = statement.join(hits, hits.c.ref_id == id_column)
        if best_first:
            statement = statement.order_by(hits.c.score.desc())
    found = paginate(session, statement.order_by(*order), page, per_page)
    marked = highlights(session, kind, query, [ref(item) for item in found.items])
    return Results(found, query, marked)
