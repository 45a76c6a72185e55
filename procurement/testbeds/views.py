"""Test-bed pages: the register, an organisation's agreements, one agreement with its terms,
measures, signatures and versions, and a printable version exactly as signed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.db import get_by_id
from marketplace.errors import Invalid, NotFound
from marketplace.extensions import db
from marketplace.forms import form_version, show_errors
from procurement.testbeds import queries, services
from procurement.testbeds.forms import (
    ActualForm,
    CompleteForm,
    MeasureForm,
    ReasonForm,
    SignForm,
    TermsForm,
)
from procurement.testbeds.models import (
    NO_PURCHASE_CLAUSE,
    Agreement,
    AgreementStatus,
    AgreementVersion,
    DpiaStatus,
    EvaluationKind,
    IpArrangement,
    LawfulBasis,
    Measure,
    Outcome,
)

bp = Blueprint("testbeds", __name__, url_prefix="/testbeds", template_folder="templates")


def _agreement(agreement_id: int) -> Agreement:
    return services.visible(db.session, current_user, agreement_id)


@bp.get("")
def register():
    status = request.args.get("status")
    outcome = request.args.get("outcome")
    organisation = request.args.get("organisation", type=int)
    filters = queries.RegisterFilters(
        status=AgreementStatus(status) if status in AgreementStatus._value2member_map_ else None,
        outcome=Outcome(outcome) if outcome in Outcome._value2member_map_ else None,
        organisation_id=organisation if organisation and organisation > 0 else None,
        text=(request.args.get("q") or "").strip() or None,
    )
    found = queries.register(db.session, filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "testbeds/register.html",
        found=found,
        page=found.page,
        filters=filters,
        statuses=queries.ON_REGISTER,
        outcomes=list(Outcome),
        organisations=queries.organisations_on_register(db.session),
    )


@bp.get("/mine")
def mine():
    return render_template("testbeds/mine.html", agreements=queries.mine(db.session, current_user))


@bp.post("/start")
def start():
    agreement = services.start_agreement(
        db.session,
        current_user,
        request.form.get("challenge_id", type=int),
        request.form.get("solution_id", type=int),
    )
    db.session.commit()
    flash("Drafted from the challenge and the solution. Complete it, then share it.", "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement.id))


@bp.get("/<int:agreement_id>")
def show(agreement_id: int):
    return _show(_agreement(agreement_id))


def _show(agreement: Agreement, status: int = 200, problems: dict | None = None, **forms):
    return render_template(
        "testbeds/show.html",
        agreement=agreement,
        problems=problems or {},
        missing=services.missing_to_sign(agreement)
        if agreement.status.value in {"draft", "negotiation"}
        else {},
        measure_form=forms.get("measure_form") or MeasureForm(),
        actual_forms=forms.get("actual_forms") or {},
        complete_form=forms.get("complete_form") or CompleteForm(),
        reason_form=forms.get("reason_form") or ReasonForm(),
        no_purchase_clause=NO_PURCHASE_CLAUSE,
        sections=services.TERM_SECTIONS,
    ), status


@bp.route("/<int:agreement_id>/terms", methods=["GET", "POST"])
def terms(agreement_id: int):
    agreement = services.editable(db.session, current_user, agreement_id)
    # Not obj=agreement: WTForms would prefer the raw True/False and enums over the answers.
    current = {name: getattr(agreement, name) for name in services.TERM_FIELDS}
    form = TermsForm(data={**current, **_flags(agreement), "version": agreement.version})
    form.set_people(
        services.party_people(db.session, agreement.host_organisation_id),
        services.party_people(db.session, agreement.innovator_organisation_id),
    )
    if form.is_submitted() and form.validate():
        try:
            services.save_terms(
                db.session, current_user, agreement_id, form.to_terms(), form_version(form)
            )
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            db.session.commit()
            flash("Saved as a new version.", "success")
            return redirect(url_for("testbeds.show", agreement_id=agreement_id))
    return render_template("testbeds/terms.html", agreement=agreement, form=form), (
        422 if form.is_submitted() else 200
    )


def _flags(agreement: Agreement) -> dict:
    """Yes/no answers as the radios show them; enums by value."""
    data = {}
    for name in services.FLAGS:
        value = getattr(agreement, name)
        data[name] = None if value is None else ("yes" if value else "no")
    for name in services.CHOICES:
        value = getattr(agreement, name)
        data[name] = value.value if value else None
    return data


@bp.post("/<int:agreement_id>/measures")
def add_measure(agreement_id: int):
    form = MeasureForm()
    try:
        services.add_measure(db.session, current_user, agreement_id, form.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_agreement(agreement_id), 422, measure_form=form)
    db.session.commit()
    flash("Measure added.", "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement_id) + "#measures")


@bp.post("/measures/<int:measure_id>/remove")
def remove_measure(measure_id: int):
    agreement = services.remove_measure(db.session, current_user, measure_id)
    db.session.commit()
    flash("Measure removed.", "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement.id) + "#measures")


@bp.post("/measures/<int:measure_id>/actual")
def record_actual(measure_id: int):
    form = ActualForm()
    try:
        measure = services.record_actual(
            db.session, current_user, measure_id, form.actual.data, form.note.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        measure = get_by_id(db.session, Measure, measure_id)
        return _show(_agreement(measure.agreement_id), 422, actual_forms={measure_id: form})
    db.session.commit()
    flash(f"Recorded: {measure.name}.", "success")
    return redirect(url_for("testbeds.show", agreement_id=measure.agreement_id) + "#measures")


ACTIONS = {
    "share": (services.share, "Shared with the innovator. Both of you can now edit it."),
    "send": (services.send_for_signature, "Sent for signature. Both parties have been told."),
    "reopen": (services.reopen, "Reopened for changes. Earlier signatures no longer count."),
    "go-live": (services.go_live, "The trial is live. It is on the adoption register."),
    "evaluate": (services.start_evaluation, "The trial is now being evaluated."),
    "amend": (services.amend, "A new version is open for negotiation. It needs signing again."),
}


@bp.post("/<int:agreement_id>/<action>")
def act(agreement_id: int, action: str):
    """share, send, reopen, go-live, evaluate or amend."""
    if action not in ACTIONS:
        raise NotFound("There is no such step")
    service, message = ACTIONS[action]
    try:
        service(db.session, current_user, agreement_id)
    except Invalid as error:
        db.session.rollback()
        return _show(_agreement(agreement_id), 422, problems=error.fields)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/sign")
def sign(agreement_id: int):
    form = SignForm()
    agreement = services.sign(db.session, current_user, agreement_id, form.organisation_id.data)
    db.session.commit()
    flash(
        "Signed by both parties."
        if agreement.status.value == "signed"
        else "Signed. The other party has been told.",
        "success",
    )
    return redirect(url_for("testbeds.show", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/complete")
def complete(agreement_id: int):
    form = CompleteForm()
    try:
        services.complete(
            db.session, current_user, agreement_id, form.outcome.data, form.summary.data
        )
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_agreement(agreement_id), 422, complete_form=form)
    db.session.commit()
    flash("Completed. The outcome is on the register and the solution's record.", "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/terminate")
def terminate(agreement_id: int):
    form = ReasonForm()
    try:
        services.terminate(db.session, current_user, agreement_id, form.reason.data)
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error)
        return _show(_agreement(agreement_id), 422, reason_form=form)
    db.session.commit()
    flash("Terminated. Both parties have been told.", "success")
    return redirect(url_for("testbeds.show", agreement_id=agreement_id))


@bp.get("/<int:agreement_id>/versions/<int:number>")
def version(agreement_id: int, number: int):
    """One version exactly as it was saved (or signed), laid out for printing."""
    agreement = _agreement(agreement_id)
    found = next((v for v in agreement.versions if v.number == number), None)
    if found is None:
        raise NotFound("There is no such version")
    return _printable(agreement, found)


@bp.get("/<int:agreement_id>/print")
def printable(agreement_id: int):
    """The signed version if there is one, otherwise the latest."""
    agreement = _agreement(agreement_id)
    return _printable(agreement, agreement.signed_version or agreement.current_version)


def _printable(agreement: Agreement, found: AgreementVersion):
    return render_template(
        "testbeds/version.html",
        agreement=agreement,
        version=found,
        signatures=[s for s in agreement.signatures if s.version_id == found.id],
        no_purchase_clause=NO_PURCHASE_CLAUSE,
        sections=services.TERM_SECTIONS,
    )


ENUMS = {
    "lawful_basis": LawfulBasis,
    "dpia_status": DpiaStatus,
    "ip_arrangement": IpArrangement,
    "evaluation_kind": EvaluationKind,
}


@bp.app_template_filter("term")
def term_text(value, name: str) -> str:
    """A stored term as people read it: labels for choices, Yes/No, dates in full."""
    if value is None or value == "":
        return "Not stated"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in ENUMS:
        return ENUMS[name](value).label
    if name.endswith("_date") or name.endswith("_on"):
        return date.fromisoformat(value).strftime("%-d %B %Y")
    return str(value)
