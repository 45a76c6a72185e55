"""Funding pages: the list with its totals (team and partners) and the team's record form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts import policy
from marketplace.errors import Forbidden, Invalid
from marketplace.extensions import db
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
    form.set_choices(funding.solution_choices(db.session), funding.fellow_choices(db.session))
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
    return render_template("impact/record_funding.html", form=form), (
        422 if has_errors(form) else 200
    )
