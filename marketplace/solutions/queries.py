"""Read side of solutions: the signed-in catalogue and an organisation's own list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.queries import search_terms
from marketplace.pagination import Page, paginate
from marketplace.solutions.models import Maturity, Solution, solution_themes

SEARCHED_COLUMNS = (Solution.title, Solution.summary, Solution.description, Solution.audience)


@dataclass(frozen=True)
class SolutionFilters:
    text: str | None = None
    theme_id: int | None = None
    maturity: str | None = None


def published(
    session: Session, filters: SolutionFilters, page: int = 1, per_page: int = 20
) -> Page:
    statement = (
        sa.select(Solution)
        .options(selectinload(Solution.themes), selectinload(Solution.organisation))
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
    for term in search_terms(filters.text):
        pattern = f"%{term}%"
        statement = statement.where(
            sa.or_(
                *(sa.func.lower(column).like(pattern, escape="\\") for column in SEARCHED_COLUMNS)
            )
        )
    return paginate(session, statement.order_by(Solution.title, Solution.id), page, per_page)


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
