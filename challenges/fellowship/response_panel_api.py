"""JSON API for challenges' response panels: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from challenges.fellowship import response_panels as panels
from challenges.fellowship.response_panel_schemas import (
    ChallengePanelInputSchema,
    ChallengePanelRequestSchema,
    ChallengePanelResultsSchema,
    ChallengePanelSchema,
    ResponseConflictInputSchema,
    ResponseReviewSchema,
    ResponseScoreInputSchema,
)
from marketplace.extensions import db

challenge_panels = Blueprint(
    "challenge_panels_api",
    __name__,
    url_prefix="/api/v1/challenge-panels",
    description="Panels scoring the responses to a challenge",
)
blueprints = [challenge_panels]


def _done(result):
    db.session.commit()
    return result


@challenge_panels.post("/challenges/<int:challenge_id>/request")
@challenge_panels.response(200, ChallengePanelRequestSchema)
def request_panel(challenge_id):
    """The challenge's service lead asks the innovation team for a panel (once)."""
    return _done(panels.request_panel(db.session, current_user, challenge_id))


@challenge_panels.post("/challenges/<int:challenge_id>/panel")
@challenge_panels.arguments(ChallengePanelInputSchema)
@challenge_panels.response(201, ChallengePanelSchema)
def form_panel(data, challenge_id):
    """The innovation team forms the panel a service asked for."""
    return _done(
        panels.form_challenge_panel(
            db.session,
            current_user,
            challenge_id,
            data["name"],
            data["member_ids"],
            data["criteria"],
        )
    )


@challenge_panels.get("/challenges/<int:challenge_id>/results")
@challenge_panels.response(200, ChallengePanelResultsSchema)
def results(challenge_id):
    """Each response's weighted score out of 100, means per criterion and progress, ranked
    (the challenge's service lead and the team)."""
    return panels.panel_results(db.session, current_user, challenge_id)


@challenge_panels.post("/<int:panel_id>/assignments")
@challenge_panels.response(200, ResponseReviewSchema(many=True))
def assign(panel_id):
    """Assign every response under consideration to the panel's members (the team); returns
    the new reviews."""
    return _done(panels.assign_responses(db.session, current_user, panel_id))


@challenge_panels.get("/reviews")
@challenge_panels.response(200, ResponseReviewSchema(many=True))
def my_reviews():
    """Responses assigned to you to score."""
    return panels.my_response_reviews(db.session, current_user)


@challenge_panels.get("/responses/<int:response_id>/reviews")
@challenge_panels.response(200, ResponseReviewSchema(many=True))
def response_reviews(response_id):
    """A reviewer sees only their own review until it is submitted; the service and the team
    see every review once all are in."""
    return panels.visible_response_reviews(db.session, current_user, response_id)


@challenge_panels.post("/reviews/<int:review_id>/scores")
@challenge_panels.arguments(ResponseScoreInputSchema)
@challenge_panels.response(200, ResponseReviewSchema)
def score(data, review_id):
    """Your scores, 0 to 5 on each of the panel's criteria; final once submitted."""
    return _done(
        panels.score_response(
            db.session, current_user, review_id, data["scores"], data.get("comment")
        )
    )


@challenge_panels.post("/reviews/<int:review_id>/conflict")
@challenge_panels.arguments(ResponseConflictInputSchema)
@challenge_panels.response(200, ResponseReviewSchema)
def declare_conflict(data, review_id):
    """Declare a conflict of interest: you are recused from scoring this response."""
    return _done(
        panels.declare_response_conflict(db.session, current_user, review_id, data["reason"])
    )
