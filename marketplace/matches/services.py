"""Decisions on fits, and telling innovators when a new challenge fits their solution.

Policy check → lifecycle guard → change → audit; they flush, never commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import User
from marketplace.db import flush_or_conflict, get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.matches import lifecycle
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import DocumentKind, FeedbackSide, FeedbackStatus, MatchFeedback
from marketplace.matches.queries import open_challenge_candidates, solution_candidates
from marketplace.notifications.services import members_with_roles, notify
from marketplace.solutions.models import Solution
from marketplace.validation import FieldErrors, clean_choice, clean_text
from matching import adapter

REASON_LENGTH = 2000
NOTIFY_TOP = 5  # how many of a new challenge's best fits are told about it


def decide_fit(
    session: Session,
    actor: User,
    challenge_id: int,
    solution_id: int,
    side: FeedbackSide,
    status,
    reason: str | None = None,
    version: int | None = None,
) -> MatchFeedback:
    """Record one side's decision on a fit. ``version``, when given, is the version of the
    decision the person was looking at: a decision someone else changed since is a conflict."""
    challenge, solution = _pair(session, actor, challenge_id, solution_id, side)
    errors = FieldErrors()
    status = clean_choice(
        errors, "status", status, FeedbackStatus, "Choose shortlist, dismiss or accept"
    )
    if status is None and "status" not in errors:
        errors.add("status", "Choose shortlist, dismiss or accept")
    reason = clean_text(errors, "reason", reason, label="the reason", max_length=REASON_LENGTH)
    errors.raise_if_any()
    feedback = session.scalar(
        sa.select(MatchFeedback).filter_by(
            challenge_id=challenge.id, solution_id=solution.id, side=side
        )
    )
    if version is not None and (feedback.version if feedback else 0) != version:
        raise Conflict("Someone else decided on this fit meanwhile. Reload to see their decision.")
    lifecycle.guard(side, feedback.status.value if feedback else None, status.value)
    fit = _current_fit(session, challenge, solution, side)
    if feedback is None:
        feedback = MatchFeedback(challenge_id=challenge.id, solution_id=solution.id, side=side)
        session.add(feedback)
    feedback.status = status
    feedback.reason = reason
    feedback.decided_by_id = actor.id
    feedback.decided_at = utcnow()
    feedback.score = fit.score if fit else None
    feedback.components = fit.components if fit else None
    flush_or_conflict(session, "decision")
    audit.record(
        session,
        actor,
        f"fit.{status.value}",
        feedback,
        {"challenge": challenge.id, "solution": solution.id, "side": side.value, "reason": reason},
    )
    return feedback


def _pair(session, actor, challenge_id, solution_id, side) -> tuple[Challenge, Solution]:
    challenge = get_by_id(session, Challenge, challenge_id)
    solution = get_by_id(session, Solution, solution_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("There is no such challenge")
    if solution is None or not policy.may_view_solution(actor, solution):
        raise NotFound("There is no such solution")
    if side == FeedbackSide.SERVICE and not policy.may_decide_fit_for_challenge(actor, challenge):
        raise Forbidden("Only a service lead of the challenge's organisation can decide its fits")
    if side == FeedbackSide.INNOVATOR and not policy.may_decide_fit_for_solution(actor, solution):
        raise Forbidden("Only the solution's innovators can keep its list of challenges")
    if solution.status != "published":
        raise Conflict("This solution is no longer published")
    if side == FeedbackSide.INNOVATOR and challenge.status != "open":
        raise Conflict("This challenge is no longer open")
    return challenge, solution


def _current_fit(session, challenge, solution, side) -> adapter.Fit | None:
    """The engine's view of the pair as it stands now, kept with the decision as a label.
    Ranked among all candidates so the score means what it meant on the page."""
    embedder = current_embedder()
    if side == FeedbackSide.SERVICE:
        candidates = solution_candidates(session)
        fits = adapter.rank(
            session, embedder, challenge, DocumentKind.SOLUTION, candidates, k=len(candidates)
        )
        wanted = solution.id
    else:
        candidates = open_challenge_candidates(session)
        fits = adapter.rank(
            session, embedder, solution, DocumentKind.CHALLENGE, candidates, k=len(candidates)
        )
        wanted = challenge.id
    return next((f for f in fits if f.object_id == wanted), None)


def tell_owners_of_top_fits(session: Session, challenge: Challenge) -> int:
    """Innovators whose published solution is among a newly published challenge's best fits
    hear about it in the app. Weak fits are not announced: a notice should be worth reading."""
    fits = adapter.rank(
        session,
        current_embedder(),
        challenge,
        DocumentKind.SOLUTION,
        solution_candidates(session),
        k=NOTIFY_TOP,
    )
    told = 0
    link = f"/challenges/{challenge.id}"  # a path, not url_for: a queue worker has no request
    for fit in fits:
        if fit.band == "possible":
            continue
        solution = session.get(Solution, fit.object_id)
        people = members_with_roles(session, solution.organisation_id, policy.SOLUTION_ROLES)
        message = (
            f"A newly published challenge, “{challenge.title}”, is a {fit.band} fit for your "
            f"solution “{solution.title}”."
        )
        told += notify(session, people, message, link)
    if told:
        audit.record(session, None, "challenge.fits_announced", challenge, {"people": told})
    return told
