"""JSON API for solutions: the same services as the pages, section by section."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.access import public
from marketplace.accounts import policy
from marketplace.accounts.schemas import ReasonSchema
from marketplace.db import get_by_id
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.solutions import adoption, catalogue, queries, services
from marketplace.solutions.models import Solution
from marketplace.solutions.schemas import (
    SECTION_SCHEMAS,
    AdoptionPageSchema,
    AdoptionQuerySchema,
    AdoptionSchema,
    AdoptionUpdateSchema,
    AnswerSchema,
    CatalogueQuerySchema,
    CatalogueSchema,
    EnquiryListsSchema,
    EnquirySchema,
    NewAdoptionSchema,
    NewEnquirySchema,
    NewSolutionSchema,
    SolutionPageSchema,
    SolutionQuerySchema,
    SolutionSchema,
)

solutions = Blueprint(
    "solutions_api", __name__, url_prefix="/api/v1/solutions", description="Solutions"
)
blueprints = [solutions]


def _visible(solution_id: int) -> Solution:
    solution = get_by_id(db.session, Solution, solution_id)
    if solution is None or not policy.may_view_solution(current_user, solution):
        raise NotFound("No such solution")
    return solution


@solutions.route("")
class Solutions(MethodView):
    @solutions.arguments(SolutionQuerySchema, location="query")
    @solutions.response(200, SolutionPageSchema)
    def get(self, args):
        """Published solutions, searched and filtered as on the solutions page."""
        filters = queries.SolutionFilters(
            text=args.get("q"), theme_id=args.get("theme"), maturity=args.get("maturity")
        )
        return queries.published(db.session, filters, args["page"], args["per_page"]).checked()

    @solutions.arguments(NewSolutionSchema)
    @solutions.response(201, SolutionSchema)
    def post(self, data):
        """Start a draft solution for an organisation you are an innovator or fellow for."""
        solution = services.create_solution(
            db.session, current_user, data["organisation_id"], data["title"]
        )
        db.session.commit()
        return solution


@solutions.route("/<int:solution_id>")
class SolutionById(MethodView):
    @solutions.response(200, SolutionSchema)
    def get(self, solution_id):
        return _visible(solution_id)


def _section_endpoint(section: str):
    """PUT /solutions/<id>/sections/<section>: replace one section, as its page does."""

    @solutions.arguments(SECTION_SCHEMAS[section])
    @solutions.response(200, SolutionSchema)
    def put(self, data, solution_id):
        version = data.pop("version", None)
        solution = services.save_section(
            db.session, current_user, solution_id, section, data, version
        )
        db.session.commit()
        return solution

    put.__doc__ = f"Save the {services.SECTION_TITLES[section].lower()} section."
    view = type(f"Solution{section.title()}Section", (MethodView,), {"put": put})
    solutions.route(f"/<int:solution_id>/sections/{section}")(view)


for _section in services.SECTIONS:
    _section_endpoint(_section)


@solutions.route("/<int:solution_id>/publish")
class PublishSolution(MethodView):
    @solutions.response(200, SolutionSchema)
    def post(self, solution_id):
        """Publish a complete draft; every missing part is named if it is not complete."""
        solution = services.publish_solution(db.session, current_user, solution_id)
        db.session.commit()
        return solution


@solutions.route("/<int:solution_id>/withdraw")
class WithdrawSolution(MethodView):
    @solutions.arguments(ReasonSchema)
    @solutions.response(200, SolutionSchema)
    def post(self, data, solution_id):
        solution = services.withdraw_solution(db.session, current_user, solution_id, data["reason"])
        db.session.commit()
        return solution


adoptions = Blueprint(
    "adoptions_api",
    __name__,
    url_prefix="/api/v1/adoptions",
    description="Who is testing or using what",
)
enquiries = Blueprint(
    "enquiries_api",
    __name__,
    url_prefix="/api/v1/enquiries",
    description="Enquiries from adopters to suppliers",
)
catalogue_api = Blueprint(
    "catalogue_api",
    __name__,
    url_prefix="/api/v1/catalogue",
    description="The public catalogue of market-ready products",
)
blueprints += [adoptions, enquiries, catalogue_api]


@adoptions.route("")
class Adoptions(MethodView):
    @adoptions.arguments(AdoptionQuerySchema, location="query")
    @adoptions.response(200, AdoptionPageSchema)
    def get(self, args):
        """The adoption register, filtered as on its page."""
        return adoption.register(
            db.session,
            organisation_id=args.get("organisation"),
            theme_id=args.get("theme"),
            stage=args.get("stage"),
            page=args["page"],
        )

    @adoptions.arguments(NewAdoptionSchema)
    @adoptions.response(201, AdoptionSchema)
    def post(self, data):
        """Record that an organisation you act for is exploring, piloting or using a solution."""
        record = adoption.record_adoption(db.session, current_user, **data)
        db.session.commit()
        return record


@adoptions.route("/<int:adoption_id>")
class AdoptionById(MethodView):
    @adoptions.arguments(AdoptionUpdateSchema)
    @adoptions.response(200, AdoptionSchema)
    def patch(self, data, adoption_id):
        """Move an adoption on, or record that it stopped."""
        record = adoption.update_adoption(
            db.session, current_user, adoption_id, data["stage"], data.get("end_date")
        )
        db.session.commit()
        return record


@solutions.route("/<int:solution_id>/enquiries")
class SolutionEnquiries(MethodView):
    @solutions.arguments(NewEnquirySchema)
    @solutions.response(201, EnquirySchema)
    def post(self, data, solution_id):
        """Express interest on behalf of an organisation you act for."""
        enquiry = adoption.send_enquiry(
            db.session, current_user, solution_id, data["organisation_id"], data["message"]
        )
        db.session.commit()
        return enquiry


@enquiries.route("")
class Enquiries(MethodView):
    @enquiries.response(200, EnquiryListsSchema)
    def get(self):
        """Enquiries your organisations received as suppliers, and those you sent."""
        received, sent = adoption.enquiries_for(db.session, current_user)
        return {"received": received, "sent": sent}


@enquiries.route("/<int:enquiry_id>/answer")
class AnswerEnquiry(MethodView):
    @enquiries.arguments(AnswerSchema)
    @enquiries.response(200, EnquirySchema)
    def post(self, data, enquiry_id):
        enquiry = adoption.answer_enquiry(db.session, current_user, enquiry_id, data["answer"])
        db.session.commit()
        return enquiry


@catalogue_api.route("")
@public
class Catalogue(MethodView):
    @catalogue_api.arguments(CatalogueQuerySchema, location="query")
    @catalogue_api.response(200, CatalogueSchema)
    @catalogue_api.doc(security=[])
    def get(self, args):
        """Market-ready products with facet counts. Open to everyone, no token needed."""
        chosen = {facet: frozenset(args.get(facet) or []) for facet in catalogue.FACETS}
        filters = catalogue.CatalogueFilters(
            text=args.get("q"), chosen={k: v for k, v in chosen.items() if v}
        )
        return catalogue.search(db.session, filters, args["page"]).checked()
