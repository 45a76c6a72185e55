"""The read side: the partnership's register of test beds, one organisation's agreements, and
the evaluated evidence behind a solution."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts import policy
from marketplace.accounts.models import Organisation
from marketplace.search.listing import Results, search_listing
from marketplace.search.query import SearchQuery
from procurement.testbeds.models import Agreement, AgreementStatus, Outcome
from procurement.testbeds.search import KIND

# Drafts are the host's own until shared; everything after is on the register.
ON_REGISTER = [s for s in AgreementStatus if s != AgreementStatus.DRAFT]
POSITIVE = [Outcome.MET, Outcome.PARTLY_MET]


@dataclass(frozen=True)
class RegisterFilters:
    status: AgreementStatus | None = None
    organisation_id: int | None = None
    outcome: Outcome | None = None
    text: str | None = None


def register(
    session: Session, filters: RegisterFilters, page: int = 1, per_page: int = 20
) -> Results:
    """Who is testing what, where, until when, and how it turned out: latest start first, or
    best match first when searched."""
    statement = (
        sa.select(Agreement)
        .where(Agreement.status.in_(ON_REGISTER))
        .options(
            selectinload(Agreement.solution),
            selectinload(Agreement.host_organisation),
            selectinload(Agreement.innovator_organisation),
        )
    )
    if filters.status:
        statement = statement.where(Agreement.status == filters.status)
    if filters.organisation_id:
        statement = statement.where(
            sa.or_(
                Agreement.host_organisation_id == filters.organisation_id,
                Agreement.innovator_organisation_id == filters.organisation_id,
            )
        )
    if filters.outcome:
        statement = statement.where(Agreement.outcome == filters.outcome)
    return search_listing(
        session,
        statement,
        kind=KIND,
        id_column=Agreement.id,
        query=SearchQuery.parse(filters.text),
        order=(Agreement.start_date.desc().nulls_last(), Agreement.id.desc()),
        page=page,
        per_page=per_page,
    )


def organisations_on_register(session: Session) -> list[Organisation]:
    ids = sa.union(
        sa.select(Agreement.host_organisation_id).where(Agreement.status.in_(ON_REGISTER)),
        sa.select(Agreement.innovator_organisation_id).where(Agreement.status.in_(ON_REGISTER)),
    ).subquery()
    return list(
        session.scalars(
            sa.select(Organisation)
            .where(Organisation.id.in_(sa.select(ids)))
            .order_by(Organisation.name)
        )
    )


def mine(session: Session, user) -> list[Agreement]:
    """Agreements for every organisation the person acts for, drafts included where theirs."""
    organisation_ids = {m.organisation_id for m in user.active_memberships}
    if not organisation_ids:
        return []
    agreements = session.scalars(
        sa.select(Agreement)
        .where(
            sa.or_(
                Agreement.host_organisation_id.in_(organisation_ids),
                Agreement.innovator_organisation_id.in_(organisation_ids),
            )
        )
        .order_by(Agreement.updated_at.desc())
    )
    return [a for a in agreements if policy.may_view_agreement(user, a)]


def evidence_for(session: Session, solution_id: int) -> list[Agreement]:
    """Completed test beds of this solution with a met or partly met outcome."""
    return list(
        session.scalars(
            sa.select(Agreement)
            .where(
                Agreement.solution_id == solution_id,
                Agreement.status == AgreementStatus.COMPLETED,
                Agreement.outcome.in_(POSITIVE),
            )
            .order_by(Agreement.closed_at.desc())
        )
    )


def evidence_for_solutions(session: Session, solution_ids: list[int]) -> dict[int, list[Agreement]]:
    """``evidence_for`` of several solutions in one statement."""
    found: dict[int, list[Agreement]] = {}
    if not solution_ids:
        return found
    for agreement in session.scalars(
        sa.select(Agreement)
        .where(
            Agreement.solution_id.in_(set(solution_ids)),
            Agreement.status == AgreementStatus.COMPLETED,
            Agreement.outcome.in_(POSITIVE),
        )
        .options(selectinload(Agreement.host_organisation))
        .order_by(Agreement.closed_at.desc())
    ):
        found.setdefault(agreement.solution_id, []).append(agreement)
    return found


def latest_by_solution(session: Session, challenge_id: int) -> dict[int, Agreement]:
    """For one challenge: each solution's most recent agreement."""
    found: dict[int, Agreement] = {}
    for agreement in session.scalars(
        sa.select(Agreement).where(Agreement.challenge_id == challenge_id).order_by(Agreement.id)
    ):
        found[agreement.solution_id] = agreement
    return found
