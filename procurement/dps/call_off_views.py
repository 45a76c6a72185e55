"""Call-off pages: buyers publish, answer, score and award; suppliers ask and bid."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts import policy
from marketplace.csv_export import csv_response
from marketplace.db import utcnow
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.fields import optional_int
from marketplace.forms import show_errors
from procurement.dps import call_offs
from procurement.dps.forms import AnswerForm, AwardForm, BidForm, CallOffForm, QuestionForm
from procurement.dps.models import CallOff, Category

bp = Blueprint("call_offs", __name__, url_prefix="/dps/call-offs", template_folder="templates")


def _buying_organisations():
    return [
        m.organisation
        for m in current_user.active_memberships
        if policy.may_run_purchasing_for(current_user, m.organisation_id)
        and m.organisation.kind.value in call_offs.BUYING_KINDS
    ]


@bp.get("")
def index():
    mine = [
        c
        for c in db.session.scalars(
            sa.select(CallOff).order_by(CallOff.closes_at.desc(), CallOff.id.desc())
        )
        if _can_see(c)
    ]
    return render_template(
        "dps/call_offs.html", call_offs=mine, can_create=bool(_buying_organisations()), now=utcnow()
    )


def _can_see(call_off: CallOff) -> bool:
    try:
        call_offs.visible(db.session, current_user, call_off.id)
    except NotFound:
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisations = _buying_organisations()
    if not organisations:
        raise Forbidden("Only procurement officers of NHS organisations run call-offs")
    form = CallOffForm()
    form.buyer_organisation_id.choices = [(o.id, o.name) for o in organisations]
    form.category_id.choices = [
        (c.id, f"{c.name} ({c.system.title})")
        for c in db.session.scalars(sa.select(Category).order_by(Category.name))
    ]
    if form.is_submitted() and form.validate():
        try:
            call_off = call_offs.publish(
                db.session,
                current_user,
                form.category_id.data,
                form.buyer_organisation_id.data,
                form.title.data,
                form.requirement.data,
                form.closes_on.data,
                form.criteria_pairs(),
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(f"Published. {len(call_off.invitations)} suppliers invited.", "success")
            return redirect(url_for("call_offs.show", call_off_id=call_off.id))
    return render_template("dps/call_off_new.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/<int:call_off_id>")
def show(call_off_id: int):
    return _page(call_offs.visible(db.session, current_user, call_off_id))


def _page(call_off: CallOff, status: int = 200, **forms):
    is_buyer = policy.may_run_purchasing_for(current_user, call_off.buyer_organisation_id)
    closed = call_off.is_closed(utcnow())
    own_bid = None
    if not is_buyer:
        own_bid = next(
            (
                b
                for b in call_off.bids
                if policy.may_manage_solutions_for(current_user, b.organisation_id)
            ),
            None,
        )
    return render_template(
        "dps/call_off.html",
        call_off=call_off,
        is_buyer=is_buyer,
        closed=closed,
        own_bid=own_bid,
        results=call_offs.results(call_off) if is_buyer and closed else [],
        bid_form=forms.get("bid_form") or BidForm(),
        question_form=forms.get("question_form") or QuestionForm(),
        award_form=forms.get("award_form") or AwardForm(),
        answer_form=AnswerForm(),
    ), status


def _act(call_off_id: int, work, message: str, form_name: str, form):
    try:
        work()
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _page(
            call_offs.visible(db.session, current_user, call_off_id), 422, **{form_name: form}
        )
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("call_offs.show", call_off_id=call_off_id))


@bp.post("/<int:call_off_id>/bid")
def bid(call_off_id: int):
    form = BidForm()
    return _act(
        call_off_id,
        lambda: call_offs.submit_bid(
            db.session, current_user, call_off_id, form.price.data, form.proposal.data
        ),
        "Bid submitted. It stays sealed until the closing time; you can replace it until then.",
        "bid_form",
        form,
    )


@bp.post("/<int:call_off_id>/questions")
def ask(call_off_id: int):
    form = QuestionForm()
    return _act(
        call_off_id,
        lambda: call_offs.ask(db.session, current_user, call_off_id, form.question.data),
        "Question sent. The answer will be published to every bidder.",
        "question_form",
        form,
    )


@bp.post("/questions/<int:clarification_id>/answer")
def answer(clarification_id: int):
    form = AnswerForm()
    clarification = call_offs.answer(db.session, current_user, clarification_id, form.answer.data)
    db.session.commit()
    flash("Answer published to every bidder.", "success")
    return redirect(url_for("call_offs.show", call_off_id=clarification.call_off_id))


@bp.post("/bids/<int:bid_id>/scores")
def score(bid_id: int):
    given = {
        key.removeprefix("criterion-"): value
        for key, value in request.form.items()
        if key.startswith("criterion-")
    } or {None: None}  # nothing sent: the service still checks who may score, then says why
    for criterion, value in given.items():
        bid = call_offs.score(
            db.session, current_user, bid_id, optional_int(criterion), optional_int(value)
        )
    db.session.commit()
    flash("Scores saved.", "success")
    return redirect(url_for("call_offs.show", call_off_id=bid.bid.call_off_id))


@bp.post("/<int:call_off_id>/award")
def award(call_off_id: int):
    form = AwardForm()
    return _act(
        call_off_id,
        lambda: call_offs.award(db.session, current_user, call_off_id, form.contract_value.data),
        "Awarded. Every bidder has been told the result and the scores.",
        "award_form",
        form,
    )


@bp.get("/<int:call_off_id>/results.csv")
def results_csv(call_off_id: int):
    call_off = call_offs.visible(db.session, current_user, call_off_id)
    call_offs.sealed_bids(db.session, current_user, call_off_id)  # buyer only, after closing
    return csv_response(call_offs.results_csv(call_off), f"call-off-{call_off.id}.csv")
