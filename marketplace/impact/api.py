"""JSON API for funding records: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.extensions import db
from marketplace.impact import funding
from marketplace.impact.schemas import (
    FundingInputSchema,
    FundingPageSchema,
    FundingQuerySchema,
    FundingSchema,
)

funding_api = Blueprint(
    "funding_api",
    __name__,
    url_prefix="/api/v1/funding",
    description="Inward investment and funding received by solutions and fellows",
)
blueprints = [funding_api]


@funding_api.get("")
@funding_api.arguments(FundingQuerySchema, location="query")
@funding_api.response(200, FundingPageSchema)
def records(args):
    """Funding records, newest first (the innovation team and partner organisations)."""
    return funding.listing(
        db.session,
        current_user,
        kind=args.get("kind"),
        solution_id=args.get("solution"),
        fellow_id=args.get("fellow"),
        page=args["page"],
        per_page=args["per_page"],
    )


@funding_api.post("")
@funding_api.arguments(FundingInputSchema)
@funding_api.response(201, FundingSchema)
def record(data):
    """Record funding against a solution, a fellow or both (the innovation team)."""
    created = funding.record_funding(db.session, current_user, data)
    db.session.commit()
    return created
