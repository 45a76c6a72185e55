"""JSON API for fellowship selection: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from challenges.fellowship import queries, services
from challenges.fellowship.models import Cohort
from challenges.fellowship.schemas import (
    FellowshipApplicationDetailSchema,
    FellowshipApplicationInputSchema,
    FellowshipApplicationSchema,
    FellowshipAssignSchema,
    FellowshipCohortInputSchema,
    FellowshipCohortSchema,
    FellowshipConflictSchema,
    FellowshipDecisionSchema,
    FellowshipPanelInputSchema,
    FellowshipPanelSchema,
    FellowshipReviewQueueSchema,
    FellowshipReviewSchema,
    FellowshipScoredApplicationSchema,
    FellowshipScoresSchema,
)
from marketplace.access import public
from marketplace.accounts import policy
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, NotFound
from marketplace.extensions import db

fellowship = Blueprint(
    "fellowship_api",
    __name__,
    url_prefix="/api/v1/fellowship",
    description="Fellowship cohorts, applications, selection panels and blind scoring",
)
blueprints = [fellowship]


def _done(result):
    db.session.commit()
    return result


def _cohort(cohort_id: int) -> Cohort:
    cohort = get_by_id(db.session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    return cohort


def _team() -> None:
    if not policy.may_run_fellowship(current_user):
        raise Forbidden("Only the innovation team runs the fellowship selection")


# --- cohorts -----------------------------------------------------------------------------------


@fellowship.get("/cohorts")
@fellowship.response(200, FellowshipCohortSchema(many=True))
@fellowship.doc(security=[])
@public
def cohorts():
    """Every cohort, newest first, with its stages and published criteria. No token needed."""
    return queries.cohorts(db.session)


@fellowship.post("/cohorts")
@fellowship.arguments(FellowshipCohortInputSchema)
@fellowship.response(201, FellowshipCohortSchema)
def open_cohort(data):
    """Open a cohort (the innovation team): stages in order, criteria weights adding up to 100."""
    return _done(services.open_cohort(db.session, current_user, data))


@fellowship.get("/cohorts/<int:cohort_id>")
@fellowship.response(200, FellowshipCohortSchema)
@fellowship.doc(security=[])
@public
def cohort(cohort_id):
    return _cohort(cohort_id)


@fellowship.post("/cohorts/<int:cohort_id>/applications")
@fellowship.arguments(FellowshipApplicationInputSchema)
@fellowship.response(201, FellowshipApplicationSchema)
def apply(data, cohort_id):
    """Apply with an idea while the cohort is open (staff of the partner organisations)."""
    return _done(services.apply(db.session, current_user, cohort_id, data))


@fellowship.get("/cohorts/<int:cohort_id>/applications")
@fellowship.response(200, FellowshipScoredApplicationSchema(many=True))
def cohort_applications(cohort_id):
    """The cohort's applications with their weighted scores (the innovation team)."""
    _team()
    return queries.of_cohort(db.session, current_user, _cohort(cohort_id).id)


@fellowship.get("/cohorts/<int:cohort_id>/panels")
@fellowship.response(200, FellowshipPanelSchema(many=True))
def panels(cohort_id):
    _team()
    return queries.panels_of(db.session, _cohort(cohort_id).id)


@fellowship.post("/cohorts/<int:cohort_id>/panels")
@fellowship.arguments(FellowshipPanelInputSchema)
@fellowship.response(201, FellowshipPanelSchema)
def form_panel(data, cohort_id):
    """Form a panel of people holding a panel role or the team role, with at least one patient
    or public member."""
    return _done(
        services.form_panel(db.session, current_user, cohort_id, data["name"], data["member_ids"])
    )


# --- applications ------------------------------------------------------------------------------


@fellowship.get("/applications/mine")
@fellowship.response(200, FellowshipApplicationSchema(many=True))
def my_applications():
    """Your applications with their stage, outcome and the reasons for it."""
    return queries.mine(db.session, current_user)


@fellowship.get("/applications/<int:application_id>")
@fellowship.response(200, FellowshipApplicationDetailSchema)
def application(application_id):
    """For the team, the applicant, and the reviewers assigned to it."""
    found, reviews = services.application_as_seen_by(db.session, current_user, application_id)
    score = (
        services.weighted_score(found, reviews) if policy.may_run_fellowship(current_user) else None
    )
    return _Detail(found, reviews, score)


class _Detail:
    """An application as one person may see it: its reviews and score alongside."""

    def __init__(self, application, reviews, weighted_score):
        self._application = application
        self.reviews = reviews
        self.weighted_score = weighted_score

    def __getattr__(self, name):
        return getattr(self._application, name)


@fellowship.post("/applications/<int:application_id>/assignments")
@fellowship.arguments(FellowshipAssignSchema)
@fellowship.response(201, FellowshipReviewSchema(many=True))
def assign(data, application_id):
    """Every member of one of the cohort's panels reviews the application."""
    reviews = services.assign(db.session, current_user, application_id, data["panel_id"])
    return _done(reviews)


@fellowship.post("/applications/<int:application_id>/advance")
@fellowship.response(200, FellowshipApplicationSchema)
def advance(application_id):
    """Move an undecided application on to the cohort's next stage."""
    return _done(services.advance_stage(db.session, current_user, application_id))


@fellowship.post("/applications/<int:application_id>/decision")
@fellowship.arguments(FellowshipDecisionSchema)
@fellowship.response(200, FellowshipApplicationSchema)
def decide(data, application_id):
    """accepted or declined, with reasons sent to the applicant; only once every reviewer not
    recused has scored."""
    return _done(
        services.decide(db.session, current_user, application_id, data["outcome"], data["reasons"])
    )


# --- reviewers ---------------------------------------------------------------------------------


@fellowship.get("/reviews")
@fellowship.response(200, FellowshipReviewQueueSchema)
def my_reviews():
    """Your assignments (applications and challenge responses): to score, scored, recused."""
    return queries.review_queue(db.session, current_user)


@fellowship.post("/applications/<int:application_id>/scores")
@fellowship.arguments(FellowshipScoresSchema)
@fellowship.response(200, FellowshipReviewSchema)
def submit_scores(data, application_id):
    """Your scores, 0 to 5 for every published criterion; final once submitted."""
    return _done(
        services.submit_review(
            db.session, current_user, application_id, data["scores"], data.get("comment")
        )
    )


@fellowship.post("/applications/<int:application_id>/conflict")
@fellowship.arguments(FellowshipConflictSchema)
@fellowship.response(200, FellowshipReviewSchema)
def declare_conflict(data, application_id):
    """Declare a conflict of interest instead of scoring; you are recused."""
    return _done(
        services.declare_conflict(db.session, current_user, application_id, data["reason"])
    )
