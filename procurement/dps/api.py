"""JSON API for the dynamic purchasing system: the same services as the pages."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.access import public
from marketplace.db import get_by_id
from marketplace.errors import NotFound
from marketplace.extensions import db
from procurement.dps import call_offs, queries, services
from procurement.dps.models import Category, PurchasingSystem
from procurement.dps.schemas import (
    ApplicationDecisionSchema,
    ApplicationSchema,
    ApplyInputSchema,
    AssessmentSchema,
    BidInputSchema,
    BidSchema,
    CallOffSchema,
    ClarificationAnswerSchema,
    ClarificationQuestionSchema,
    ClarificationSchema,
    ContractValueSchema,
    ExtensionSchema,
    ListingInputSchema,
    ListingSchema,
    RegisterPageSchema,
    RegisterQuerySchema,
    ResultSchema,
    ScoreInputSchema,
    SystemSchema,
)

dps = Blueprint("dps_api", __name__, url_prefix="/api/v1/dps", description="Dynamic purchasing")
blueprints = [dps]


@dps.get("/systems")
@dps.response(200, SystemSchema(many=True))
def systems():
    return queries.systems(db.session)


@dps.post("/systems")
@dps.arguments(SystemSchema)
@dps.response(201, SystemSchema)
def create_system(data):
    """Procurement officers: a system with its categories."""
    system = services.create_system(
        db.session,
        current_user,
        data["organisation_id"],
        data["title"],
        data["regime"].value,
        data["scope"],
        data["starts_on"],
        data["ends_on"],
        [(c.get("name"), c.get("definition")) for c in data["categories"]],
    )
    db.session.commit()
    return system


@dps.get("/systems/<int:system_id>")
@dps.response(200, SystemSchema)
def system(system_id):
    found = get_by_id(db.session, PurchasingSystem, system_id)
    if found is None:
        raise NotFound("There is no such purchasing system")
    return found


@dps.post("/systems/<int:system_id>/applications")
@dps.arguments(ApplyInputSchema)
@dps.response(201, ApplicationSchema)
def apply(data, system_id):
    """Apply to categories, answering the selection questionnaire (keys as in the bank)."""
    application = services.apply(
        db.session,
        current_user,
        system_id,
        data["organisation_id"],
        data["category_ids"],
        data["answers"],
    )
    db.session.commit()
    return application


@dps.get("/applications/<int:application_id>")
@dps.response(200, ApplicationSchema)
def application(application_id):
    """Your own application, or one in a system you run; anyone else's is a 404."""
    return services.visible_application(db.session, current_user, application_id)


@dps.get("/applications/<int:application_id>/assessment")
@dps.response(200, AssessmentSchema(many=True))
def assessment(application_id):
    return services.assessment(
        services.visible_application(db.session, current_user, application_id)
    )


@dps.post("/applications/<int:application_id>/decision")
@dps.arguments(ApplicationDecisionSchema)
@dps.response(200, ApplicationSchema)
def decide(data, application_id):
    """admit, reject (reasons required) or more_information (reasons required)."""
    found = services.decide(
        db.session,
        current_user,
        application_id,
        data["decision"],
        data.get("reasons"),
        data.get("version"),
    )
    db.session.commit()
    return found


@dps.post("/applications/<int:application_id>/extension")
@dps.arguments(ExtensionSchema)
@dps.response(200, ApplicationSchema)
def extend(data, application_id):
    found = services.extend(db.session, current_user, application_id, data["reason"])
    db.session.commit()
    return found


@dps.get("/categories/<int:category_id>/register")
@dps.arguments(RegisterQuerySchema, location="query")
@dps.response(200, RegisterPageSchema)
@public
def register(args, category_id):
    """The public register of admitted suppliers, with the state of their assurance: a page at
    a time by name, or searched by supplier name or number, best match first."""
    category = get_by_id(db.session, Category, category_id)
    if category is None:
        raise NotFound("There is no such category")
    return queries.register_page(
        db.session, category, args.get("q"), args["page"], args["per_page"]
    ).checked()


@dps.post("/categories/<int:category_id>/listings")
@dps.arguments(ListingInputSchema)
@dps.response(201, ListingSchema)
def list_product(data, category_id):
    """An admitted supplier lists a market-ready (or test-bed evaluated) product."""
    listing = services.list_product(
        db.session,
        current_user,
        category_id,
        data["solution_id"],
        data["price"],
        data["terms"],
        data["service_levels"],
    )
    db.session.commit()
    return listing


@dps.get("/categories/<int:category_id>/listings")
@dps.response(200, ListingSchema(many=True))
@public
def listings(category_id):
    category = get_by_id(db.session, Category, category_id)
    if category is None:
        raise NotFound("There is no such category")
    return [v.listing for v in queries.listings(db.session, category)]


@dps.delete("/listings/<int:listing_id>")
@dps.response(200, ListingSchema)
def withdraw_listing(listing_id):
    listing = services.withdraw_listing(db.session, current_user, listing_id)
    db.session.commit()
    return listing


# --- call-offs ----------------------------------------------------------------------------


@dps.post("/call-offs")
@dps.arguments(CallOffSchema)
@dps.response(201, CallOffSchema)
def publish_call_off(data):
    """A buyer's procurement officer publishes; every eligible admitted supplier is invited."""
    call_off = call_offs.publish(
        db.session,
        current_user,
        data["category_id"],
        data["buyer_organisation_id"],
        data["title"],
        data["requirement"],
        data["closes_on"],
        [(c["name"], c["weight"]) for c in data["criteria"]],
    )
    db.session.commit()
    return call_off


@dps.get("/call-offs/<int:call_off_id>")
@dps.response(200, CallOffSchema)
def call_off(call_off_id):
    return call_offs.visible(db.session, current_user, call_off_id)


@dps.post("/call-offs/<int:call_off_id>/bids")
@dps.arguments(BidInputSchema)
@dps.response(200, BidSchema)
def bid(data, call_off_id):
    """Submit or replace your sealed bid before the closing time."""
    found = call_offs.submit_bid(
        db.session, current_user, call_off_id, data["price"], data["proposal"]
    )
    db.session.commit()
    return found


@dps.post("/call-offs/<int:call_off_id>/clarifications")
@dps.arguments(ClarificationQuestionSchema)
@dps.response(201, ClarificationSchema)
def ask(data, call_off_id):
    found = call_offs.ask(db.session, current_user, call_off_id, data["question"])
    db.session.commit()
    return found


@dps.post("/clarifications/<int:clarification_id>/answer")
@dps.arguments(ClarificationAnswerSchema)
@dps.response(200, ClarificationSchema)
def answer(data, clarification_id):
    found = call_offs.answer(db.session, current_user, clarification_id, data["answer"])
    db.session.commit()
    return found


@dps.post("/bids/<int:bid_id>/scores")
@dps.arguments(ScoreInputSchema)
@dps.response(200, BidSchema)
def score(data, bid_id):
    found = call_offs.score(db.session, current_user, bid_id, data["criterion_id"], data["score"])
    db.session.commit()
    return found.bid


@dps.post("/call-offs/<int:call_off_id>/award")
@dps.arguments(ContractValueSchema)
@dps.response(200, CallOffSchema)
def award(data, call_off_id):
    """Award to the best weighted score; exactly one award per call-off."""
    found = call_offs.award(db.session, current_user, call_off_id, data["contract_value"])
    db.session.commit()
    return found.call_off


@dps.get("/call-offs/<int:call_off_id>/results")
@dps.response(200, ResultSchema(many=True))
def results(call_off_id):
    """The buyer's ranking, once the call-off has closed."""
    call_offs.sealed_bids(db.session, current_user, call_off_id)
    return call_offs.results(call_offs.visible(db.session, current_user, call_off_id))
