"""Ranked fits as people see them: the engine's order, filtered to what may be matched, with
each side's own decisions applied (dismissed fits stay out of the ranking)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge, Theme, challenge_themes
from marketplace.accounts import policy
from marketplace.db import get_by_id, uk_today
from marketplace.errors import Forbidden, NotFound
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import (
    DocumentKind,
    FeedbackSide,
    FeedbackStatus,
    MatchFeedback,
)
from marketplace.solutions.models import Maturity, Solution, solution_themes
from matching import adapter

DEFAULT_K = 10
SIMILAR_COSINE = 0.5  # closer than this in meaning reads as "the same need", on the real model


@dataclass(frozen=True)
class FitRow:
    fit: adapter.Fit
    other: Challenge | Solution
    feedback: MatchFeedback | None


@dataclass(frozen=True)
class Fits:
    rows: list[FitRow]
    decided: list[MatchFeedback] = field(default_factory=list)
    waiting: int = 0  # candidates not yet encoded (a background worker has them queued)


@dataclass(frozen=True)
class SolutionFilters:
    maturity: list[Maturity] = field(default_factory=list)
    theme_id: int | None = None


# --- candidates ---------------------------------------------------------------------------------


def solution_candidates(session: Session, filters: SolutionFilters | None = None) -> set[int]:
    """Published solutions, narrowed by the filters before anything is ranked."""
    filters = filters or SolutionFilters()
    statement = sa.select(Solution.id).where(
        Solution.published_at.is_not(None), Solution.withdrawn_at.is_(None)
    )
    if filters.maturity:
        statement = statement.where(Solution.maturity.in_(filters.maturity))
    if filters.theme_id:
        statement = statement.join(solution_themes).where(
            solution_themes.c.theme_id == filters.theme_id
        )
    return set(session.scalars(statement))


def open_challenge_candidates(session: Session, theme_id: int | None = None) -> set[int]:
    """Challenges an innovator can still respond to."""
    statement = sa.select(Challenge.id).where(
        Challenge.published_at.is_not(None),
        Challenge.closed_at.is_(None),
        Challenge.withdrawn_at.is_(None),
        Challenge.archived_at.is_(None),
        sa.or_(Challenge.closing_date.is_(None), Challenge.closing_date >= uk_today()),
    )
    if theme_id:
        statement = statement.join(challenge_themes).where(challenge_themes.c.theme_id == theme_id)
    return set(session.scalars(statement))


# --- both directions --------------------------------------------------------------------------


def fits_for_challenge(
    session: Session,
    user,
    challenge_id: int,
    filters: SolutionFilters | None = None,
    k: int = DEFAULT_K,
) -> tuple[Challenge, Fits]:
    challenge = _challenge(session, user, challenge_id)
    if not policy.may_see_fits_for_challenge(user, challenge):
        raise Forbidden("Only the challenge's service and the innovation team see its fits")
    decisions = _decisions(session, FeedbackSide.SERVICE, challenge_id=challenge.id)
    candidates = solution_candidates(session, filters)
    return challenge, _ranked(
        session,
        challenge,
        DocumentKind.SOLUTION,
        candidates,
        decisions,
        lambda f: f.solution_id,
        k,
        solution_candidates(session)
        if filters and (filters.maturity or filters.theme_id)
        else candidates,
    )


def fits_for_solution(
    session: Session, user, solution_id: int, theme_id: int | None = None, k: int = DEFAULT_K
) -> tuple[Solution, Fits]:
    solution = get_by_id(session, Solution, solution_id)
    if solution is None or not policy.may_view_solution(user, solution):
        raise NotFound("There is no such solution")
    if not policy.may_see_fits_for_solution(user, solution):
        raise Forbidden("Only the solution's organisation and the innovation team see its fits")
    decisions = _decisions(session, FeedbackSide.INNOVATOR, solution_id=solution.id)
    candidates = open_challenge_candidates(session, theme_id)
    return solution, _ranked(
        session,
        solution,
        DocumentKind.CHALLENGE,
        candidates,
        decisions,
        lambda f: f.challenge_id,
        k,
        open_challenge_candidates(session) if theme_id else candidates,
    )


def fits_for_my_solutions(session: Session, user, k: int = 5) -> list[tuple[Solution, Fits]]:
    """ "Challenges that fit your solution": each published solution the person looks after."""
    organisation_ids = {
        m.organisation_id
        for m in user.active_memberships
        if policy.may_manage_solutions_for(user, m.organisation_id)
    }
    if not organisation_ids:
        return []
    solutions = session.scalars(
        sa.select(Solution)
        .where(
            Solution.organisation_id.in_(organisation_ids),
            Solution.published_at.is_not(None),
            Solution.withdrawn_at.is_(None),
        )
        .order_by(Solution.title)
    )
    return [fits_for_solution(session, user, s.id, k=k) for s in solutions]


def similar_challenges(session: Session, challenge: Challenge, k: int = 3) -> list[FitRow]:
    """Published challenges close in meaning to this one: a prompt to join forces rather than
    post the same need twice."""
    candidates = set(
        session.scalars(
            sa.select(Challenge.id).where(
                Challenge.published_at.is_not(None),
                Challenge.withdrawn_at.is_(None),
                Challenge.id != challenge.id,
            )
        )
    )
    fits = adapter.rank(
        session, current_embedder(), challenge, DocumentKind.CHALLENGE, candidates, k=k
    )
    close = [f for f in fits if f.components["dense"] >= SIMILAR_COSINE]
    return [FitRow(f, session.get(Challenge, f.object_id), None) for f in close]


def _ranked(session, query, kind, candidates, decisions, other_id, k, visible) -> Fits:
    dismissed = {other_id(f) for f in decisions.values() if f.status == FeedbackStatus.DISMISSED}
    embedder = current_embedder()
    waiting = len(candidates - adapter.indexed_ids(session, embedder, kind))
    fits = adapter.rank(session, embedder, query, kind, candidates - dismissed, k=k)
    table = Challenge if kind == DocumentKind.CHALLENGE else Solution
    rows = [
        FitRow(fit, session.get(table, fit.object_id), decisions.get(fit.object_id)) for fit in fits
    ]
    # Decisions on what has since been withdrawn or closed are no longer shown.
    decided = sorted(
        (f for f in decisions.values() if other_id(f) in visible),
        key=lambda f: (f.status.value, -f.decided_at.timestamp()),
    )
    return Fits(rows, decided, waiting)


def _decisions(session: Session, side: FeedbackSide, **where) -> dict[int, MatchFeedback]:
    statement = sa.select(MatchFeedback).filter_by(side=side, **where)
    key = "solution_id" if "challenge_id" in where else "challenge_id"
    return {getattr(f, key): f for f in session.scalars(statement)}


def _challenge(session: Session, user, challenge_id: int) -> Challenge:
    challenge = get_by_id(session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(user, challenge):
        raise NotFound("There is no such challenge")
    return challenge


def live_themes(session: Session) -> list[Theme]:
    return list(
        session.scalars(sa.select(Theme).where(Theme.retired_at.is_(None)).order_by(Theme.name))
    )
