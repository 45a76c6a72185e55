"""Solution pages: record a solution section by section, publish it, browse the catalogue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from challenges.queries import active_themes, all_themes
from marketplace.accounts import policy
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import form_version, has_errors, show_errors
from marketplace.matches import queries as match_queries
from marketplace.solutions import adoption, queries, services
from marketplace.solutions.forms import SECTION_FORMS, NewSolutionForm, WithdrawForm
from marketplace.solutions.models import AdoptionStage, Maturity, Solution
from procurement.testbeds import queries as testbed_queries

bp = Blueprint("solutions", __name__, url_prefix="/solutions", template_folder="templates")


def _solution_organisations():
    return [
        m.organisation
        for m in current_user.active_memberships
        if policy.may_manage_solutions_for(current_user, m.organisation_id)
    ]


def _solution(solution_id: int) -> Solution:
    solution = get_by_id(db.session, Solution, solution_id)
    if solution is None or not policy.may_view_solution(current_user, solution):
        raise NotFound("No such solution")
    return solution


@bp.get("")
def browse():
    filters = queries.SolutionFilters(
        text=(request.args.get("q") or "").strip() or None,
        theme_id=request.args.get("theme", type=int),
        maturity=request.args.get("maturity") or None,
    )
    found = queries.published(db.session, filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "solutions/browse.html",
        found=found,
        page=found.page,
        filters=filters,
        themes=all_themes(db.session),
        maturities=list(Maturity),
    )


@bp.get("/mine")
def mine():
    organisations = {o.id: o for o in _solution_organisations()}
    return render_template(
        "solutions/mine.html",
        solutions=queries.of_organisations(db.session, list(organisations)),
        organisations=list(organisations.values()),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisations = list({o.id: o for o in _solution_organisations()}.values())
    if not organisations:
        raise Forbidden("Only innovators and fellows record solutions")
    form = NewSolutionForm()
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if len(organisations) == 1 and not form.organisation_id.data:
        form.organisation_id.data = organisations[0].id
    if form.is_submitted() and form.validate():
        try:
            solution = services.create_solution(
                db.session, current_user, form.organisation_id.data, form.title.data
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(
                "Draft started. Fill in each section; only your organisation can see it.", "success"
            )
            return redirect(url_for("solutions.show", solution_id=solution.id))
    return (render_template("solutions/new.html", form=form), 422 if has_errors(form) else 200)


@bp.get("/<int:solution_id>")
def show(solution_id: int):
    return _show(_solution(solution_id))


def _show(solution: Solution, problems=None, withdraw_form=None):
    return render_template(
        "solutions/show.html",
        solution=solution,
        missing=services.missing_parts(solution),
        problems=problems or {},
        sections=services.SECTION_TITLES,
        withdraw_form=withdraw_form or WithdrawForm(),
        adoptions=adoption.for_solution(db.session, solution),
        stages=list(AdoptionStage),
        can_adopt=any(
            policy.may_record_adoption_for(current_user, m.organisation)
            for m in current_user.active_memberships
        ),
        evaluations=testbed_queries.evidence_for(db.session, solution.id),
        top_fits=(
            match_queries.fits_for_solution(db.session, current_user, solution.id, k=3)[1]
            if policy.may_see_fits_for_solution(current_user, solution)
            else None
        ),
    )


@bp.route("/<int:solution_id>/sections/<section>", methods=["GET", "POST"])
def edit_section(solution_id: int, section: str):
    solution = _solution(solution_id)
    if section not in SECTION_FORMS:
        raise NotFound("No such section")
    if not policy.may_edit_solution(current_user, solution):
        raise Forbidden("Only its organisation's innovators and fellows can change a solution")
    form = SECTION_FORMS[section](obj=solution, data=_current(solution))
    if section == "maturity":
        form.theme_ids.choices = [SelectChoice(t.id, t.name) for t in active_themes(db.session)]
    if form.is_submitted() and form.validate():
        try:
            services.save_section(
                db.session,
                current_user,
                solution_id,
                section,
                form.section_data(),
                form_version(form),
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(f"{services.SECTION_TITLES[section]} saved.", "success")
            return redirect(url_for("solutions.show", solution_id=solution_id))
    return (
        render_template(
            "solutions/section.html",
            form=form,
            solution=solution,
            section=section,
            title=services.SECTION_TITLES[section],
        ),
        422 if has_errors(form) else 200,
    )


def _current(solution: Solution) -> dict:
    """Values the form cannot read straight off the model."""
    return {
        "theme_ids": [t.id for t in solution.themes],
        "care_settings": [s.value for s in solution.care_settings],
        "version": solution.version,
    }


@bp.post("/<int:solution_id>/publish")
def publish(solution_id: int):
    try:
        services.publish_solution(db.session, current_user, solution_id)
    except Invalid as error:
        db.session.rollback()
        return _show(_solution(solution_id), problems=error.fields), 422
    db.session.commit()
    flash("Published. Everyone signed in can now find it.", "success")
    return redirect(url_for("solutions.show", solution_id=solution_id))


@bp.post("/<int:solution_id>/withdraw")
def withdraw(solution_id: int):
    form = WithdrawForm()
    try:
        services.withdraw_solution(db.session, current_user, solution_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_solution(solution_id), withdraw_form=form), 422
    db.session.commit()
    flash("The solution is withdrawn.", "success")
    return redirect(url_for("solutions.show", solution_id=solution_id))
