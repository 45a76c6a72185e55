"""Funding pages: the list with its totals (team and partners) and the team's record form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts import policy
from marketplace.errors import Forbidden, Invalid
from marketplace.extensions import db
from marketplace.fields import optional_int
from marketplace.forms import has_errors, show_errors
from marketplace.impact import funding
from marketplace.impact.forms import FundingForm
from marketplace.impact.models import FundingKind

bp = Blueprint("funding", __name__, url_prefix="/impact/funding", template_folder="templates")


@bp.get("")
def index():
    kind = request.args.get("kind")
    kind = FundingKind(kind) if kind in FundingKind._value2member_map_ else None
    page = funding.listing(
        db.session, current_user, kind=kind, page=request.args.get("page", 1, type=int) or 1
    )
    return render_template(
        "impact/funding.html",
        page=page,
        kind=kind,
        kinds=list(FundingKind),
        totals=funding.totals(db.session),
        recipient=lambda record: funding.recipient_label(record, current_user),
        may_record=policy.may_record_funding(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not policy.may_record_funding(current_user):
        raise Forbidden("Only the innovation team records funding")
    form = FundingForm()
    if form.is_submitted() and form.validate():
        try:
            record = funding.record_funding(db.session, current_user, form.to_data())
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(f"Recorded £{record.amount:,} from {record.funder}.", "success")
            return redirect(url_for("funding.index"))
    return _record_form(form), (422 if has_errors(form) else 200)


def _record_form(form: FundingForm) -> str:
    """The form with the solutions it offers, never the whole catalogue: the one chosen
    (posted, or carried by the search as ``solution_id``) and those the search ``solution_q``
    found (a GET of this page). The post carries the search, so a form with errors offers the
    same ones, with the chosen one still chosen."""
    if form.is_submitted():
        text, chosen_id = request.form.get("solution_q"), form.solution_id.data
    else:
        text = request.args.get("solution_q")
        chosen_id = optional_int(request.args.get("solution_id"))
    found = funding.find_solutions(db.session, text)
    chosen = funding.offered_solution(db.session, chosen_id)
    solutions = ([chosen] if chosen else []) + [c for c in found.choices if c != chosen]
    form.set_choices(solutions, funding.fellow_choices(db.session))
    if chosen and not form.is_submitted():
        form.solution_id.data = chosen[0]
    if not solutions:
        form.solution_id.id = "solution_q"  # no radios: its errors show on the search box
    return render_template(
        "impact/record_funding.html",
        form=form,
        found=found,
        chosen=chosen,
        none_chosen=form.is_submitted() and request.form.get("solution_id") == "",
    )
