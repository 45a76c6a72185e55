"""Read side of solutions: the signed-in catalogue and an organisation's own list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.search.listing import Results, search_listing
from marketplace.search.query import SearchQuery
from marketplace.solutions.models import Maturity, Solution, solution_themes
from marketplace.solutions.search import KIND


@dataclass(frozen=True)
class SolutionFilters:
    text: str | None = None
    theme_id: int | None = None
    maturity: str | None = None


def published(
    session: Session, filters: SolutionFilters, page: int = 1, per_page: int = 20
) -> Results:
    """Published solutions, best match first when searched, A to Z otherwise."""
    statement = (
        sa.select(Solution)
        .options(
            selectinload(Solution.themes),
            selectinload(Solution.organisation),
            selectinload(Solution.care_setting_rows),  # the API shows them
        )
        .where(Solution.published_at.is_not(None), Solution.withdrawn_at.is_(None))
    )
    if filters.maturity in {m.value for m in Maturity}:
        statement = statement.where(Solution.maturity == Maturity(filters.maturity))
    if filters.theme_id:
        statement = statement.where(
            Solution.id.in_(
                sa.select(solution_themes.c.solution_id).where(
                    solution_themes.c.theme_id == filters.theme_id
                )
            )
        )
    return search_listing(
        session,
        statement,
        kind=KIND,
        id_column=Solution.id,
        query=SearchQuery.parse(filters.text),
        order=(Solution.title, Solution.id),
        page=page,
        per_page=per_page,
    )


def of_organisations(session: Session, organisation_ids: list[int]) -> list[Solution]:
    if not organisation_ids:
        return []
    statement = (
        sa.select(Solution)
        .where(Solution.organisation_id.in_(organisation_ids))
        .order_by(Solution.updated_at.desc())
    )
    return list(session.scalars(statement))


def published_of_organisations(session: Session, organisation_ids: list[int]) -> list[Solution]:
    """The solutions someone may offer in response to a challenge."""
    return [s for s in of_organisations(session, organisation_ids) if s.status == "published"]
