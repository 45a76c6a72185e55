"""The read side: systems, an officer's queue, a supplier's applications, and the public
register of admitted suppliers with the state of their expiring assurance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts import policy
from marketplace.csv_export import csv_text
from marketplace.db import uk_today
from marketplace.solutions.models import Solution
from procurement.dps import questions
from procurement.dps.models import (
    Admission,
    Application,
    ApplicationStatus,
    Category,
    Listing,
    PurchasingSystem,
)
from procurement.testbeds import queries as testbed_queries

EXPIRING_WITHIN = timedelta(days=30)


def systems(session: Session) -> list[PurchasingSystem]:
    return list(
        session.scalars(
            sa.select(PurchasingSystem)
            .options(selectinload(PurchasingSystem.categories))
            .order_by(PurchasingSystem.starts_on.desc(), PurchasingSystem.id)
        )
    )


def admitted_counts(session: Session) -> dict[int, int]:
    return dict(
        session.execute(
            sa.select(Admission.category_id, sa.func.count())
            .where(Admission.removed_at.is_(None))
            .group_by(Admission.category_id)
        ).all()
    )


@dataclass(frozen=True)
class Queue:
    to_decide: list[Application]
    overdue: list[Application]
    waiting_for_supplier: list[Application]
    decided: list[Application]
    assurance: list  # RegisterEntry with expired or expiring assurance


def queue(session: Session, system: PurchasingSystem, today: date | None = None) -> Queue:
    today = today or uk_today()
    applications = list(
        session.scalars(
            sa.select(Application)
            .where(Application.system_id == system.id)
            .order_by(Application.due_on, Application.id)
        )
    )
    waiting = [a for a in applications if a.status == ApplicationStatus.SUBMITTED]
    return Queue(
        to_decide=[a for a in waiting if not a.is_overdue(today)],
        overdue=[a for a in waiting if a.is_overdue(today)],
        waiting_for_supplier=[
            a for a in applications if a.status == ApplicationStatus.MORE_INFORMATION
        ],
        decided=sorted(
            (a for a in applications if a.decided_at is not None),
            key=lambda a: a.decided_at,
            reverse=True,
        )[:20],
        assurance=[
            entry
            for category in system.categories
            for entry in register(session, category, today)
            if entry.expired or entry.expiring
        ],
    )


def mine(session: Session, user) -> list[Application]:
    organisation_ids = [
        m.organisation_id
        for m in user.active_memberships
        if policy.may_manage_solutions_for(user, m.organisation_id)
    ]
    if not organisation_ids:
        return []
    return list(
        session.scalars(
            sa.select(Application)
            .where(Application.organisation_id.in_(organisation_ids))
            .order_by(Application.submitted_at.desc())
        )
    )


@dataclass(frozen=True)
class RegisterEntry:
    admission: Admission
    expired: list[str]
    expiring: list[str]

    @property
    def invitable(self) -> bool:
        """Expired assurance suspends new call-off invitations until it is renewed."""
        return not self.expired


def register(
    session: Session, category: Category, today: date | None = None
) -> list[RegisterEntry]:
    today = today or uk_today()
    admissions = session.scalars(
        sa.select(Admission)
        .where(Admission.category_id == category.id, Admission.removed_at.is_(None))
        .options(selectinload(Admission.organisation), selectinload(Admission.application))
        .order_by(Admission.admitted_at)
    )
    entries = []
    for admission in admissions:
        expired, expiring = [], []
        for question in questions.BANK:
            if not question.expires:
                continue
            value = admission.application.answers.get(question.key)
            if not value:
                continue
            lapses = date.fromisoformat(value)
            if lapses <= today:
                expired.append(question.text)
            elif lapses <= today + EXPIRING_WITHIN:
                expiring.append(question.text)
        entries.append(RegisterEntry(admission, expired, expiring))
    return sorted(entries, key=lambda e: e.admission.organisation.name)


def register_csv(entries: list[RegisterEntry], category: Category) -> str:
    return csv_text(
        ["category", "supplier", "companies_house", "admitted_on", "assurance"],
        (
            [
                category.name,
                entry.admission.organisation.name,
                entry.admission.organisation.companies_house_number or "",
                entry.admission.admitted_at.date().isoformat(),
                "expired" if entry.expired else "expiring" if entry.expiring else "current",
            ]
            for entry in entries
        ),
    )


@dataclass(frozen=True)
class ListingView:
    listing: Listing
    evidence: list  # completed test beds evaluated as met or partly met


def listings(session: Session, category: Category | None = None, solution_id: int | None = None):
    """Current listings, each with the evaluated test beds behind it."""
    statement = sa.select(Listing).where(Listing.withdrawn_at.is_(None)).order_by(Listing.listed_at)
    if category is not None:
        statement = statement.where(Listing.category_id == category.id)
    if solution_id is not None:
        statement = statement.where(Listing.solution_id == solution_id)
    return [
        ListingView(listing, testbed_queries.evidence_for(session, listing.solution_id))
        for listing in session.scalars(statement)
    ]


def listable_solutions(session: Session, user, category: Category) -> list[Solution]:
    """The person's organisation's published solutions, if that organisation is admitted."""
    organisation_ids = [
        m.organisation_id
        for m in user.active_memberships
        if policy.may_manage_solutions_for(user, m.organisation_id)
    ]
    admitted = set(
        session.scalars(
            sa.select(Admission.organisation_id).where(
                Admission.category_id == category.id,
                Admission.removed_at.is_(None),
                Admission.organisation_id.in_(organisation_ids),
            )
        )
    )
    if not admitted:
        return []
    return list(
        session.scalars(
            sa.select(Solution)
            .where(Solution.organisation_id.in_(admitted), Solution.published_at.is_not(None))
            .order_by(Solution.title)
        )
    )
