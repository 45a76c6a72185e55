"""Pages for adoption records (who is testing or using what) and enquiries to suppliers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from challenges.queries import all_themes
from marketplace.accounts import policy
from marketplace.db import get_by_id
from marketplace.errors import Invalid, NotFound
from marketplace.extensions import db
from marketplace.fields import DatePartsField, optional_int
from marketplace.forms import has_errors, show_errors
from marketplace.solutions import adoption
from marketplace.solutions.models import AdoptionStage, Solution

bp = Blueprint("adoption", __name__, template_folder="templates")


class AdoptionForm(FlaskForm):
    organisation_id = RadioField("Organisation", coerce=optional_int, validate_choice=False)
    site = StringField("Site")
    stage = RadioField(
        "Stage",
        choices=[SelectChoice(v, label) for v, label in AdoptionStage.choices()],
        validate_choice=False,
    )
    start_date = DatePartsField("Start date")
    end_date = DatePartsField("End date, if known")


class EnquiryForm(FlaskForm):
    organisation_id = RadioField("On behalf of", coerce=optional_int, validate_choice=False)
    message = TextAreaField("Your message to the supplier")


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer")


def _acting_organisations():
    return list(
        {
            m.organisation_id: m.organisation
            for m in current_user.active_memberships
            if policy.may_record_adoption_for(current_user, m.organisation)
        }.values()
    )


def _published(solution_id: int) -> Solution:
    solution = get_by_id(db.session, Solution, solution_id)
    if solution is None or solution.status != "published":
        raise NotFound("No such solution")
    return solution


@bp.get("/adoptions")
def register():
    stage = request.args.get("stage") or None
    page = adoption.register(
        db.session,
        organisation_id=request.args.get("organisation", type=int),
        theme_id=request.args.get("theme", type=int),
        stage=stage,
        page=request.args.get("page", 1, type=int) or 1,
    )
    organisations = adoption.adopting_organisations(db.session)
    return render_template(
        "solutions/adoptions.html",
        page=page,
        themes=all_themes(db.session),
        stages=list(AdoptionStage),
        organisations=organisations,
        args=request.args,
    )


@bp.route("/solutions/<int:solution_id>/adoptions/new", methods=["GET", "POST"])
def record(solution_id: int):
    solution = _published(solution_id)
    form = AdoptionForm()
    organisations = _acting_organisations()
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if len(organisations) == 1 and not form.organisation_id.data:
        form.organisation_id.data = organisations[0].id
    if form.is_submitted() and form.validate():
        try:
            adoption.record_adoption(
                db.session,
                current_user,
                solution_id,
                form.organisation_id.data,
                form.site.data,
                form.stage.data,
                form.start_date.data,
                form.end_date.data,
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Recorded. It now shows on the adoption register.", "success")
            return redirect(url_for("solutions.show", solution_id=solution_id))
    return (
        render_template(
            "solutions/record_adoption.html",
            form=form,
            solution=solution,
            organisations=organisations,
        ),
        422 if has_errors(form) else 200,
    )


@bp.post("/adoptions/<int:adoption_id>")
def update(adoption_id: int):
    record_ = adoption.update_adoption(
        db.session, current_user, adoption_id, request.form.get("stage"), None
    )
    db.session.commit()
    flash(f"Updated to {record_.stage.label.lower()}.", "success")
    return redirect(url_for("solutions.show", solution_id=record_.solution_id))


@bp.route("/solutions/<int:solution_id>/enquire", methods=["GET", "POST"])
def enquire(solution_id: int):
    solution = _published(solution_id)
    organisations = _acting_organisations()
    form = EnquiryForm()
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if len(organisations) == 1 and not form.organisation_id.data:
        form.organisation_id.data = organisations[0].id
    if form.is_submitted() and form.validate():
        try:
            adoption.send_enquiry(
                db.session, current_user, solution_id, form.organisation_id.data, form.message.data
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(
                f"Sent to {solution.organisation.name}. Their answer will appear under "
                "your enquiries.",
                "success",
            )
            return redirect(url_for("adoption.enquiries"))
    return (
        render_template(
            "solutions/enquire.html", form=form, solution=solution, organisations=organisations
        ),
        422 if has_errors(form) else 200,
    )


@bp.get("/enquiries")
def enquiries(answer_errors=None):
    received, sent = adoption.enquiries_for(db.session, current_user)
    return render_template(
        "solutions/enquiries.html", received=received, sent=sent, answer_errors=answer_errors or {}
    )


@bp.post("/enquiries/<int:enquiry_id>/answer")
def answer(enquiry_id: int):
    form = AnswerForm()
    try:
        adoption.answer_enquiry(db.session, current_user, enquiry_id, form.answer.data)
    except Invalid as error:
        db.session.rollback()
        return enquiries({enquiry_id: error.fields.get("answer", [error.message])}), 422
    db.session.commit()
    flash("Your answer is sent.", "success")
    return redirect(url_for("adoption.enquiries"))
