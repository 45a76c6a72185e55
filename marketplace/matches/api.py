"""JSON API for fits: the same queries and services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.extensions import db
from marketplace.matches import queries, services, weights
from marketplace.matches.models import FeedbackSide
from marketplace.matches.schemas import (
    DecisionInputSchema,
    DecisionSchema,
    FitQuerySchema,
    FitsSchema,
    SolutionFitQuerySchema,
    WeightsChoiceSchema,
    WeightsOverviewSchema,
)

fits = Blueprint("fits_api", __name__, url_prefix="/api/v1", description="Fits (matching)")
blueprints = [fits]


def _dump(found: queries.Fits) -> dict:
    return {
        "items": [
            {
                "rank": position,
                "ranked": row.other,
                "score": round(row.fit.score, 4),
                "band": row.fit.band,
                "components": row.fit.components,
                "features": row.fit.features,
                "reasons": row.fit.reasons,
                "decision": row.feedback,
            }
            for position, row in enumerate(found.rows, start=1)
        ],
        "decided": found.decided,
        "waiting": found.waiting,
    }


@fits.get("/challenges/<int:challenge_id>/fits")
@fits.arguments(SolutionFitQuerySchema, location="query")
@fits.response(200, FitsSchema)
def fits_for_challenge(args, challenge_id):
    """Published solutions ranked for a challenge, with reasons and signal components.
    For the challenge's service and the innovation team."""
    filters = queries.SolutionFilters(maturity=args["maturity"], theme_id=args.get("theme"))
    _, found = queries.fits_for_challenge(
        db.session, current_user, challenge_id, filters, k=args["limit"]
    )
    return _dump(found)


@fits.get("/solutions/<int:solution_id>/fits")
@fits.arguments(FitQuerySchema, location="query")
@fits.response(200, FitsSchema)
def fits_for_solution(args, solution_id):
    """Open challenges ranked for a solution. For its organisation and the innovation team."""
    _, found = queries.fits_for_solution(
        db.session, current_user, solution_id, args.get("theme"), k=args["limit"]
    )
    return _dump(found)


@fits.put("/challenges/<int:challenge_id>/fits/<int:solution_id>")
@fits.arguments(DecisionInputSchema)
@fits.response(200, DecisionSchema)
def decide_for_challenge(data, challenge_id, solution_id):
    """The service's decision on a solution: shortlisted, dismissed (with an optional reason)
    or accepted. Dismissed solutions stay out of later rankings."""
    return _decide(data, challenge_id, solution_id, FeedbackSide.SERVICE)


@fits.put("/solutions/<int:solution_id>/fits/<int:challenge_id>")
@fits.arguments(DecisionInputSchema)
@fits.response(200, DecisionSchema)
def decide_for_solution(data, solution_id, challenge_id):
    """The innovator's own list: shortlist or dismiss an open challenge for a solution."""
    return _decide(data, challenge_id, solution_id, FeedbackSide.INNOVATOR)


def _decide(data, challenge_id, solution_id, side):
    feedback = services.decide_fit(
        db.session,
        current_user,
        challenge_id,
        solution_id,
        side,
        data["status"].value,
        data.get("reason"),
        data.get("version"),
    )
    db.session.commit()
    return feedback


@fits.get("/matching/weights")
@fits.response(200, WeightsOverviewSchema)
def weights_in_use():
    """The fusion weights fits are ranked by, and the sets learned from decisions (newest 50).
    For the innovation team."""
    return weights.overview(db.session, current_user)


@fits.put("/matching/weights/in-use")
@fits.arguments(WeightsChoiceSchema)
@fits.response(200, WeightsOverviewSchema)
def use_weights(data):
    """Rank fits by an earlier adopted set of weights, or by the built-in ones (``id``: null).
    For the innovation team; 409 for a set that was not adopted or is in use already."""
    weights.put_in_use(db.session, current_user, data["id"])
    db.session.commit()
    return weights.overview(db.session, current_user)
