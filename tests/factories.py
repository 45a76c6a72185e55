"""Plain factory functions that go through the services, committing as an edge would."""

from __future__ import annotations

import itertools

from marketplace.accounts import services
from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.db import uk_today
from marketplace.extensions import db

PASSWORD = "copper-kettle-orchard-97"
_sequence = itertools.count(1)


def create_organisation(
    *, approved: bool = True, kind: OrganisationKind = OrganisationKind.NHS_TRUST, **overrides
) -> Organisation:
    n = next(_sequence)
    details = services.NewOrganisation(
        name=overrides.pop("name", f"Test Organisation {n}"),
        kind=kind.value,
        ods_code=overrides.pop("ods_code", f"T{n:04d}" if kind.needs_ods_code else None),
        companies_house_number=overrides.pop(
            "companies_house_number", f"{n:08d}" if kind.needs_companies_house_number else None
        ),
    )
    if approved:
        organisation = services.add_organisation(db.session, None, details)
    else:
        proposer = create_user()
        organisation = services.propose_organisation(
            db.session, proposer, details, Role.INNOVATOR.value
        )
    db.session.commit()
    return organisation


def create_user(
    *, role: Role | None = None, organisation: Organisation | None = None, **overrides
) -> User:
    n = next(_sequence)
    user = services.create_user(
        db.session,
        None,
        email=overrides.pop("email", f"person{n}@example.org"),
        name=overrides.pop("name", f"Test Person {n}"),
        password=overrides.pop("password", PASSWORD),
    )
    if role is not None:
        organisation = organisation or create_organisation()
        services.grant_role(db.session, None, user, organisation, role)
    db.session.commit()
    return user


def create_token(user: User, name: str = "test token", days: int | None = 30) -> str:
    _token, secret = services.create_api_token(db.session, user, name, days)
    db.session.commit()
    return secret


def utcnow():
    from marketplace.db import utcnow as now

    return now()


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def request_role(user: User, organisation: Organisation, role: Role):
    membership = services.request_membership(db.session, user, organisation.id, role.value)
    db.session.commit()
    return membership


def sign_in_as(app, email: str, password: str = PASSWORD):
    """A fresh test client signed in through the real sign-in form."""
    from tests.conftest import sign_in

    return sign_in(app.test_client(), email, password)


def theme_ids(*names: str) -> list[int]:
    from challenges.models import Theme

    statement = db.select(Theme.id).where(Theme.name.in_(names)) if names else db.select(Theme.id)
    return list(db.session.scalars(statement.order_by(Theme.id)))


def challenge_input(**overrides):
    """A complete challenge, ready to submit."""
    from datetime import timedelta

    from challenges.services import ChallengeInput

    values = {
        "title": "Missed outpatient appointments among young adults",
        "need": "One in seven young adults miss their first outpatient appointment.",
        "evidence": "14% did not attend in 2025, against 7% across all ages.",
        "evidence_source": "Trust outpatient dashboard, March 2026",
        "affected": "About 3,000 people aged 18 to 25 each year, and the clinics that wait.",
        "outcomes": "Reduce missed first appointments to under 8% within a year.",
        "closing_date": uk_today() + timedelta(days=60),
        "stage_wanted": "piloted",
        "theme_ids": theme_ids("Outpatients", "Health inequalities"),
    }
    values.update(overrides)
    return ChallengeInput(**values)


def create_challenge(lead: User | None = None, status: str = "draft", **overrides):
    """A challenge through the services, moved on to ``status`` (draft, submitted or open)."""
    from challenges import services as challenge_services

    if lead is None:
        lead = create_user(role=Role.SERVICE_LEAD)
    organisation_id = overrides.pop("organisation_id", lead.active_memberships[0].organisation_id)
    challenge = challenge_services.create_challenge(
        db.session, lead, organisation_id, challenge_input(**overrides)
    )
    if status in {"submitted", "open"}:
        challenge_services.submit_challenge(db.session, lead, challenge.id)
    if status == "open":
        team = create_user(role=Role.INNOVATION_TEAM)
        challenge_services.publish_challenge(db.session, team, challenge.id)
    db.session.commit()
    return challenge


COMPLETE_SOLUTION = {
    "overview": {
        "title": "FallAlert home sensor",
        "summary": "A bedside sensor that calls for help when someone falls at night.",
        "description": "A radar sensor notices a fall and alerts a responder within a minute.",
        "audience": "Older people living alone and the services that respond to falls.",
    },
    "maturity": {
        "care_settings": ["home", "care_home"],
        "maturity": "market_ready",
        "evidence": "Evaluated in 120 homes: time on the floor fell from 70 to 9 minutes.",
        "evidence_sites": "Two councils' telecare services",
    },
    "assurance": {
        "device_class": "class_i",
        "dtac_status": "passed",
        "dcb0129_in_place": True,
        "clinical_safety_officer": "Dr A Example",
        "dspt_status": "met",
        "cyber_essentials": "plus",
        "esf_tier": "b",
    },
    "commercial": {
        "pricing_model": "£6 per home per month, installation included.",
        "contact_name": "Sales team",
        "contact_email": "sales@example.org",
    },
}


def create_solution(
    innovator: User | None = None,
    status: str = "published",
    maturity: str = "market_ready",
    **overview,
):
    """A solution through the services: ``draft`` (title only), ``complete`` or ``published``."""
    from marketplace.solutions import services as solution_services

    if innovator is None:
        innovator = create_user(
            role=Role.INNOVATOR, organisation=create_organisation(kind=OrganisationKind.SME)
        )
    organisation_id = innovator.active_memberships[0].organisation_id
    sections = {name: dict(values) for name, values in COMPLETE_SOLUTION.items()}
    sections["overview"].update(overview)
    sections["maturity"]["maturity"] = maturity
    sections["maturity"]["theme_ids"] = theme_ids("Frailty", "Patient safety")
    solution = solution_services.create_solution(
        db.session, innovator, organisation_id, sections["overview"]["title"]
    )
    if status in {"complete", "published"}:
        for name, values in sections.items():
            solution_services.save_section(db.session, innovator, solution.id, name, values)
    if status == "published":
        solution_services.publish_solution(db.session, innovator, solution.id)
    db.session.commit()
    return solution


COMPLETE_TERMS = {
    "title": "FallAlert at Riverside community services",
    "host_site": "Riverside community falls service",
    "scope": "Sensors in 40 homes of people who have fallen at night in the past year.",
    "milestones": "Month 1: installs. Month 3: interim review. Month 6: evaluation.",
    "benefits_patients": "Help within minutes after a fall.",
    "benefits_service": "Fewer long lies and ambulance call-outs.",
    "benefits_innovator": "Real-world evidence from an NHS service.",
    "costs": "Devices loaned free; installation by the supplier.",
    "in_kind": "Falls team time: two hours a week.",
    "liability_insurance": "Supplier holds £5m product liability and professional indemnity.",
    "patient_data": "yes",
    "lawful_basis": "care",
    "dpia_status": "completed",
    "data_sharing": "Alerts only; no data leaves the host's systems.",
    "supplier_safety_case": "yes",
    "host_safety_assessment": "yes",
    "supplier_safety_officer": "Dr A Patel",
    "host_safety_officer": "Dr B Jones",
    "ip_arrangement": "innovator_owns",
    "ip_terms": "Improvements arising belong to the supplier; the host has a free licence.",
    "evaluation_kind": "service_evaluation",
    "evaluation_plan": "Falls team collects time on the floor from alerts and ambulance records.",
    "exit_plan": "Devices collected within a month of the end; nobody left without a service.",
    "public_summary": "A six-month trial of night-time fall sensors in 40 homes.",
}

MEASURE = {
    "name": "Median time on the floor after a fall",
    "unit": "minutes",
    "baseline": "70",
    "target": "15",
    "how_collected": "Alert timestamps against responder arrival",
    "collected_by": "Falls team administrator",
}


def create_agreement(status: str = "draft", **terms):
    """An agreement between a new trust's service lead and a new SME's innovator, moved on to
    ``status`` through the services. Returns (agreement, host lead, innovator)."""
    from datetime import timedelta

    from marketplace.matches import services as match_services
    from marketplace.matches.models import FeedbackSide
    from procurement.testbeds import services as testbeds

    lead = create_user(role=Role.SERVICE_LEAD)
    innovator = create_user(
        role=Role.INNOVATOR, organisation=create_organisation(kind=OrganisationKind.SME)
    )
    challenge = create_challenge(lead, status="open")
    solution = create_solution(innovator, maturity="prototype")
    match_services.decide_fit(
        db.session, lead, challenge.id, solution.id, FeedbackSide.SERVICE, "accepted"
    )
    agreement = testbeds.start_agreement(db.session, lead, challenge.id, solution.id)
    if status != "draft":
        values = {
            **COMPLETE_TERMS,
            "host_lead_id": lead.id,
            "innovator_lead_id": innovator.id,
            "start_date": uk_today() + timedelta(days=7),
            "end_date": uk_today() + timedelta(days=190),
            "dpia_completed_on": uk_today() - timedelta(days=3),
            **terms,
        }
        testbeds.save_terms(db.session, lead, agreement.id, values)
        testbeds.add_measure(db.session, lead, agreement.id, MEASURE)
        testbeds.share(db.session, lead, agreement.id)
    steps = ["negotiation", "awaiting_signature", "signed", "live", "evaluation"]
    if status in steps[1:]:
        testbeds.send_for_signature(db.session, lead, agreement.id)
    if status in steps[2:]:
        testbeds.sign(db.session, lead, agreement.id, agreement.host_organisation_id)
        testbeds.sign(db.session, innovator, agreement.id, agreement.innovator_organisation_id)
    if status in steps[3:]:
        testbeds.go_live(db.session, lead, agreement.id)
    if status in steps[4:]:
        testbeds.start_evaluation(db.session, lead, agreement.id)
    db.session.commit()
    return agreement, lead, innovator


GOOD_ANSWERS = {
    "companies_house": "12345678",
    "duns": "123456789",
    "size": "small",
    "mandatory_exclusion": "no",
    "discretionary_exclusion": "no",
    "employers_liability": "5000000",
    "public_liability": "10000000",
    "insurance_expiry": "2099-03-31",
    "cyber_essentials": "plus",
    "cyber_essentials_expiry": "2099-01-31",
    "dspt": "met",
    "dspt_expiry": "2099-06-30",
    "dtac": "passed",
    "clinical_safety": "yes",
    "device_class": "not_a_device",
    "modern_slavery": "yes",
    "notes": "",
}


def create_system(officer: User | None = None, **overrides):
    """A PCR 2015 dynamic purchasing system with two categories, open from last month."""
    from datetime import timedelta

    from procurement.dps import services as dps

    if officer is None:
        officer = create_user(role=Role.PROCUREMENT_OFFICER)
    values = {
        "organisation_id": officer.active_memberships[0].organisation_id,
        "title": f"Digital health DPS {next(_sequence)}",
        "regime": "pcr2015",
        "scope": "Digital products for NHS and care services in the partnership.",
        "starts_on": uk_today() - timedelta(days=30),
        "ends_on": uk_today() + timedelta(days=1000),
        "categories": [
            ("Remote monitoring", "Products that monitor people at home; contracts up to £500k."),
            ("Workforce tools", "Rostering and staff tools; contracts up to £250k."),
        ],
        **overrides,
    }
    system = dps.create_system(db.session, officer, **values)
    db.session.commit()
    return system, officer


def create_application(system, supplier: User | None = None, categories=None, **answers):
    from procurement.dps import services as dps

    if supplier is None:
        supplier = create_user(
            role=Role.INNOVATOR, organisation=create_organisation(kind=OrganisationKind.SME)
        )
    application = dps.apply(
        db.session,
        supplier,
        system.id,
        supplier.active_memberships[0].organisation_id,
        categories or [system.categories[0].id],
        {**GOOD_ANSWERS, **answers},
    )
    db.session.commit()
    return application, supplier


def create_listing(system, supplier: User | None = None, **changes):
    """An admitted supplier's market-ready product listed in the system's first category."""
    from procurement.dps import services as dps

    application, supplier = create_application(system, supplier)
    officer = next(
        m.user
        for m in system.organisation.memberships
        if m.is_active and m.role == Role.PROCUREMENT_OFFICER
    )
    dps.decide(db.session, officer, application.id, "admit")
    solution = changes.pop("solution", None) or create_solution(supplier)
    listing = dps.list_product(
        db.session,
        supplier,
        system.categories[0].id,
        solution.id,
        changes.get("price", "£4 per patient per month"),
        changes.get("terms", "12 months, 3 months' notice"),
        changes.get("service_levels", "99.9% availability; support 8am to 6pm"),
    )
    db.session.commit()
    return listing


def create_call_off(system, buyer: User | None = None, **overrides):
    """A call-off in the system's first category, published by a procurement officer of a
    trust; every admitted supplier is invited."""
    from datetime import timedelta

    from procurement.dps import call_offs

    if buyer is None:
        buyer = create_user(role=Role.PROCUREMENT_OFFICER)
    values = {
        "category_id": system.categories[0].id,
        "buyer_organisation_id": buyer.active_memberships[0].organisation_id,
        "title": "Remote monitoring for 400 heart failure patients",
        "requirement": "Home monitoring of weight, blood pressure and symptoms, with alerts.",
        "closes_on": uk_today() + timedelta(days=14),
        "criteria": [("Quality", 60), ("Price", 30), ("Social value", 10)],
        **overrides,
    }
    call_off = call_offs.publish(db.session, buyer, **values)
    db.session.commit()
    return call_off, buyer


def admitted_supplier(system, **answers):
    """A supplier admitted to the system's first category."""
    from procurement.dps import services as dps

    application, supplier = create_application(system, **answers)
    officer = next(
        m.user
        for m in system.organisation.memberships
        if m.is_active and m.role == Role.PROCUREMENT_OFFICER
    )
    dps.decide(db.session, officer, application.id, "admit")
    db.session.commit()
    return supplier
