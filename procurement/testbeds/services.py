"""Test-bed agreement services: policy check → lifecycle guard → change → version → audit.
They flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from challenges.models import Challenge, Response
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, User
from marketplace.db import flush_or_conflict, get_by_id, uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.matches.models import FeedbackSide, FeedbackStatus, MatchFeedback
from marketplace.notifications.services import members_with_roles, notify
from marketplace.solutions.models import Adoption, AdoptionStage, Maturity, Solution
from marketplace.validation import FieldErrors, clean_choice, clean_line, clean_text
from procurement.testbeds import lifecycle
from procurement.testbeds.models import (
    Agreement,
    AgreementStatus,
    AgreementVersion,
    DpiaStatus,
    EvaluationKind,
    IpArrangement,
    LawfulBasis,
    Measure,
    Outcome,
    Signature,
)

TEXT = 5000  # longest free-text term
LINES = {"title": ("the title", 200), "host_site": ("the site", 200)}
TEXTS = {
    "scope": "the scope",
    "milestones": "the milestones",
    "benefits_patients": "the benefits for patients",
    "benefits_service": "the benefits for the service",
    "benefits_innovator": "the benefits for the innovator",
    "costs": "the costs",
    "in_kind": "the in-kind contributions",
    "liability_insurance": "liability and insurance",
    "data_sharing": "the data-sharing terms",
    "ip_terms": "the intellectual property terms",
    "evaluation_plan": "the evaluation plan",
    "exit_plan": "the exit plan",
    "public_summary": "the public summary",
}
OFFICERS = {
    "supplier_safety_officer": "the supplier's clinical safety officer",
    "host_safety_officer": "the host's clinical safety officer",
}
CHOICES = {
    "lawful_basis": (LawfulBasis, "Choose the lawful basis"),
    "dpia_status": (DpiaStatus, "Choose whether a DPIA is needed"),
    "ip_arrangement": (IpArrangement, "Choose who owns what arises"),
    "evaluation_kind": (EvaluationKind, "Choose service evaluation or research"),
}
FLAGS = ("patient_data", "supplier_safety_case", "host_safety_assessment")
DATES = ("start_date", "end_date", "dpia_completed_on")
TERM_FIELDS = (
    *LINES,
    "host_lead_id",
    "innovator_lead_id",
    *TEXTS,
    *OFFICERS,
    *CHOICES,
    *FLAGS,
    *DATES,
)

# How a version reads: sections of (term, label), from the parties to the public summary.
TERM_SECTIONS = [
    (
        "Parties and place",
        [
            ("host_organisation", "Host organisation"),
            ("host_site", "Site"),
            ("host_lead", "Host's lead"),
            ("innovator_organisation", "Innovator"),
            ("innovator_lead", "Innovator's lead"),
            ("solution", "Solution tested"),
        ],
    ),
    (
        "Scope and time",
        [
            ("scope", "Scope"),
            ("milestones", "Milestones"),
            ("start_date", "Start date"),
            ("end_date", "End date"),
        ],
    ),
    (
        "Benefits expected",
        [
            ("benefits_patients", "For patients"),
            ("benefits_service", "For the service"),
            ("benefits_innovator", "For the innovator"),
        ],
    ),
    (
        "Costs, contributions and liability",
        [
            ("costs", "Costs"),
            ("in_kind", "In-kind contributions"),
            ("liability_insurance", "Liability and insurance"),
        ],
    ),
    (
        "Information governance",
        [
            ("patient_data", "Patient data processed"),
            ("lawful_basis", "Lawful basis"),
            ("dpia_status", "DPIA"),
            ("dpia_completed_on", "DPIA completed on"),
            ("data_sharing", "Data-sharing terms"),
        ],
    ),
    (
        "Clinical safety",
        [
            ("supplier_safety_case", "Supplier's DCB0129 safety case"),
            ("supplier_safety_officer", "Supplier's clinical safety officer"),
            ("host_safety_assessment", "Host's DCB0160 assessment"),
            ("host_safety_officer", "Host's clinical safety officer"),
        ],
    ),
    (
        "Intellectual property",
        [("ip_arrangement", "What arises belongs to"), ("ip_terms", "Licence, assignment, return")],
    ),
    (
        "Evaluation and exit",
        [
            ("evaluation_kind", "Kind of evaluation"),
            ("evaluation_plan", "Evaluation plan"),
            ("exit_plan", "Exit plan"),
        ],
    ),
    ("Public summary", [("public_summary", "Public summary")]),
]
TERM_LABELS = {name: label for _, terms in TERM_SECTIONS for name, label in terms}

# What must be agreed before anyone is asked to sign.
REQUIRED_TO_SIGN = {
    "title": "Enter a title",
    "host_site": "Enter the site where the trial runs",
    "host_lead_id": "Name the host's lead",
    "innovator_lead_id": "Name the innovator's lead",
    "scope": "Describe the scope",
    "milestones": "List the milestones",
    "start_date": "Enter the start date",
    "end_date": "Enter the end date",
    "benefits_patients": "Say how patients benefit",
    "benefits_service": "Say how the service benefits",
    "benefits_innovator": "Say how the innovator benefits",
    "costs": "State the costs (or that there are none)",
    "liability_insurance": "State liability and insurance",
    "ip_arrangement": "Choose who owns what arises",
    "evaluation_kind": "Choose service evaluation or research",
    "evaluation_plan": "Describe the evaluation plan",
    "exit_plan": "Describe the exit plan",
    "public_summary": "Write the public summary",
}


# --- starting and editing -----------------------------------------------------------------


def start_agreement(session: Session, actor: User, challenge_id, solution_id) -> Agreement:
    """Draft an agreement from a fit the service accepted or a response it shortlisted,
    prefilled from the challenge and the solution."""
    challenge = get_by_id(session, Challenge, challenge_id)
    solution = get_by_id(session, Solution, solution_id)
    if challenge is None or not policy.may_view_challenge(actor, challenge):
        raise NotFound("There is no such challenge")
    if solution is None or not policy.may_view_solution(actor, solution):
        raise NotFound("There is no such solution")
    if not policy.may_start_agreement(actor, challenge):
        raise Forbidden("Only a service lead of the challenge's organisation can start a test bed")
    if not _accepted(session, challenge, solution):
        raise InvalidTransition(
            "Accept this solution's fit, or shortlist its response, before drafting a test bed"
        )
    if solution.organisation_id == challenge.organisation_id:
        raise InvalidTransition("A test bed needs two parties: the host and an innovator")
    running = session.scalar(
        sa.select(Agreement.id).where(
            Agreement.challenge_id == challenge.id,
            Agreement.solution_id == solution.id,
            Agreement.status.not_in([AgreementStatus.COMPLETED, AgreementStatus.TERMINATED]),
        )
    )
    if running:
        raise Conflict("There is already a test bed for this challenge and solution")
    agreement = Agreement(
        challenge=challenge,
        solution=solution,
        host_organisation_id=challenge.organisation_id,
        innovator_organisation_id=solution.organisation_id,
        created_by_id=actor.id,
        status=AgreementStatus.DRAFT,
        title=f"{solution.title} at {challenge.organisation.name}"[:200],
        host_site=(challenge.sites or "")[:200] or None,
        host_lead_id=actor.id,
        innovator_lead_id=_innovator_lead(session, solution),
        scope=challenge.need,
        benefits_patients=challenge.outcomes,
        supplier_safety_case=solution.dcb0129_in_place,
        supplier_safety_officer=solution.clinical_safety_officer,
    )
    try:
        with session.begin_nested():  # a double submission loses here, not with a 500
            session.add(agreement)
            session.flush()
    except IntegrityError:
        raise Conflict("There is already a test bed for this challenge and solution") from None
    _new_version(session, actor, agreement, "Drafted from the accepted fit")
    audit.record(
        session,
        actor,
        "testbed.drafted",
        agreement,
        {"challenge": challenge.id, "solution": solution.id},
    )
    return agreement


def _accepted(session, challenge, solution) -> bool:
    fit = session.scalar(
        sa.select(MatchFeedback.id).filter_by(
            challenge_id=challenge.id,
            solution_id=solution.id,
            side=FeedbackSide.SERVICE,
            status=FeedbackStatus.ACCEPTED,
        )
    )
    response = session.scalar(
        sa.select(Response.id).where(
            Response.challenge_id == challenge.id,
            Response.solution_id == solution.id,
            Response.shortlisted_at.is_not(None),
        )
    )
    return bool(fit or response)


def _innovator_lead(session, solution) -> int | None:
    people = members_with_roles(session, solution.organisation_id, policy.SOLUTION_ROLES)
    ids = [p.id for p in people]
    return solution.created_by_id if solution.created_by_id in ids else (ids[0] if ids else None)


def save_terms(
    session: Session,
    actor: User,
    agreement_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Agreement:
    """Replace the terms with ``data`` (every field; missing ones become empty). A draft may
    stay incomplete; completeness is checked when it is sent for signature."""
    agreement = editable(session, actor, agreement_id)
    _check_version(agreement, expected_version)
    values = clean_terms(session, agreement, data)
    for name, value in values.items():
        setattr(agreement, name, value)
    flush_or_conflict(session, "agreement")
    _new_version(session, actor, agreement, f"Terms edited by {actor.name}")
    audit.record(session, actor, "testbed.terms_saved", agreement)
    return agreement


def clean_terms(session: Session, agreement: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for name, (label, length) in LINES.items():
        values[name] = clean_line(
            errors, name, data.get(name), label=label, max_length=length, required=name == "title"
        )
    for name, label in TEXTS.items():
        values[name] = clean_text(errors, name, data.get(name), label=label, max_length=TEXT)
    for name, label in OFFICERS.items():
        values[name] = clean_line(
            errors, name, data.get(name), label=label, max_length=200, required=False
        )
    for name, (enum_cls, message) in CHOICES.items():
        values[name] = clean_choice(errors, name, data.get(name), enum_cls, message)
    for name in FLAGS:
        values[name] = _flag(errors, name, data.get(name))
    for name in DATES:
        value = data.get(name)
        if value is not None and not isinstance(value, date):
            errors.add(name, "Enter a real date")
            value = None
        values[name] = value
    if values["start_date"] and values["end_date"] and values["end_date"] <= values["start_date"]:
        errors.add("end_date", "The end date must be after the start date")
    if values["dpia_completed_on"] and values["dpia_completed_on"] > uk_today():
        errors.add("dpia_completed_on", "The DPIA completion date cannot be in the future")
    if values["dpia_status"] == DpiaStatus.COMPLETED and not values["dpia_completed_on"]:
        errors.add("dpia_completed_on", "Enter the date the DPIA was completed")
    values["host_lead_id"] = _party_member(
        session, errors, "host_lead_id", data.get("host_lead_id"), agreement.host_organisation_id
    )
    values["innovator_lead_id"] = _party_member(
        session,
        errors,
        "innovator_lead_id",
        data.get("innovator_lead_id"),
        agreement.innovator_organisation_id,
    )
    errors.raise_if_any()
    return values


def _flag(errors: FieldErrors, name: str, value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    errors.add(name, "Answer yes or no")
    return None


def _party_member(session, errors, name, user_id, organisation_id) -> int | None:
    """A named lead must belong to that party's organisation."""
    if user_id in (None, ""):
        return None
    user = get_by_id(session, User, user_id) if isinstance(user_id, int) else None
    belongs = user is not None and session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.organisation_id == organisation_id,
            Membership.granted_at.is_not(None),
            Membership.revoked_at.is_(None),
        )
    )
    if not belongs:
        errors.add(name, "Choose someone from that party's organisation")
        return None
    return user.id


def party_people(session: Session, organisation_id: int) -> list[User]:
    """People who can be named as a party's lead."""
    memberships = session.scalars(
        sa.select(Membership).where(
            Membership.organisation_id == organisation_id,
            Membership.granted_at.is_not(None),
            Membership.revoked_at.is_(None),
        )
    )
    return sorted({m.user for m in memberships if m.user.is_active}, key=lambda u: u.name)


# --- measures -----------------------------------------------------------------------------


def add_measure(session: Session, actor: User, agreement_id: int, data: dict) -> Measure:
    agreement = editable(session, actor, agreement_id)
    measure = Measure(agreement=agreement, **_clean_measure(data))
    session.add(measure)
    session.flush()
    _new_version(session, actor, agreement, f"Measure added: {measure.name}")
    audit.record(session, actor, "testbed.measure_added", agreement, {"measure": measure.name})
    return measure


def update_measure(session: Session, actor: User, measure_id: int, data: dict) -> Measure:
    measure = _measure(session, actor, measure_id)
    agreement = editable(session, actor, measure.agreement_id)
    for name, value in _clean_measure(data).items():
        setattr(measure, name, value)
    session.flush()
    _new_version(session, actor, agreement, f"Measure changed: {measure.name}")
    audit.record(session, actor, "testbed.measure_changed", agreement, {"measure": measure.name})
    return measure


def remove_measure(session: Session, actor: User, measure_id: int) -> Agreement:
    measure = _measure(session, actor, measure_id)
    agreement = editable(session, actor, measure.agreement_id)
    agreement.measures.remove(measure)
    session.flush()
    _new_version(session, actor, agreement, f"Measure removed: {measure.name}")
    audit.record(session, actor, "testbed.measure_removed", agreement, {"measure": measure.name})
    return agreement


def _clean_measure(data: dict) -> dict:
    errors = FieldErrors()
    values = {
        "name": clean_line(errors, "name", data.get("name"), label="the measure", max_length=200),
        "unit": clean_line(errors, "unit", data.get("unit"), label="the unit", max_length=60),
        "how_collected": clean_line(
            errors,
            "how_collected",
            data.get("how_collected"),
            label="how it is collected",
            max_length=500,
        ),
        "collected_by": clean_line(
            errors,
            "collected_by",
            data.get("collected_by"),
            label="who collects it",
            max_length=200,
        ),
        "baseline": _number(errors, "baseline", data.get("baseline"), required=False),
        "target": _number(errors, "target", data.get("target"), required=True),
    }
    errors.raise_if_any()
    return values


def _number(errors: FieldErrors, name: str, value, required: bool) -> float | None:
    if value in (None, ""):
        if required:
            errors.add(name, f"Enter the {name}")
        return None
    if isinstance(value, bool):
        errors.add(name, f"Enter the {name} as a number, like 12 or 0.5")
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        errors.add(name, f"Enter the {name} as a number, like 12 or 0.5")
        return None
    if number != number or abs(number) > 1e12:  # NaN or absurd
        errors.add(name, f"Enter the {name} as a number, like 12 or 0.5")
        return None
    return number


def record_actual(
    session: Session, actor: User, measure_id: int, actual, note: str | None = None
) -> Measure:
    """Either party records what was measured, while the trial runs or is evaluated."""
    measure = _measure(session, actor, measure_id)
    agreement = measure.agreement
    if not policy.may_act_on_agreement(actor, agreement):
        raise Forbidden("Only the parties to this agreement can record measurements")
    running = agreement.live_at is not None and agreement.closed_at is None
    if not running:
        raise InvalidTransition("Actual values are recorded once the trial is live")
    errors = FieldErrors()
    value = _number(errors, "actual", actual, required=True)
    note = clean_text(errors, "note", note, label="the note", max_length=1000)
    errors.raise_if_any()
    measure.actual, measure.actual_note, measure.actual_recorded_at = value, note, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "testbed.actual_recorded",
        agreement,
        {"measure": measure.name, "actual": value},
    )
    return measure


# --- lifecycle ----------------------------------------------------------------------------


def share(session: Session, actor: User, agreement_id: int) -> Agreement:
    """The host opens the draft to the innovator: both parties now edit it."""
    agreement = visible(session, actor, agreement_id)
    if not policy.acts_for_host(actor, agreement):
        raise Forbidden("Only the host service can share its draft")
    lifecycle.guard(agreement.status.value, "negotiation")
    agreement.status = AgreementStatus.NEGOTIATION
    agreement.shared_at = utcnow()
    _moved(session, actor, agreement, "testbed.shared")
    _tell(
        session, agreement, agreement.innovator_organisation_id, "has been shared with you to agree"
    )
    return agreement


def send_for_signature(session: Session, actor: User, agreement_id: int) -> Agreement:
    agreement = _party(session, actor, agreement_id)
    lifecycle.guard(agreement.status.value, "awaiting_signature")
    missing = missing_to_sign(agreement)
    if missing:
        raise Invalid(missing, "This agreement is not ready to sign")
    agreement.status = AgreementStatus.AWAITING_SIGNATURE
    _moved(session, actor, agreement, "testbed.sent_for_signature")
    _new_version(session, actor, agreement, "Sent for signature")
    for organisation_id in (agreement.host_organisation_id, agreement.innovator_organisation_id):
        _tell(session, agreement, organisation_id, "is ready for your signature")
    return agreement


def missing_to_sign(agreement: Agreement) -> dict[str, list[str]]:
    errors = FieldErrors()
    for name, message in REQUIRED_TO_SIGN.items():
        if getattr(agreement, name) in (None, ""):
            errors.add(name, message)
    if agreement.patient_data is None:
        errors.add("patient_data", "Say whether patient data is processed")
    if agreement.patient_data and not agreement.lawful_basis:
        errors.add("lawful_basis", "Choose the lawful basis for processing patient data")
    if agreement.patient_data and not agreement.dpia_status:
        errors.add("dpia_status", "Say whether a DPIA is needed")
    if not agreement.measures:
        errors.add("measures", "Agree at least one measure of success")
    return errors.errors


def reopen(session: Session, actor: User, agreement_id: int) -> Agreement:
    """Back to negotiation: signatures on the version sent for signing no longer count."""
    agreement = _party(session, actor, agreement_id)
    lifecycle.guard(agreement.status.value, "negotiation")
    if agreement.status.value != "awaiting_signature":
        raise InvalidTransition("Amend a signed agreement instead of reopening it")
    agreement.status = AgreementStatus.NEGOTIATION
    _moved(session, actor, agreement, "testbed.reopened")
    _tell(
        session,
        agreement,
        _other(agreement, actor),
        "was reopened for changes; earlier signatures no longer count",
    )
    return agreement


def sign(session: Session, actor: User, agreement_id: int, organisation_id) -> Agreement:
    """Sign the version sent for signature on behalf of one party. When both have signed it,
    that version is frozen as the signed agreement."""
    agreement = _party(session, actor, agreement_id)
    if not isinstance(organisation_id, int) or organisation_id not in (
        agreement.host_organisation_id,
        agreement.innovator_organisation_id,
    ):
        raise Invalid({"organisation_id": "Choose one of the two parties"})
    if not policy.may_sign_agreement_for(actor, agreement, organisation_id):
        raise Forbidden("You cannot sign for an organisation you do not act for")
    if agreement.status.value != "awaiting_signature":
        raise InvalidTransition(
            f"An agreement that is {lifecycle.LABELS[agreement.status.value]} cannot be signed"
        )
    if agreement.patient_data and agreement.dpia_status not in (
        DpiaStatus.NOT_REQUIRED,
        DpiaStatus.COMPLETED,
    ):
        raise InvalidTransition(
            "Patient data is processed: complete the DPIA, or record that it is not required, "
            "before signing"
        )
    version = agreement.current_version
    if any(
        s.version_id == version.id and s.organisation_id == organisation_id
        for s in agreement.signatures
    ):
        raise Conflict("This party has already signed this version")
    signature = Signature(
        agreement=agreement, version=version, organisation_id=organisation_id, signed_by_id=actor.id
    )
    session.add(signature)
    agreement.updated_at = utcnow()  # bumps the row's version: simultaneous signatures conflict
    flush_or_conflict(session, "agreement")
    audit.record(
        session,
        actor,
        "testbed.signed",
        agreement,
        {"organisation": organisation_id, "version": version.number},
    )
    parties = {s.organisation_id for s in agreement.signatures if s.version_id == version.id}
    other = (
        agreement.innovator_organisation_id
        if organisation_id == agreement.host_organisation_id
        else agreement.host_organisation_id
    )
    if parties == {agreement.host_organisation_id, agreement.innovator_organisation_id}:
        # An amendment of a running trial, once signed, carries on running.
        agreement.status = AgreementStatus.LIVE if agreement.live_at else AgreementStatus.SIGNED
        agreement.signed_at = version.signed_at = utcnow()
        _moved(session, actor, agreement, "testbed.fully_signed")
        for organisation in (agreement.host_organisation_id, agreement.innovator_organisation_id):
            _tell(session, agreement, organisation, "is signed by both parties")
    else:
        flush_or_conflict(session, "agreement")
        _tell(session, agreement, other, "has been signed by the other party and awaits yours")
    return agreement


def go_live(session: Session, actor: User, agreement_id: int) -> Agreement:
    agreement = _host(session, actor, agreement_id)
    lifecycle.guard(agreement.status.value, "live")
    if not (agreement.supplier_safety_officer and agreement.host_safety_officer):
        raise InvalidTransition(
            "Name both clinical safety officers (the supplier's and the host's) before the trial "
            "starts: amend the agreement to add them"
        )
    agreement.status = AgreementStatus.LIVE
    agreement.live_at = utcnow()
    if agreement.adoption_id is None:
        adoption = Adoption(
            solution_id=agreement.solution_id,
            organisation_id=agreement.host_organisation_id,
            recorded_by_id=actor.id,
            site=agreement.host_site or agreement.host_organisation.name,
            stage=AdoptionStage.PILOTING,
            start_date=agreement.start_date or uk_today(),
            end_date=agreement.end_date,
        )
        session.add(adoption)
        session.flush()
        agreement.adoption_id = adoption.id
    _moved(session, actor, agreement, "testbed.live")
    _tell(session, agreement, agreement.innovator_organisation_id, "is live")
    return agreement


def start_evaluation(session: Session, actor: User, agreement_id: int) -> Agreement:
    agreement = _host(session, actor, agreement_id)
    lifecycle.guard(agreement.status.value, "evaluation")
    agreement.status = AgreementStatus.EVALUATION
    agreement.evaluation_started_at = utcnow()
    _moved(session, actor, agreement, "testbed.evaluation_started")
    _tell(session, agreement, agreement.innovator_organisation_id, "is being evaluated")
    return agreement


def complete(session: Session, actor: User, agreement_id: int, outcome, summary) -> Agreement:
    """Record the outcome. A met or partly met outcome becomes evaluated evidence on the
    solution, and raises its maturity where the evidence supports it."""
    agreement = _host(session, actor, agreement_id)
    lifecycle.guard(agreement.status.value, "completed")
    errors = FieldErrors()
    chosen = clean_choice(errors, "outcome", outcome, Outcome, "Choose met, partly met or not met")
    if chosen is None and "outcome" not in errors:
        errors.add("outcome", "Choose met, partly met or not met")
    summary = clean_text(
        errors, "summary", summary, label="the evaluation summary", max_length=TEXT, required=True
    )
    errors.raise_if_any()
    unmeasured = [m.name for m in agreement.measures if m.actual is None]
    if not agreement.measures or unmeasured:
        raise InvalidTransition(
            "Record the actual value of every measure before completing: "
            + (", ".join(unmeasured) if unmeasured else "there are no measures")
        )
    agreement.status = AgreementStatus.COMPLETED
    agreement.outcome, agreement.evaluation_summary = chosen, summary
    agreement.closed_at = utcnow()
    if agreement.adoption_id:
        adoption = session.get(Adoption, agreement.adoption_id)
        adoption.end_date = max(uk_today(), adoption.start_date)
    _moved(session, actor, agreement, "testbed.completed", {"outcome": chosen.value})
    _raise_maturity(session, actor, agreement)
    _tell(
        session,
        agreement,
        agreement.innovator_organisation_id,
        f"is complete: {chosen.label.lower()}",
    )
    return agreement


# A positive evaluation is evidence: met → at least "evidence of benefit"; partly met → at
# least "piloted". Never lowered.
EVIDENCED_MATURITY = {Outcome.MET: Maturity.EVIDENCE, Outcome.PARTLY_MET: Maturity.PILOTED}
MATURITY_ORDER = list(Maturity)


def _raise_maturity(session, actor, agreement) -> None:
    floor = EVIDENCED_MATURITY.get(agreement.outcome)
    solution = agreement.solution
    if floor is None:
        return
    current = solution.maturity
    if current is None or MATURITY_ORDER.index(current) < MATURITY_ORDER.index(floor):
        solution.maturity = floor
        flush_or_conflict(session, "solution")
        audit.record(
            session,
            actor,
            "solution.maturity_raised",
            solution,
            {
                "from": current.value if current else None,
                "to": floor.value,
                "testbed": agreement.id,
            },
        )


def terminate(session: Session, actor: User, agreement_id: int, reason) -> Agreement:
    agreement = _party(session, actor, agreement_id)
    amending_a_signed_agreement = agreement.signed_at is not None and agreement.status.value in {
        "negotiation",
        "awaiting_signature",
    }
    if not amending_a_signed_agreement:
        lifecycle.guard(agreement.status.value, "terminated")
    errors = FieldErrors()
    reason = clean_text(
        errors, "reason", reason, label="the reason", max_length=TEXT, required=True
    )
    errors.raise_if_any()
    agreement.status = AgreementStatus.TERMINATED
    agreement.termination_reason = reason
    agreement.closed_at = utcnow()
    if agreement.adoption_id:
        adoption = session.get(Adoption, agreement.adoption_id)
        adoption.stage = AdoptionStage.STOPPED
        adoption.end_date = max(uk_today(), adoption.start_date)
    _moved(session, actor, agreement, "testbed.terminated", {"reason": reason})
    for organisation in (agreement.host_organisation_id, agreement.innovator_organisation_id):
        _tell(session, agreement, organisation, "was terminated early")
    return agreement


def amend(session: Session, actor: User, agreement_id: int) -> Agreement:
    """Open a new version of a signed agreement for negotiation. The signed version stays as
    it was signed; the amendment needs both signatures again."""
    agreement = _party(session, actor, agreement_id)
    if agreement.status.value not in {"signed", "live"}:
        raise InvalidTransition(
            f"An agreement that is {lifecycle.LABELS[agreement.status.value]} cannot be amended"
        )
    agreement.status = AgreementStatus.NEGOTIATION
    _moved(session, actor, agreement, "testbed.amendment_opened")
    _new_version(session, actor, agreement, f"Amendment opened by {actor.name}")
    _tell(session, agreement, _other(agreement, actor), "has an amendment open for you to agree")
    return agreement


def _other(agreement: Agreement, actor: User) -> int:
    """The party that is not the actor's (the innovator's when the actor acts for the host)."""
    if policy.acts_for_host(actor, agreement):
        return agreement.innovator_organisation_id
    return agreement.host_organisation_id


# --- helpers ------------------------------------------------------------------------------


def visible(session: Session, actor: User, agreement_id: int) -> Agreement:
    """A draft is as good as missing to anyone but its host; past the draft the register shows
    that it exists, so others are told plainly that its details are the parties'."""
    agreement = get_by_id(session, Agreement, agreement_id)
    if agreement is None:
        raise NotFound("There is no such test-bed agreement")
    if not policy.may_view_agreement(actor, agreement):
        if agreement.status == AgreementStatus.DRAFT:
            raise NotFound("There is no such test-bed agreement")
        raise Forbidden("Only the parties and the innovation team see an agreement's details")
    return agreement


def _party(session, actor, agreement_id) -> Agreement:
    agreement = visible(session, actor, agreement_id)
    if not policy.may_act_on_agreement(actor, agreement):
        raise Forbidden("Only the parties to this agreement can do that")
    return agreement


def _host(session, actor, agreement_id) -> Agreement:
    agreement = visible(session, actor, agreement_id)
    if not policy.may_run_trial(actor, agreement):
        raise Forbidden("Only the host service runs the trial")
    return agreement


def editable(session, actor, agreement_id) -> Agreement:
    agreement = _party(session, actor, agreement_id)
    lifecycle.guard_editable(agreement.status.value)
    if not policy.may_edit_agreement(actor, agreement):
        raise Forbidden("The host prepares the draft; both parties edit it once it is shared")
    return agreement


def _measure(session, actor, measure_id) -> Measure:
    measure = get_by_id(session, Measure, measure_id)
    if measure is None or not policy.may_view_agreement(actor, measure.agreement):
        raise NotFound("There is no such measure")
    return measure


def _check_version(agreement: Agreement, expected: int | None) -> None:
    if expected is not None and expected != agreement.version:
        raise Conflict("Someone else changed this agreement while you were editing. Reload it.")


def _moved(session, actor, agreement, action: str, data: dict | None = None) -> None:
    flush_or_conflict(session, "agreement")
    audit.record(
        session, actor, action, agreement, {"status": agreement.status.value, **(data or {})}
    )


def _new_version(session, actor, agreement, change: str) -> AgreementVersion:
    number = (agreement.current_version.number + 1) if agreement.current_version else 1
    terms = snapshot_terms(agreement)
    measures = [snapshot_measure(m) for m in agreement.measures]
    try:
        with session.begin_nested():  # a savepoint: a lost race leaves the request usable
            version = AgreementVersion(
                agreement_id=agreement.id,
                number=number,
                terms=terms,
                measures=measures,
                change=change[:200],
                created_by_id=actor.id,
            )
            session.add(version)
            agreement.versions.append(version)
            agreement.updated_at = utcnow()  # any change, measures too, makes older forms stale
            session.flush()
    except (IntegrityError, StaleDataError):
        raise Conflict("Someone else changed this agreement at the same time. Reload it.") from None
    return version


def snapshot_terms(agreement: Agreement) -> dict:
    """The terms as plain JSON values, names included, so a version reads on its own."""
    terms = {}
    for name in TERM_FIELDS:
        value = getattr(agreement, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        terms[name] = value
    terms["host_lead"] = agreement.host_lead.name if agreement.host_lead else None
    terms["innovator_lead"] = agreement.innovator_lead.name if agreement.innovator_lead else None
    terms["host_organisation"] = agreement.host_organisation.name
    terms["innovator_organisation"] = agreement.innovator_organisation.name
    terms["solution"] = agreement.solution.title
    return terms


def snapshot_measure(measure: Measure) -> dict:
    return {
        name: getattr(measure, name)
        for name in ("name", "unit", "baseline", "target", "how_collected", "collected_by")
    }


def _tell(session, agreement, organisation_id: int, what: str) -> None:
    roles = (
        policy.HOST_ROLES
        if organisation_id == agreement.host_organisation_id
        else policy.SOLUTION_ROLES
    )
    people = members_with_roles(session, organisation_id, roles)
    notify(
        session,
        people,
        f"The test-bed agreement “{agreement.title}” {what}.",
        f"/testbeds/{agreement.id}",
    )
