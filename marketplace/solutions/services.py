"""Solution services: record a solution section by section, publish it, keep it current."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from challenges.services import clean_theme_ids
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, User
from marketplace.db import flush_or_conflict, get_by_id, uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.matches import indexing
from marketplace.solutions.models import (
    CareSetting,
    CyberEssentials,
    DeviceClass,
    DsptStatus,
    DtacStatus,
    EsfTier,
    Maturity,
    Solution,
    SolutionCareSetting,
)
from marketplace.validation import (
    FieldErrors,
    clean_choice,
    clean_email,
    clean_line,
    clean_text,
)

LONG_TEXT = 5000
SECTIONS = ("overview", "maturity", "assurance", "commercial")
SECTION_TITLES = {
    "overview": "Overview",
    "maturity": "Themes, maturity and evidence",
    "assurance": "Assurance",
    "commercial": "Pricing and contact",
}
# Maturity from which a claim needs evidence behind it.
NEEDS_EVIDENCE = {Maturity.PILOTED, Maturity.EVIDENCE, Maturity.MARKET_READY}


def create_solution(
    session: Session, actor: User, organisation_id: int | None, title: str | None
) -> Solution:
    """Start a draft: only its title and organisation are needed to begin."""
    organisation = get_by_id(session, Organisation, organisation_id)
    errors = FieldErrors()
    if (
        organisation is None
        or not organisation.is_approved
        or not (policy.may_manage_solutions_for(actor, organisation.id))
    ):
        errors.add("organisation_id", "Choose an organisation you are an innovator or fellow for")
    title = clean_line(errors, "title", title, label="a title", max_length=150)
    errors.raise_if_any()
    solution = Solution(organisation=organisation, created_by=actor, title=title)
    session.add(solution)
    audit.record(session, actor, "solution.created", solution, {"title": title})
    return solution


def save_section(
    session: Session,
    actor: User,
    solution_id: int,
    section: str,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Solution:
    """Save one section. A draft may stay incomplete; a published solution must stay complete."""
    solution = _editable(session, actor, solution_id)
    if section not in SECTIONS:
        raise NotFound("No such section")
    if expected_version is not None and expected_version != solution.version:
        raise Conflict("Someone else saved this solution while you were editing. Reload it.")
    errors = FieldErrors()
    values = _CLEANERS[section](session, errors, data)
    errors.raise_if_any()
    for name, value in values.items():
        setattr(solution, name, value)
    if solution.status == "published":
        missing = missing_parts(solution)
        if missing:
            raise Invalid(missing, "A published solution must stay complete")
    flush_or_conflict(session, "solution")
    audit.record(session, actor, "solution.section_saved", solution, {"section": section})
    if solution.status == "published":
        indexing.content_changed(session, solution)  # unchanged text costs nothing
    return solution


def publish_solution(session: Session, actor: User, solution_id: int) -> Solution:
    """Make a complete draft visible to everyone signed in (and, once market-ready, listed in
    the public catalogue). Every missing part is named at once."""
    solution = _editable(session, actor, solution_id)
    if solution.status != "draft":
        raise InvalidTransition(f"This solution is already {solution.status}")
    missing = missing_parts(solution)
    if missing:
        raise Invalid(missing, "This solution is not ready to publish")
    solution.published_at = utcnow()
    flush_or_conflict(session, "solution")
    audit.record(session, actor, "solution.published", solution)
    indexing.content_changed(session, solution)
    return solution


def withdraw_solution(
    session: Session, actor: User, solution_id: int, reason: str | None
) -> Solution:
    solution = _editable(session, actor, solution_id)
    errors = FieldErrors()
    reason = clean_text(
        errors, "reason", reason, label="a reason", max_length=LONG_TEXT, required=True
    )
    errors.raise_if_any()
    solution.withdrawn_at = utcnow()
    flush_or_conflict(session, "solution")
    audit.record(session, actor, "solution.withdrawn", solution, {"reason": reason})
    return solution


def missing_parts(solution: Solution) -> dict[str, list[str]]:
    """What still stops this solution being published, by field (empty when complete)."""
    errors = FieldErrors()
    required = {
        "summary": "Write a one-line summary",
        "description": "Describe the solution",
        "audience": "Say who it is for",
        "maturity": "Choose its maturity",
        "device_class": "Say whether it is a medical device, and its class",
        "dtac_status": "Give its DTAC status",
        "dspt_status": "Give its DSPT status",
        "cyber_essentials": "Give its Cyber Essentials certification, or none",
        "esf_tier": "Give its NICE evidence standards tier, or not assessed",
        "pricing_model": "Describe the pricing model",
        "contact_name": "Give a contact name",
        "contact_email": "Give a contact email address",
    }
    for name, message in required.items():
        if getattr(solution, name) in (None, ""):
            errors.add(name, message)
    if not solution.themes:
        errors.add("theme_ids", "Choose at least one theme")
    if not solution.care_setting_rows:
        errors.add("care_settings", "Choose at least one care setting")
    if solution.maturity in NEEDS_EVIDENCE and not solution.evidence:
        errors.add("evidence", f"Describe the evidence behind ‘{solution.maturity.label}’")
    if solution.dcb0129_in_place is None:
        errors.add("dcb0129_in_place", "Say whether a DCB0129 clinical safety case is in place")
    elif solution.dcb0129_in_place and not solution.clinical_safety_officer:
        errors.add("clinical_safety_officer", "Name the clinical safety officer")
    return errors.errors


# --- section cleaners ---------------------------------------------------------------------


def _clean_overview(session: Session, errors: FieldErrors, data: dict) -> dict:
    return {
        "title": clean_line(errors, "title", data.get("title"), label="a title", max_length=150),
        "summary": clean_line(
            errors,
            "summary",
            data.get("summary"),
            label="the summary",
            max_length=300,
            required=False,
        ),
        "description": clean_text(
            errors,
            "description",
            data.get("description"),
            label="the description",
            max_length=LONG_TEXT,
        ),
        "audience": clean_text(
            errors, "audience", data.get("audience"), label="who it is for", max_length=LONG_TEXT
        ),
    }


def _clean_maturity(session: Session, errors: FieldErrors, data: dict) -> dict:
    settings = []
    for value in data.get("care_settings") or []:
        try:
            settings.append(CareSetting(value))
        except ValueError:
            errors.add("care_settings", "Choose care settings from the list")
            break
    return {
        "themes": clean_theme_ids(session, errors, data.get("theme_ids") or []),
        "care_setting_rows": [SolutionCareSetting(setting=s) for s in dict.fromkeys(settings)],
        "maturity": clean_choice(errors, "maturity", data.get("maturity"), Maturity),
        "evidence": clean_text(
            errors, "evidence", data.get("evidence"), label="the evidence", max_length=LONG_TEXT
        ),
        "evidence_sites": clean_line(
            errors,
            "evidence_sites",
            data.get("evidence_sites"),
            label="the sites",
            max_length=500,
            required=False,
        ),
    }


def _clean_assurance(session: Session, errors: FieldErrors, data: dict) -> dict:
    values = {
        "device_class": clean_choice(errors, "device_class", data.get("device_class"), DeviceClass),
        "device_marking": clean_line(
            errors,
            "device_marking",
            data.get("device_marking"),
            label="the marking",
            max_length=100,
            required=False,
        ),
        "dtac_status": clean_choice(errors, "dtac_status", data.get("dtac_status"), DtacStatus),
        "dtac_date": _past_date(errors, "dtac_date", data.get("dtac_date"), "DTAC date"),
        "dcb0129_in_place": data.get("dcb0129_in_place"),
        "clinical_safety_officer": clean_line(
            errors,
            "clinical_safety_officer",
            data.get("clinical_safety_officer"),
            label="the clinical safety officer",
            max_length=200,
            required=False,
        ),
        "dcb0129_date": _past_date(
            errors, "dcb0129_date", data.get("dcb0129_date"), "Safety case date"
        ),
        "dspt_status": clean_choice(errors, "dspt_status", data.get("dspt_status"), DsptStatus),
        "dspt_date": _past_date(errors, "dspt_date", data.get("dspt_date"), "DSPT date"),
        "dspt_expiry": data.get("dspt_expiry"),
        "cyber_essentials": clean_choice(
            errors, "cyber_essentials", data.get("cyber_essentials"), CyberEssentials
        ),
        "cyber_essentials_date": _past_date(
            errors, "cyber_essentials_date", data.get("cyber_essentials_date"), "Certificate date"
        ),
        "cyber_essentials_expiry": data.get("cyber_essentials_expiry"),
        "esf_tier": clean_choice(errors, "esf_tier", data.get("esf_tier"), EsfTier),
    }
    for start, end in (
        ("dspt_date", "dspt_expiry"),
        ("cyber_essentials_date", "cyber_essentials_expiry"),
    ):
        if values[start] and values[end] and values[end] <= values[start]:
            errors.add(end, "The expiry date must be after the date it was gained")
    if values["dcb0129_in_place"] not in (None, True, False):
        errors.add("dcb0129_in_place", "Answer yes or no")
    return values


def _clean_commercial(session: Session, errors: FieldErrors, data: dict) -> dict:
    email = data.get("contact_email")
    return {
        "pricing_model": clean_text(
            errors,
            "pricing_model",
            data.get("pricing_model"),
            label="the pricing model",
            max_length=LONG_TEXT,
        ),
        "contact_name": clean_line(
            errors,
            "contact_name",
            data.get("contact_name"),
            label="a contact name",
            max_length=200,
            required=False,
        ),
        "contact_email": clean_email(errors, "contact_email", email) if email else None,
    }


_CLEANERS = {
    "overview": _clean_overview,
    "maturity": _clean_maturity,
    "assurance": _clean_assurance,
    "commercial": _clean_commercial,
}


def _past_date(errors: FieldErrors, name: str, value: date | None, label: str) -> date | None:
    if value is not None and value > uk_today():
        errors.add(name, f"{label} cannot be in the future")
    return value


def _editable(session: Session, actor: User, solution_id: int) -> Solution:
    solution = get_by_id(session, Solution, solution_id)
    if solution is None or not policy.may_view_solution(actor, solution):
        raise NotFound("No such solution")
    if not policy.may_edit_solution(actor, solution):
        raise Forbidden("Only its organisation's innovators and fellows can change a solution")
    return solution
