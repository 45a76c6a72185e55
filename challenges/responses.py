"""Responses to challenges: innovators offer a solution; the service answers every one.

No response is left in silence: each is shortlisted or not taken forward, and a decision not to
go forward always carries a reason the innovator sees.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import Challenge, Response
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Conflict, Forbidden, InvalidTransition, NotFound
from marketplace.solutions.models import Solution
from marketplace.validation import FieldErrors, clean_text

PITCH_LENGTH = 3000


def respond(
    session: Session, actor: User, challenge_id: int, solution_id: int | None, pitch: str | None
) -> Response:
    challenge = get_by_id(session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("No such challenge")
    if challenge.status != "open":
        raise InvalidTransition(f"This challenge is {challenge.status}: it takes no responses")
    errors = FieldErrors()
    solution = get_by_id(session, Solution, solution_id)
    if solution is None or not policy.may_respond_with(actor, challenge, solution):
        errors.add("solution_id", "Choose one of your organisation's published solutions")
    pitch = clean_text(
        errors,
        "pitch",
        pitch,
        label="how your solution meets the need",
        max_length=PITCH_LENGTH,
        required=True,
    )
    errors.raise_if_any()
    duplicate = session.scalar(
        sa.select(Response.id).where(
            Response.challenge_id == challenge.id, Response.solution_id == solution.id
        )
    )
    if duplicate is not None:
        raise Conflict("This solution has already been offered to this challenge")
    response = Response(
        challenge=challenge,
        solution=solution,
        submitted_by=actor,
        pitch=pitch,
        submitted_at=utcnow(),
    )
    session.add(response)
    audit.record(
        session,
        actor,
        "response.submitted",
        response,
        {"challenge_id": challenge.id, "solution_id": solution.id},
    )
    return response


def shortlist(session: Session, actor: User, response_id: int) -> Response:
    response = _to_decide(session, actor, response_id)
    if response.status != "submitted":
        raise InvalidTransition("Only a response awaiting a decision can be shortlisted")
    response.shortlisted_at = utcnow()
    response.decided_by_id = actor.id
    audit.record(session, actor, "response.shortlisted", response)
    return response


def not_taken_forward(
    session: Session, actor: User, response_id: int, reason: str | None
) -> Response:
    """Decline a response, shortlisted or not, with a reason the innovator will read."""
    response = _to_decide(session, actor, response_id)
    errors = FieldErrors()
    reason = clean_text(
        errors,
        "reason",
        reason,
        label="a reason the innovator will see",
        max_length=PITCH_LENGTH,
        required=True,
    )
    errors.raise_if_any()
    if response.status == "not_taken_forward":
        raise InvalidTransition("This response has already been answered")
    response.declined_at = utcnow()
    response.decision_reason = reason
    response.decided_by_id = actor.id
    audit.record(session, actor, "response.not_taken_forward", response, {"reason": reason})
    return response


def for_challenge(session: Session, actor: User, challenge: Challenge) -> list[Response]:
    """All responses for the challenge's service and the team; otherwise only the actor's own."""
    statement = (
        sa.select(Response)
        .where(Response.challenge_id == challenge.id)
        .options(selectinload(Response.solution))
        .order_by(Response.submitted_at)
    )
    responses = list(session.scalars(statement))
    return [r for r in responses if policy.may_view_response(actor, r)]


def of_user_organisations(session: Session, actor: User) -> list[Response]:
    """Responses made for any organisation the actor records solutions for."""
    organisation_ids = [
        m.organisation_id
        for m in actor.active_memberships
        if policy.may_manage_solutions_for(actor, m.organisation_id)
    ]
    if not organisation_ids:
        return []
    statement = (
        sa.select(Response)
        .join(Response.solution)
        .where(Solution.organisation_id.in_(organisation_ids))
        .order_by(Response.submitted_at.desc())
    )
    return list(session.scalars(statement))


def visible_response(session: Session, actor: User, response_id: int) -> Response:
    response = get_by_id(session, Response, response_id)
    if response is None or not policy.may_view_response(actor, response):
        raise NotFound("No such response")
    return response


def _to_decide(session: Session, actor: User, response_id: int) -> Response:
    response = visible_response(session, actor, response_id)
    if not policy.may_decide_response(actor, response):
        raise Forbidden("Only the challenge's service lead decides on responses")
    return response
