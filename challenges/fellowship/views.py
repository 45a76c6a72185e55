"""Fellowship selection pages: open calls, applying, the team's selection work, panels, and
each reviewer's queue and blind scoring."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from challenges.fellowship import queries, scoring, services
from challenges.fellowship.forms import (
    ApplyForm,
    AssignForm,
    CohortForm,
    DecisionForm,
    PanelForm,
)
from challenges.fellowship.models import Cohort, FellowshipApplication, Review
from challenges.fellowship.score_forms import ConflictForm, score_form, show_score_errors
from marketplace.access import public
from marketplace.accounts import policy
from marketplace.db import get_by_id, uk_today
from marketplace.errors import Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.forms import show_errors

bp = Blueprint("fellowship", __name__, url_prefix="/fellowship", template_folder="templates")


@bp.context_processor
def _helpers() -> dict:
    return {
        "cohort_status": queries.status_of,
        "stages_of": queries.stages_of,
        "stage_name": services.stage_name,
    }


def _team() -> None:
    if not policy.may_run_fellowship(current_user):
        raise Forbidden("Only the innovation team runs the fellowship selection")


def _cohort(cohort_id: int) -> Cohort:
    cohort = get_by_id(db.session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    return cohort


def _application(application_id: int) -> FellowshipApplication:
    application = get_by_id(db.session, FellowshipApplication, application_id)
    if application is None:
        raise NotFound("There is no such application")
    return application


# --- open calls ----------------------------------------------------------------------------------


@bp.get("")
@public
def cohorts():
    return render_template("fellowship/cohorts.html", cohorts=queries.cohorts(db.session))


@bp.get("/cohorts/<int:cohort_id>")
@public
def cohort(cohort_id: int):
    found = _cohort(cohort_id)
    applied = None
    if current_user.is_authenticated:
        applied = queries.application_of(db.session, current_user, found.id)
    return render_template("fellowship/cohort.html", cohort=found, applied=applied)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort():
    _team()
    form = CohortForm()
    if form.is_submitted() and form.validate():
        try:
            opened = services.open_cohort(db.session, current_user, form.to_cohort())
        except Invalid as error:
            db.session.rollback()
            show_errors(
                form, error.renamed({"stages": "stage_0_name", "criteria": "criterion_0_name"})
            )
        else:
            db.session.commit()
            flash("Cohort opened. Its criteria and weights are published.", "success")
            return redirect(url_for("fellowship.cohort", cohort_id=opened.id))
    return render_template("fellowship/new_cohort.html", form=form), (
        422 if form.is_submitted() else 200
    )


# --- applying ------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/apply", methods=["GET", "POST"])
def apply(cohort_id: int):
    found = services.cohort_to_apply_to(db.session, current_user, cohort_id)
    form = ApplyForm()
    form.set_choices(
        queries.challenge_choices(db.session, current_user),
        queries.solution_choices(db.session, current_user),
    )
    if form.is_submitted():
        try:
            services.apply(db.session, current_user, found.id, form.to_application())
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Application sent. You will hear the outcome and the reasons for it.", "success")
            return redirect(url_for("fellowship.mine"))
    return render_template("fellowship/apply.html", cohort=found, form=form), (
        422 if form.is_submitted() else 200
    )


@bp.get("/mine")
def mine():
    return render_template(
        "fellowship/mine.html", applications=queries.mine(db.session, current_user)
    )


# --- the team's selection work -------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/applications")
def cohort_applications(cohort_id: int):
    _team()
    found = _cohort(cohort_id)
    return render_template(
        "fellowship/cohort_applications.html",
        cohort=found,
        rows=queries.of_cohort(db.session, current_user, found.id),
    )


@bp.route("/cohorts/<int:cohort_id>/panels", methods=["GET", "POST"])
def panels(cohort_id: int):
    _team()
    found = _cohort(cohort_id)
    form = PanelForm()
    form.set_people(queries.panel_candidates(db.session))
    if form.is_submitted():
        try:
            panel = services.form_panel(
                db.session, current_user, found.id, form.name.data, form.member_ids.data or []
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(f"Panel formed: {panel.name}.", "success")
            return redirect(url_for("fellowship.panels", cohort_id=found.id))
    return render_template(
        "fellowship/panels.html",
        cohort=found,
        form=form,
        panels=queries.panels_of(db.session, found.id),
    ), (422 if form.is_submitted() else 200)


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    _team()
    return _application_page(_application(application_id))


def _application_page(found: FellowshipApplication, status: int = 200, **forms):
    reviews = queries.reviews_of(db.session, found.id)
    assign_form = forms.get("assign_form") or AssignForm(formdata=None)
    assign_form.set_panels(queries.panels_of(db.session, found.cohort_id))
    return render_template(
        "fellowship/application.html",
        application=found,
        reviews=reviews,
        score=services.weighted_score(found, reviews),
        waiting=[r for r in reviews if not r.recused and r.submitted_at is None],
        assign_form=assign_form,
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        at_last_stage=found.stage_index >= len(found.cohort.stages) - 1,
    ), status


@bp.post("/applications/<int:application_id>/assign")
def assign(application_id: int):
    _team()
    found = _application(application_id)
    form = AssignForm()
    if form.panel_id.data is None:
        form.panel_id.errors = ["Choose a panel"]
        return _application_page(found, 422, assign_form=form)
    reviews = services.assign(db.session, current_user, found.id, form.panel_id.data)
    db.session.commit()
    flash(f"Assigned to {len(reviews)} reviewers.", "success")
    return redirect(url_for("fellowship.application", application_id=found.id))


@bp.post("/applications/<int:application_id>/advance")
def advance(application_id: int):
    _team()
    found = services.advance_stage(db.session, current_user, application_id)
    db.session.commit()
    flash(f"Moved on to: {services.stage_name(found.cohort, found.stage_index)}.", "success")
    return redirect(url_for("fellowship.application", application_id=found.id))


@bp.post("/applications/<int:application_id>/decide")
def decide(application_id: int):
    _team()
    form = DecisionForm()
    try:
        found = services.decide(
            db.session, current_user, application_id, form.outcome.data, form.reasons.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _application_page(_application(application_id), 422, decision_form=form)
    except InvalidTransition as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _application_page(_application(application_id), 409, decision_form=form)
    db.session.commit()
    flash("Outcome recorded. The applicant has been sent it with your reasons.", "success")
    return redirect(url_for("fellowship.application", application_id=found.id))


# --- reviewers -----------------------------------------------------------------------------------


@bp.get("/reviews")
def reviews():
    return render_template(
        "fellowship/reviews.html", queue=queries.review_queue(db.session, current_user)
    )


def _own_review(application_id: int) -> Review:
    return services.own_review(db.session, current_user, application_id)


def _review_page(review: Review, status: int = 200, **forms):
    criteria = scoring.criteria_of(review)
    return render_template(
        "fellowship/review.html",
        review=review,
        application=review.application,
        criteria=criteria,
        visible=services.visible_reviews(db.session, current_user, review.application_id),
        score_form=forms.get("score_form") or score_form(criteria),
        conflict_form=forms.get("conflict_form") or ConflictForm(formdata=None),
    ), status


@bp.route("/applications/<int:application_id>/review", methods=["GET", "POST"])
def review(application_id: int):
    own = _own_review(application_id)
    form = score_form(scoring.criteria_of(own))
    if not form.is_submitted():
        return _review_page(own)
    try:
        services.submit_review(
            db.session, current_user, application_id, form.scores(), form.comment.data
        )
    except Invalid as error:
        db.session.rollback()
        show_score_errors(form, error)
        return _review_page(_own_review(application_id), 422, score_form=form)
    db.session.commit()
    flash("Scores submitted. You can now see the other reviewers' scores.", "success")
    return redirect(url_for("fellowship.review", application_id=application_id))


@bp.post("/applications/<int:application_id>/conflict")
def declare_conflict(application_id: int):
    own = _own_review(application_id)
    form = ConflictForm()
    try:
        services.declare_conflict(db.session, current_user, application_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _review_page(own, 422, conflict_form=form)
    db.session.commit()
    flash("Conflict of interest recorded. You are recused from this application.", "success")
    return redirect(url_for("fellowship.reviews"))


# --- the team's queue ----------------------------------------------------------------------------


@bp.get("/queue")
def queue():
    _team()
    today = uk_today()
    return render_template(
        "fellowship/queue.html",
        progress=queries.stage_progress(db.session),
        ready=queries.ready_to_decide(db.session),
        no_patient=queries.panels_without_patient_member(db.session),
        awaiting_panel=queries.challenges_awaiting_panel(db.session),
        overdue=queries.overdue_milestones(db.session, today),
        today=today,
    )
