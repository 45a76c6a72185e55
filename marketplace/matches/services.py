"""Decisions on fits, and telling innovators when a new challenge fits their solution.

Policy check → lifecycle guard → change → audit; they flush, never commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from challenges.models import Challenge
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.matches import candidates, lifecycle, ranking
from marketplace.matches.embedding import current_embedder
from marketplace.matches.models import DocumentKind, FeedbackSide, FeedbackStatus, MatchFeedback
from marketplace.notifications.services import members_with_roles, notify
from marketplace.solutions.models import Solution
from marketplace.validation import FieldErrors, clean_choice, clean_text

REASON_LENGTH = 2000
LOST_RACE = "Someone else decided on this fit meanwhile. Reload to see their decision."
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
        raise Conflict(LOST_RACE)
    lifecycle.guard(side, feedback.status.value if feedback else None, status.value)
    fit = _current_fit(session, challenge, solution, side)
    try:
        with session.begin_nested():  # a savepoint: a lost race leaves the request usable
            if feedback is None:
                feedback = MatchFeedback(
                    challenge_id=challenge.id, solution_id=solution.id, side=side
                )
                session.add(feedback)
            feedback.status = status
            feedback.reason = reason
            feedback.decided_by_id = actor.id
            feedback.decided_at = utcnow()
            feedback.score = fit.score if fit else None
            feedback.components = fit.components if fit else None
            feedback.features = fit.features if fit else None
            feedback.position = fit.position if fit else None
            session.flush()
    except (IntegrityError, StaleDataError):
        raise Conflict(LOST_RACE) from None
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


def _current_fit(session, challenge, solution, side) -> ranking.Fit | None:
    """The engine's view of the pair as the deciding side's page showed it (the same
    candidates, dismissed ones left out), kept with the decision as a label."""
    decided = sa.select(MatchFeedback).filter_by(side=side, status=FeedbackStatus.DISMISSED)
    if side == FeedbackSide.SERVICE:
        dismissed = session.scalars(
            decided.with_only_columns(MatchFeedback.solution_id).filter_by(
                challenge_id=challenge.id
            )
        ).all()
        rule, query, kind, target = (
            candidates.published_solutions,
            challenge,
            DocumentKind.SOLUTION,
            solution.id,
        )
    else:
        dismissed = session.scalars(
            decided.with_only_columns(MatchFeedback.challenge_id).filter_by(solution_id=solution.id)
        ).all()
        rule, query, kind, target = (
            candidates.open_challenges,
            solution,
            DocumentKind.CHALLENGE,
            challenge.id,
        )

    def allowed(engine):
        return candidates.including(
            engine, candidates.excluding(engine, rule(engine), dismissed), [target]
        )

    return ranking.fit_of(session, current_embedder(), query, kind, allowed, target)


def tell_owners_of_top_fits(session: Session, challenge: Challenge) -> int:
    """Innovators whose published solution is among a newly published challenge's best fits
    hear about it in the app: one notice per person, naming every solution of theirs that fits.
    Weak fits are not announced: a notice should be worth reading."""
    fits = ranking.rank(
        session,
        current_embedder(),
        challenge,
        DocumentKind.SOLUTION,
        candidates.published_solutions,
        k=NOTIFY_TOP,
    )
    fitting: dict[User, list[str]] = {}
    for fit, solution in fits:
        if fit.band == "possible":
            continue
        for person in members_with_roles(session, solution.organisation_id, policy.SOLUTION_ROLES):
            fitting.setdefault(person, []).append(f"“{solution.title}” ({fit.band} fit)")
    link = f"/challenges/{challenge.id}"  # a path, not url_for: a queue worker has no request
    told = 0
    for person, solutions in fitting.items():
        message = (
            f"A newly published challenge, “{challenge.title}”, fits your "
            + ("solution " if len(solutions) == 1 else "solutions ")
            + ", ".join(solutions)
            + "."
        )
        told += notify(session, [person], message, link)
    if told:
        audit.record(session, None, "challenge.fits_announced", challenge, {"people": told})
    return told
