"""A demo purchasing system: categories, admitted suppliers, one awaiting a decision, one
overdue and one asked for more information, each taken there through the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organisation, Role, User
from marketplace.db import utcnow
from marketplace.solutions.models import Solution
from procurement.dps import calendar, call_offs, services

TITLE = "Riverside and Millbrook digital health DPS"
CATEGORIES = [
    (
        "Remote monitoring and virtual wards",
        "Products that monitor people at home or on virtual wards; call-off contracts up to "
        "£500,000 a year; within the partnership's area.",
    ),
    (
        "Workforce and rostering",
        "Tools for staff rostering, bank shifts and handover; call-off contracts up to £250,000.",
    ),
    (
        "Self-care and patient apps",
        "Apps that help people manage their own health; call-off contracts up to £150,000.",
    ),
]
ANSWERS = {
    "size": "small",
    "mandatory_exclusion": "no",
    "discretionary_exclusion": "no",
    "employers_liability": 5_000_000,
    "public_liability": 10_000_000,
    "insurance_expiry": (date.today() + timedelta(days=200)).isoformat(),
    "cyber_essentials": "plus",
    "cyber_essentials_expiry": (date.today() + timedelta(days=150)).isoformat(),
    "dspt": "met",
    "dspt_expiry": (date.today() + timedelta(days=220)).isoformat(),
    "dtac": "passed",
    "clinical_safety": "yes",
    "device_class": "not_a_device",
    "modern_slavery": "yes",
}
# (supplier, categories by index, what happens, answers that differ)
APPLICATIONS = [
    ("Brightpath Remote Care Ltd", [0], "admit", {}),
    ("KindShift Software Ltd", [1], "admit", {}),
    (
        "Homeward Falls Prevention Ltd",
        [0],
        "admit",
        {"cyber_essentials_expiry": (date.today() + timedelta(days=12)).isoformat()},
    ),
    ("Little Steps Digital Ltd", [2], "wait", {}),
    ("Open Ledger Health Analytics Ltd", [1, 2], "overdue", {}),
    ("Clearview Point-of-Care Diagnostics Ltd", [0], "more_information", {"dtac": "in_progress"}),
]


def steps(session: Session) -> Iterator[str]:
    officer = session.scalar(sa.select(User).filter_by(email="procurement@riverside.example"))
    organisation_id = next(
        m.organisation_id for m in officer.active_memberships if m.role == Role.PROCUREMENT_OFFICER
    )
    system = services.create_system(
        session,
        officer,
        organisation_id,
        TITLE,
        "pcr2015",
        "Digital health and care products for the partnership's trusts, council and ICB, "
        "bought by call-off competition; an estimated 20 to 40 call-offs a year.",
        date.today() - timedelta(days=400),
        date.today() + timedelta(days=1000),
        CATEGORIES,
    )
    yield "purchasing system"
    for name, categories, outcome, changes in APPLICATIONS:
        supplier_org = session.scalar(sa.select(Organisation).filter_by(name=name))
        supplier = next(m.user for m in supplier_org.memberships if m.is_active)
        answers = {
            **ANSWERS,
            "companies_house": supplier_org.companies_house_number,
            **changes,
        }
        application = services.apply(
            session,
            supplier,
            system.id,
            supplier_org.id,
            [system.categories[i].id for i in categories],
            answers,
        )
        if outcome == "admit":
            services.decide(session, officer, application.id, "admit")
        elif outcome == "more_information":
            services.decide(
                session,
                officer,
                application.id,
                "more_information",
                "Send your DTAC assessment, or the date you expect to complete it.",
            )
        elif outcome == "overdue":
            # Submitted three weeks ago and not yet decided: shows the overdue queue.
            application.submitted_at = utcnow() - timedelta(days=21)
            application.due_on = calendar.add_working_days(
                date.today() - timedelta(days=21), system.rules.decision_days
            )
            session.flush()
        yield f"application {name}"
    yield from _listings_and_call_offs(session, system)


def _listings_and_call_offs(session: Session, system) -> Iterator[str]:
    """Admitted suppliers list their market-ready products; a trust runs two call-offs, one
    open and one awarded."""
    for admission in sorted(
        (a for c in system.categories for a in _admissions(session, c)), key=lambda a: a.id
    ):
        solutions = session.scalars(
            sa.select(Solution)
            .where(
                Solution.organisation_id == admission.organisation_id,
                Solution.published_at.is_not(None),
            )
            .order_by(Solution.id)
        )
        for solution in solutions:
            if solution.maturity is None or solution.maturity.value != "market_ready":
                continue
            services.list_product(
                session,
                solution.created_by,
                admission.category_id,
                solution.id,
                "From £3.50 per patient per month; volume discounts above 500 patients.",
                "12-month call-off contract, extendable by 12 months; 3 months' notice.",
                "99.9% availability; clinical support line 8am to 8pm, 7 days.",
            )
    yield "listings"
    buyer = session.scalar(sa.select(User).filter_by(email="procurement@riverside.example"))
    remote = system.categories[0]
    for title, closed in (
        ("Remote monitoring for 400 people with heart failure", False),
        ("Virtual ward monitoring for frailty, winter 2026", True),
    ):
        call_off = call_offs.publish(
            session,
            buyer,
            remote.id,
            next(m.organisation_id for m in buyer.active_memberships),
            title,
            "Home monitoring with alerts to the community team, integrated with SystmOne.",
            date.today() + timedelta(days=14),
            [("Quality", 60), ("Price", 30), ("Social value", 10)],
        )
        bidders = [i.organisation for i in call_off.invitations]
        for n, organisation in enumerate(bidders):
            supplier = next(m.user for m in organisation.memberships if m.is_active)
            call_offs.submit_bid(
                session, supplier, call_off.id, 96_000 + 9_000 * n, "Our monitoring service."
            )
        if closed:
            call_off.closes_at = utcnow() - timedelta(days=2)  # it closed two days ago
            session.flush()
            for n, bid in enumerate(call_off.bids):
                for criterion, value in zip(call_off.criteria, (8 - n, 7 + n, 6), strict=True):
                    call_offs.score(session, buyer, bid.id, criterion.id, value)
            call_offs.award(session, buyer, call_off.id, 96_000)
        yield f"call-off {title}"


def _admissions(session: Session, category):
    from procurement.dps.models import Admission

    return session.scalars(sa.select(Admission).filter_by(category_id=category.id)).all()
