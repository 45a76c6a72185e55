"""JSON API for solutions: the same services as the pages, section by section."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from marketplace.accounts import policy
from marketplace.accounts.schemas import ReasonSchema
from marketplace.db import get_by_id
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.solutions import queries, services
from marketplace.solutions.models import Solution
from marketplace.solutions.schemas import (
    SECTION_SCHEMAS,
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
        return queries.published(db.session, filters, args["page"], args["per_page"])

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
