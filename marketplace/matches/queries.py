"""Ranked fits as people see them: the engine's order, filtered to what may be matched, with
each side's own decisions applied (dismissed fits stay out of the ranking)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import Challenge, Theme
from marketplace.accounts import policy
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Forbidden, NotFound
from marketplace.matches import candidates, ranking
from marketplace.matches.documents import model_of
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import (
    DocumentKind,
    FeedbackSide,
    FeedbackStatus,
    IndexedDocument,
    MatchFeedback,
)
from marketplace.solutions.models import Maturity, Solution

DEFAULT_K = 10
SIMILAR_COSINE = 0.5  # closer than this in meaning reads as "the same need", on the real model


@dataclass(frozen=True)
class FitRow:
    fit: ranking.Fit
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


# --- what is waiting for the background worker -------------------------------------------

RECENT = timedelta(days=1)


def waiting(session: Session, kind: DocumentKind) -> int:
    """Candidates published in the last day that the index does not have yet (a worker has
    them queued). Older gaps are for `marketplace matching reindex`, not for a page to count."""
    table = model_of(kind)
    since = utcnow() - RECENT
    rules = (
        [Solution.withdrawn_at.is_(None)]
        if kind == DocumentKind.SOLUTION
        else [
            Challenge.closed_at.is_(None),
            Challenge.withdrawn_at.is_(None),
            Challenge.archived_at.is_(None),
        ]
    )
    indexed = sa.exists().where(
        IndexedDocument.kind == kind,
        IndexedDocument.object_id == table.id,
        IndexedDocument.model == current_embedder().name,
    )
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.published_at >= since, *rules, ~indexed)
    )


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
    filters = filters or SolutionFilters()
    return challenge, _ranked(
        session,
        challenge,
        DocumentKind.SOLUTION,
        lambda engine: candidates.published_solutions(engine, filters.maturity, filters.theme_id),
        decisions,
        k,
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
    return solution, _ranked(
        session,
        solution,
        DocumentKind.CHALLENGE,
        lambda engine: candidates.open_challenges(engine, theme_id),
        decisions,
        k,
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
    fits = ranking.rank(
        session,
        current_embedder(),
        challenge,
        DocumentKind.CHALLENGE,
        lambda engine: candidates.excluding(
            engine, candidates.published_challenges(engine), [challenge.id]
        ),
        k=k,
    )
    return [FitRow(f, other, None) for f, other in fits if f.components["dense"] >= SIMILAR_COSINE]


def _ranked(session, query, kind, allowed, decisions, k) -> Fits:
    dismissed = [other for other, f in decisions.items() if f.status == FeedbackStatus.DISMISSED]
    fits = ranking.rank(
        session,
        current_embedder(),
        query,
        kind,
        lambda engine: candidates.excluding(engine, allowed(engine), dismissed),
        k=k,
    )
    rows = [FitRow(fit, other, decisions.get(fit.object_id)) for fit, other in fits]
    # Decisions on what has since been withdrawn or closed are no longer shown.
    shown = "published" if kind == DocumentKind.SOLUTION else "open"
    decided = sorted(
        (f for f in decisions.values() if _other(f, kind).status == shown),
        key=lambda f: (f.status.value, -f.decided_at.timestamp()),
    )
    return Fits(rows, decided, waiting(session, kind))


def _other(feedback: MatchFeedback, kind: DocumentKind):
    return feedback.solution if kind == DocumentKind.SOLUTION else feedback.challenge


def _decisions(session: Session, side: FeedbackSide, **where) -> dict[int, MatchFeedback]:
    statement = (
        sa.select(MatchFeedback)
        .filter_by(side=side, **where)
        .options(selectinload(MatchFeedback.solution), selectinload(MatchFeedback.challenge))
    )
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
