"""Pages of a challenge's response panel: the panel page (ask, form, assign, results) and a
reviewer's page for one response (scores, comment, conflict of interest)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from challenges.fellowship import response_panels as panels
from challenges.fellowship.response_panel_forms import PanelForm
from challenges.fellowship.score_forms import ConflictForm, score_form, show_score_errors
from marketplace.errors import Invalid
from marketplace.extensions import db
from marketplace.forms import show_errors

bp = Blueprint("response_panels", __name__, template_folder="templates")


# --- the panel page of a challenge --------------------------------------------------------------


@bp.get("/challenges/<int:challenge_id>/panel")
def challenge_panel(challenge_id: int):
    return _panel_page(challenge_id)


def _panel_page(challenge_id: int, status: int = 200, form: PanelForm | None = None):
    overview = panels.panel_overview(db.session, current_user, challenge_id)
    form = form or PanelForm(formdata=None)
    form.set_candidates(panels.panel_candidates(db.session))
    return render_template(
        "response_panels/challenge_panel.html", overview=overview, form=form
    ), status


@bp.post("/challenges/<int:challenge_id>/panel/request")
def request_panel(challenge_id: int):
    panels.request_panel(db.session, current_user, challenge_id)
    db.session.commit()
    flash("Asked. The innovation team will form a panel to score the responses.", "success")
    return redirect(url_for("response_panels.challenge_panel", challenge_id=challenge_id))


@bp.post("/challenges/<int:challenge_id>/panel")
def form_panel(challenge_id: int):
    form = PanelForm()
    try:
        panels.form_challenge_panel(
            db.session,
            current_user,
            challenge_id,
            form.name.data,
            form.member_ids.data,
            form.criteria.data,
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _panel_page(challenge_id, 422, form)
    db.session.commit()
    flash("Panel formed. Assign the responses when you are ready.", "success")
    return redirect(url_for("response_panels.challenge_panel", challenge_id=challenge_id))


@bp.post("/challenges/<int:challenge_id>/panel/assign")
def assign(challenge_id: int):
    panel = panels.panel_of(db.session, challenge_id)
    # No panel yet: the service answers who may assign (403) before saying there is none (404).
    reviews = panels.assign_responses(db.session, current_user, panel.id if panel else None)
    db.session.commit()
    flash(
        f"Assigned: {len(reviews)} new review{'s' if len(reviews) != 1 else ''}."
        if reviews
        else "Every response under consideration is already assigned.",
        "success",
    )
    return redirect(url_for("response_panels.challenge_panel", challenge_id=challenge_id))


# --- a reviewer's page --------------------------------------------------------------------------


@bp.route("/challenges/panel-reviews/<int:review_id>", methods=["GET", "POST"])
def score(review_id: int):
    review = panels.review_for_reviewer(db.session, current_user, review_id)
    criteria = review.panel.criteria
    form = score_form(criteria)
    if form.is_submitted() and form.validate():
        try:
            panels.score_response(
                db.session, current_user, review_id, form.scores(), form.comment.data
            )
        except Invalid as error:
            db.session.rollback()
            show_score_errors(form, error)
        else:
            db.session.commit()
            flash(
                "Your scores are submitted. You can now see the other reviewers' scores.", "success"
            )
            return redirect(url_for("response_panels.score", review_id=review_id))
    return _score_page(review_id, form, 422 if form.is_submitted() else 200)


@bp.post("/challenges/panel-reviews/<int:review_id>/conflict")
def declare_conflict(review_id: int):
    form = ConflictForm()
    try:
        panels.declare_response_conflict(db.session, current_user, review_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _score_page(review_id, None, 422, form)
    db.session.commit()
    flash("Conflict of interest recorded. You will not score this response.", "success")
    return redirect(url_for("response_panels.score", review_id=review_id))


def _score_page(review_id: int, form=None, status: int = 200, conflict_form=None):
    review = panels.review_for_reviewer(db.session, current_user, review_id)
    criteria = review.panel.criteria
    return render_template(
        "response_panels/score.html",
        review=review,
        response=review.response,
        criteria=criteria,
        form=form or score_form(criteria, formdata=None),
        conflict_form=conflict_form or ConflictForm(formdata=None),
        reviews=panels.visible_response_reviews(db.session, current_user, review.response_id),
    ), status
