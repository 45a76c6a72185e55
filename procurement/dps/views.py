"""DPS pages: systems, applying, the officers' queue, one application, and the public register
of admitted suppliers per category (with a CSV export)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.access import public
from marketplace.accounts import policy
from marketplace.csv_export import csv_response
from marketplace.db import get_by_id
from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import form_version, show_errors
from procurement.dps import queries, questions, services
from procurement.dps.forms import (
    DecisionForm,
    ExtendForm,
    ListingForm,
    SystemForm,
    answers_form,
    answers_from,
)
from procurement.dps.models import Category, PurchasingSystem

bp = Blueprint("dps", __name__, url_prefix="/dps", template_folder="templates")


def _system(system_id: int) -> PurchasingSystem:
    system = get_by_id(db.session, PurchasingSystem, system_id)
    if system is None:
        raise NotFound("There is no such purchasing system")
    return system


def _officer_organisations():
    return [
        m.organisation
        for m in current_user.active_memberships
        if policy.may_run_purchasing_for(current_user, m.organisation_id)
    ]


@bp.get("")
def index():
    return render_template(
        "dps/index.html",
        systems=queries.systems(db.session),
        counts=queries.admitted_counts(db.session),
        can_create=bool(_officer_organisations()),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisations = _officer_organisations()
    if not organisations:
        raise Forbidden("Only procurement officers set up purchasing systems")
    form = SystemForm()
    form.organisation_id.choices = [(o.id, o.name) for o in organisations]
    if form.is_submitted() and form.validate():
        try:
            system = services.create_system(
                db.session,
                current_user,
                form.organisation_id.data,
                form.title.data,
                form.regime.data,
                form.scope.data,
                form.starts_on.data,
                form.ends_on.data,
                form.category_pairs(),
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("The purchasing system is set up and open to suppliers.", "success")
            return redirect(url_for("dps.show", system_id=system.id))
    return render_template("dps/new.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/<int:system_id>")
def show(system_id: int):
    system = _system(system_id)
    return render_template(
        "dps/show.html",
        system=system,
        counts=queries.admitted_counts(db.session),
        is_officer=policy.may_run_purchasing_for(current_user, system.organisation_id),
        supplier_organisations=_supplier_organisations(),
        today=date.today(),
    )


def _supplier_organisations():
    return [
        m.organisation
        for m in current_user.active_memberships
        if policy.may_apply_as_supplier(current_user, m.organisation)
    ]


@bp.route("/<int:system_id>/apply/<int:organisation_id>", methods=["GET", "POST"])
def apply(system_id: int, organisation_id: int):
    system = _system(system_id)
    if organisation_id not in {o.id for o in _supplier_organisations()}:
        raise Forbidden("Apply for an approved organisation you are an innovator for")
    form = answers_form(services.prefilled_answers(db.session, organisation_id), system.categories)
    if form.is_submitted() and form.validate():
        try:
            application = services.apply(
                db.session,
                current_user,
                system_id,
                organisation_id,
                [i for i in (form.category_ids.data or []) if i is not None],
                answers_from(form),
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash(
                f"Applied. A decision is due by {application.deadline.strftime('%-d %B %Y')}.",
                "success",
            )
            return redirect(url_for("dps.application", application_id=application.id))
    return render_template(
        "dps/apply.html", system=system, form=form, bank=questions.BANK, rules=_rules(system)
    ), 422 if form.is_submitted() else 200


def _rules(system: PurchasingSystem) -> dict[str, str]:
    return {q.key: questions.rule_text(q.rule, questions.BY_KEY[q.key]) for q in system.questions}


@bp.get("/applications/mine")
def my_applications():
    return render_template(
        "dps/my_applications.html",
        applications=queries.mine(db.session, current_user),
        today=date.today(),
    )


@bp.get("/<int:system_id>/queue")
def queue(system_id: int):
    system = _system(system_id)
    if not policy.may_run_purchasing_for(current_user, system.organisation_id):
        raise Forbidden("Only the system's procurement officers see its queue")
    return render_template(
        "dps/queue.html", system=system, queue=queries.queue(db.session, system), today=date.today()
    )


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    return _application_page(services.visible_application(db.session, current_user, application_id))


def _application_page(application, status: int = 200, **forms):
    decision_form = forms.get("decision_form") or DecisionForm(
        data={"version": application.version}
    )
    return render_template(
        "dps/application.html",
        application=application,
        rows=services.assessment(application),
        is_officer=policy.may_run_purchasing_for(current_user, application.system.organisation_id),
        decision_form=decision_form,
        extend_form=forms.get("extend_form") or ExtendForm(),
        today=date.today(),
    ), status


@bp.post("/applications/<int:application_id>/decision")
def decide(application_id: int):
    form = DecisionForm()
    try:
        application = services.decide(
            db.session,
            current_user,
            application_id,
            form.decision.data,
            form.reasons.data,
            form_version(form),
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _application_page(
            services.visible_application(db.session, current_user, application_id),
            422,
            decision_form=form,
        )
    db.session.commit()
    flash(f"Decided: {application.status.label}. The supplier has been told.", "success")
    return redirect(url_for("dps.queue", system_id=application.system_id))


@bp.post("/applications/<int:application_id>/extension")
def extend(application_id: int):
    form = ExtendForm()
    try:
        application = services.extend(db.session, current_user, application_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _application_page(
            services.visible_application(db.session, current_user, application_id),
            422,
            extend_form=form,
        )
    db.session.commit()
    flash(f"Extended to {application.deadline.strftime('%-d %B %Y')}.", "success")
    return redirect(url_for("dps.application", application_id=application_id))


@bp.route("/applications/<int:application_id>/answers", methods=["GET", "POST"])
def answer_request(application_id: int):
    application = services.visible_application(db.session, current_user, application_id)
    form = answers_form(application.answers, application.categories)
    if form.is_submitted() and form.validate():
        try:
            services.answer_request(db.session, current_user, application_id, answers_from(form))
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Sent. A fresh decision period has started.", "success")
            return redirect(url_for("dps.application", application_id=application_id))
    return render_template(
        "dps/apply.html",
        system=application.system,
        form=form,
        bank=questions.BANK,
        rules=_rules(application.system),
        information_request=application.information_request,
    ), 422 if form.is_submitted() else 200


@bp.route("/applications/<int:application_id>/assurance", methods=["GET", "POST"])
def renew(application_id: int):
    """An admitted supplier renews assurance that lapses."""
    application = services.visible_application(db.session, current_user, application_id)
    form = answers_form(application.answers, application.categories)
    if form.is_submitted() and form.validate():
        try:
            services.renew_assurance(db.session, current_user, application_id, answers_from(form))
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Assurance renewed.", "success")
            return redirect(url_for("dps.application", application_id=application_id))
    renewable = [q for q in questions.BANK if q.key in services.RENEWABLE]
    return render_template(
        "dps/apply.html",
        system=application.system,
        form=form,
        bank=renewable,
        rules=_rules(application.system),
        renewing=True,
    ), 422 if form.is_submitted() else 200


@bp.post("/applications/<int:application_id>/withdraw")
def withdraw(application_id: int):
    services.withdraw(db.session, current_user, application_id)
    db.session.commit()
    flash("Withdrawn.", "success")
    return redirect(url_for("dps.my_applications"))


@bp.get("/categories/<int:category_id>")
@public
def register(category_id: int):
    category = _category(category_id)
    return render_template(
        "dps/register.html",
        category=category,
        found=queries.register_page(
            db.session,
            category,
            (request.args.get("q") or "").strip() or None,
            request.args.get("page", 1, type=int),
        ),
        listings=queries.listings_page(
            db.session, category, request.args.get("listings_page", 1, type=int)
        ),
        can_list=current_user.is_authenticated
        and bool(queries.listable_solutions(db.session, current_user, category)),
    )


@bp.route("/categories/<int:category_id>/list", methods=["GET", "POST"])
def list_product(category_id: int):
    category = _category(category_id)
    solutions = queries.listable_solutions(db.session, current_user, category)
    if not solutions:
        raise Forbidden(f"Your organisation is not admitted to “{category.name}”")
    form = ListingForm()
    form.solution_id.choices = [(s.id, s.title) for s in solutions]
    if form.is_submitted() and form.validate():
        try:
            services.list_product(
                db.session,
                current_user,
                category_id,
                form.solution_id.data,
                form.price.data,
                form.terms.data,
                form.service_levels.data,
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Listed. Buyers now see it in the category and the catalogue.", "success")
            return redirect(url_for("dps.register", category_id=category_id))
    return render_template("dps/list.html", category=category, form=form), (
        422 if form.is_submitted() else 200
    )


@bp.post("/listings/<int:listing_id>/withdraw")
def withdraw_listing(listing_id: int):
    listing = services.withdraw_listing(db.session, current_user, listing_id)
    db.session.commit()
    flash("Listing withdrawn.", "success")
    return redirect(url_for("dps.register", category_id=listing.category_id))


@bp.get("/categories/<int:category_id>/register.csv")
@public
def register_csv(category_id: int):
    category = _category(category_id)
    body = queries.register_csv(queries.register(db.session, category), category)
    return csv_response(body, f"register-{category.id}.csv")


def _category(category_id: int) -> Category:
    category = get_by_id(db.session, Category, category_id)
    if category is None:
        raise NotFound("There is no such category")
    return category
