"""Demo test beds in several states, each taken there through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges.models import Challenge
from marketplace.solutions.models import Solution
from procurement.testbeds import services


@dataclass(frozen=True)
class DemoTestBed:
    challenge: str
    solution: str
    status: str  # how far to take it
    starts_in_days: int
    weeks: int
    site: str
    summary: str
    measures: list[
        tuple[str, str, float | None, float, float | None]
    ]  # name, unit, base, target, actual
    outcome: tuple[str, str] | None = None
    terms: dict = field(default_factory=dict)


TESTBEDS = [
    DemoTestBed(
        "Night-time falls among older people living alone",
        "Homeward FallAlert",
        "completed",
        -240,
        26,
        "Millbrook community falls response service",
        "Six months of FallAlert sensors in 60 homes of people who had fallen at night.",
        [
            ("Median time on the floor after a fall", "minutes", 70, 15, 11),
            ("Ambulance call-outs for falls without injury", "per month", 34, 25, 22),
        ],
        ("met", "Median time on the floor fell from 70 to 11 minutes; call-outs fell by a third."),
    ),
    DemoTestBed(
        "Earlier warning of sepsis on general wards",
        "Early warning score capture",
        "live",
        -45,
        24,
        "Wards 7, 8 and 12, Riverside General Hospital",
        "Bedside capture of observations with automatic early warning scores on three wards.",
        [
            ("Escalations within 30 minutes of a score of 5 or more", "%", 58, 90, None),
            ("Delayed-escalation incidents", "per quarter", 14, 7, None),
        ],
    ),
    DemoTestBed(
        "Filling short-notice gaps in nursing rotas",
        "KindShift bank booking",
        "awaiting_signature",
        30,
        16,
        "Medical wards, Northgate hospital",
        "Short-notice bank shifts offered by phone on the medical wards for four months.",
        [("Shifts filled within four hours of the gap", "%", 41, 70, None)],
    ),
    DemoTestBed(
        "Support for women with gestational diabetes between clinics",
        "Gestational diabetes glucose diary",
        "negotiation",
        60,
        20,
        "Antenatal diabetes clinic",
        "A glucose diary app for women with gestational diabetes between clinic visits.",
        [("Clinic visits per woman", "visits", 9, 6, None)],
    ),
]


def steps(session: Session) -> Iterator[str]:
    for item in TESTBEDS:
        _take(session, item)
        yield f"test bed {item.solution}"


def _take(session: Session, item: DemoTestBed) -> None:
    challenge = session.scalar(sa.select(Challenge).filter_by(title=item.challenge))
    solution = session.scalar(sa.select(Solution).filter_by(title=item.solution))
    host, innovator = challenge.created_by, solution.created_by
    agreement = services.start_agreement(session, host, challenge.id, solution.id)
    start = date.today() + timedelta(days=item.starts_in_days)
    terms = {
        "title": f"{solution.title} at {challenge.organisation.name}",
        "host_site": item.site,
        "host_lead_id": host.id,
        "innovator_lead_id": innovator.id,
        "scope": challenge.need,
        "milestones": "Month 1: set-up and training. Midpoint: interim review. End: evaluation.",
        "start_date": start,
        "end_date": start + timedelta(weeks=item.weeks),
        "benefits_patients": challenge.outcomes,
        "benefits_service": "Evidence on whether to buy, from its own patients and staff.",
        "benefits_innovator": "Evaluated evidence from a live NHS service.",
        "costs": "None to the host: the innovator supplies the product free for the trial.",
        "in_kind": "Staff time for training and data collection, about two hours a week.",
        "liability_insurance": "The innovator holds £5m product and professional liability cover.",
        "patient_data": "yes",
        "lawful_basis": "care",
        "dpia_status": "completed",
        "dpia_completed_on": min(start, date.today()) - timedelta(days=14),
        "data_sharing": "Only what the evaluation needs, pseudonymised, stays on host systems.",
        "supplier_safety_case": "yes",
        "host_safety_assessment": "yes",
        "supplier_safety_officer": solution.clinical_safety_officer or "Named by the supplier",
        "host_safety_officer": "Dr Helen Osei, Chief Clinical Information Officer",
        "ip_arrangement": "innovator_owns",
        "ip_terms": "Improvements belong to the innovator; the host has a free perpetual licence.",
        "evaluation_kind": "service_evaluation",
        "evaluation_plan": "The host's evaluation team compares the measures with the baseline.",
        "exit_plan": "Equipment removed within a month; patients return to the usual pathway.",
        "public_summary": item.summary,
        **item.terms,
    }
    services.save_terms(session, host, agreement.id, terms)
    for name, unit, baseline, target, _ in item.measures:
        services.add_measure(
            session,
            host,
            agreement.id,
            {
                "name": name,
                "unit": unit,
                "baseline": baseline,
                "target": target,
                "how_collected": "From the service's own records",
                "collected_by": "The host's evaluation team",
            },
        )
    order = ["negotiation", "awaiting_signature", "signed", "live", "evaluation", "completed"]
    reached = order.index(item.status)
    services.share(session, host, agreement.id)
    if reached >= 1:
        services.send_for_signature(session, innovator, agreement.id)
    if reached >= 2:
        services.sign(session, host, agreement.id, agreement.host_organisation_id)
        services.sign(session, innovator, agreement.id, agreement.innovator_organisation_id)
    if reached >= 3:
        services.go_live(session, host, agreement.id)
    for measure, (*_, actual) in zip(agreement.measures, item.measures, strict=True):
        if actual is not None:
            services.record_actual(session, host, measure.id, actual)
    if reached >= 4:
        services.start_evaluation(session, host, agreement.id)
    if reached >= 5:
        services.complete(session, host, agreement.id, *item.outcome)
