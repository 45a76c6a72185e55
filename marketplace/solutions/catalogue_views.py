"""The public adopters' catalogue: search with facets, a product page, side-by-side comparison.

Open to everyone, signed in or not: buyers across the NHS look here first. Expressing interest
needs an account, because the supplier answers a named organisation.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from marketplace.access import public
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.solutions import catalogue
from procurement.dps import queries as dps_queries

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue", template_folder="templates")


def _filters() -> catalogue.CatalogueFilters:
    chosen = {
        facet: frozenset(v[:60] for v in request.args.getlist(facet)[:30])
        for facet in catalogue.FACETS
    }
    return catalogue.CatalogueFilters(
        text=(request.args.get("q") or "").strip() or None,
        chosen={k: v for k, v in chosen.items() if v},
    )


@bp.get("")
@public
def search():
    filters = _filters()
    result = catalogue.search(db.session, filters, request.args.get("page", 1, type=int) or 1)
    args = {facet: sorted(values) for facet, values in filters.chosen.items()}
    if filters.text:
        args["q"] = filters.text
    return render_template(
        "solutions/catalogue.html",
        result=result,
        filters=filters,
        titles=catalogue.FACET_TITLES,
        args=args,
        compare_limit=catalogue.COMPARE_LIMIT,
    )


@bp.get("/<int:solution_id>")
@public
def product(solution_id: int):
    solution = catalogue.listed(db.session, solution_id)
    if solution is None:
        raise NotFound("No such product in the catalogue")
    return render_template(
        "solutions/product.html",
        solution=solution,
        adoptions=catalogue.adoptions_of(db.session, solution),
        assured=solution.id in catalogue.assured_ids(db.session, [solution.id]),
        dps_listings=dps_queries.listings(db.session, solution_id=solution.id),
    )


@bp.get("/compare")
@public
def compare():
    ids = request.args.getlist("ids", type=int)
    products = catalogue.for_comparison(db.session, ids)
    too_many = len(set(ids)) > catalogue.COMPARE_LIMIT
    return render_template(
        "solutions/compare.html",
        products=products,
        too_many=too_many,
        limit=catalogue.COMPARE_LIMIT,
        assured=catalogue.assured_ids(db.session, [p.id for p in products]),
    )
