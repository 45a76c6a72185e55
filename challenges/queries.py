"""Read side of challenges: browsing and search, queues, and the similar-challenge check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import Challenge, Theme, challenge_themes
from challenges.search import KIND
from marketplace.accounts.models import Organisation
from marketplace.db import uk_today
from marketplace.search.listing import Results, search_listing
from marketplace.search.query import SearchQuery

CLOSING_SOON_DAYS = 14
SORTS = {
    "relevance": "Best match",  # when searching; the closing date otherwise
    "closing": "Closing soonest",
    "newest": "Newest first",
    "title": "Title A to Z",
}


@dataclass(frozen=True)
class ChallengeFilters:
    text: str | None = None
    theme_id: int | None = None
    organisation_id: int | None = None
    status: str = "open"  # open, closed or all (published at some point)
    closing_soon: bool = False
    sort: str = "relevance"


def published(
    session: Session, filters: ChallengeFilters, page: int = 1, per_page: int = 20
) -> Results:
    """Challenges anyone signed in may read, filtered and sorted as asked: a search's best
    matches first unless another order is chosen."""
    today = uk_today()
    statement = (
        sa.select(Challenge)
        .options(selectinload(Challenge.themes), selectinload(Challenge.organisation))
        .where(
            Challenge.published_at.is_not(None),
            Challenge.withdrawn_at.is_(None),
            Challenge.archived_at.is_(None),
        )
    )
    is_open = sa.and_(Challenge.closed_at.is_(None), Challenge.closing_date >= today)
    if filters.status == "open":
        statement = statement.where(is_open)
    elif filters.status == "closed":
        statement = statement.where(sa.not_(is_open))
    if filters.closing_soon:
        statement = statement.where(
            is_open, Challenge.closing_date <= today + timedelta(days=CLOSING_SOON_DAYS)
        )
    if filters.theme_id:
        statement = statement.where(
            Challenge.id.in_(
                sa.select(challenge_themes.c.challenge_id).where(
                    challenge_themes.c.theme_id == filters.theme_id
                )
            )
        )
    if filters.organisation_id:
        statement = statement.where(Challenge.organisation_id == filters.organisation_id)
    order = {
        "newest": (Challenge.published_at.desc(),),
        "title": (Challenge.title,),
    }.get(filters.sort, (Challenge.closing_date, Challenge.title))
    return search_listing(
        session,
        statement,
        kind=KIND,
        id_column=Challenge.id,
        query=SearchQuery.parse(filters.text),
        order=(*order, Challenge.id),
        page=page,
        per_page=per_page,
        best_first=filters.sort == "relevance",
    )


def of_organisations(session: Session, organisation_ids: list[int]) -> list[Challenge]:
    """Every challenge of these organisations, whatever its state: the service's own list."""
    if not organisation_ids:
        return []
    statement = (
        sa.select(Challenge)
        .where(Challenge.organisation_id.in_(organisation_ids))
        .order_by(Challenge.updated_at.desc())
    )
    return list(session.scalars(statement))


def review_queue(session: Session) -> list[Challenge]:
    statement = (
        sa.select(Challenge)
        .where(
            Challenge.submitted_at.is_not(None),
            Challenge.published_at.is_(None),
            Challenge.withdrawn_at.is_(None),
        )
        .order_by(Challenge.submitted_at)
    )
    return list(session.scalars(statement))


def active_themes(session: Session) -> list[Theme]:
    return list(
        session.scalars(sa.select(Theme).where(Theme.retired_at.is_(None)).order_by(Theme.name))
    )


def all_themes(session: Session) -> list[Theme]:
    return list(session.scalars(sa.select(Theme).order_by(Theme.name)))


def organisations_with_challenges(session: Session) -> list[Organisation]:
    statement = (
        sa.select(Organisation)
        .where(
            Organisation.id.in_(
                sa.select(Challenge.organisation_id).where(Challenge.published_at.is_not(None))
            )
        )
        .order_by(Organisation.name)
    )
    return list(session.scalars(statement))
