"""The read side: systems, an officer's queue, a supplier's applications, and the public
register of admitted suppliers with the state of their expiring assurance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace.accounts import policy
from marketplace.accounts.models import Organisation
from marketplace.accounts.search import KIND as ORGANISATION
from marketplace.csv_export import csv_text
from marketplace.db import uk_today
from marketplace.pagination import Page, paginate
from marketplace.search.listing import Results, search_listing
from marketplace.search.query import SearchQuery
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
        assurance=lapsing(session, system, today),
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
    """Every supplier admitted to the category, by name: whom a call-off invites."""
    today = today or uk_today()
    admissions = session.scalars(
        _admitted(category)
        .options(selectinload(Admission.organisation), selectinload(Admission.application))
        .order_by(Organisation.name, Admission.id)
    )
    return [entry_for(admission, today) for admission in admissions]


def register_page(
    session: Session, category: Category, text: str | None, page: int = 1, per_page: int = 50
) -> Results:
    """One page of the public register, searched by supplier name or number."""
    today = uk_today()
    found = search_listing(
        session,
        _admitted(category).options(
            selectinload(Admission.organisation), selectinload(Admission.application)
        ),
        kind=ORGANISATION,
        id_column=Admission.organisation_id,
        query=SearchQuery.parse(text),
        order=(Organisation.name, Admission.id),
        page=page,
        per_page=per_page,
        ref=lambda admission: admission.organisation_id,
    )
    entries = [entry_for(admission, today) for admission in found.page.items]
    return replace(found, page=replace(found.page, items=entries))


def _admitted(category: Category) -> sa.Select:
    return (
        sa.select(Admission)
        .join(Organisation, Organisation.id == Admission.organisation_id)
        .where(Admission.category_id == category.id, Admission.removed_at.is_(None))
    )


def entry_for(admission: Admission, today: date) -> RegisterEntry:
    """The admission with the assurance it has let lapse, or will within the month."""
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
    return RegisterEntry(admission, expired, expiring)


def lapsing(session: Session, system: PurchasingSystem, today: date) -> list[RegisterEntry]:
    """Admissions whose assurance has lapsed or lapses within the month, found by the
    database (dates are stored as ISO text in the answers, so they compare as text)."""
    horizon = (today + EXPIRING_WITHIN).isoformat()
    answers = [Application.answers[q.key].as_string() for q in questions.BANK if q.expires]
    admissions = session.scalars(
        sa.select(Admission)
        .join(Application, Application.id == Admission.application_id)
        .join(Category, Category.id == Admission.category_id)
        .join(Organisation, Organisation.id == Admission.organisation_id)
        .where(
            Category.system_id == system.id,
            Admission.removed_at.is_(None),
            sa.or_(*(sa.and_(a != "", a <= horizon) for a in answers)),
        )
        .options(
            selectinload(Admission.organisation),
            selectinload(Admission.application),
            selectinload(Admission.category),
        )
        .order_by(Category.name, Organisation.name, Admission.id)
    )
    return [entry_for(admission, today) for admission in admissions]


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


def listings(
    session: Session, category: Category | None = None, solution_id: int | None = None
) -> list[ListingView]:
    """Current listings, each with the evaluated test beds behind it."""
    statement = (
        sa.select(Listing)
        .where(Listing.withdrawn_at.is_(None))
        .options(selectinload(Listing.solution), selectinload(Listing.organisation))
        .order_by(Listing.listed_at, Listing.id)
    )
    if category is not None:
        statement = statement.where(Listing.category_id == category.id)
    if solution_id is not None:
        statement = statement.where(Listing.solution_id == solution_id)
    return _with_evidence(session, list(session.scalars(statement)))


def listings_page(session: Session, category: Category, page: int = 1, per_page: int = 20) -> Page:
    """One page of a category's current listings, oldest first, with their evidence."""
    found = paginate(
        session,
        sa.select(Listing)
        .where(Listing.withdrawn_at.is_(None), Listing.category_id == category.id)
        .options(selectinload(Listing.solution), selectinload(Listing.organisation))
        .order_by(Listing.listed_at, Listing.id),
        page,
        per_page,
    )
    return replace(found, items=_with_evidence(session, found.items))


def _with_evidence(session: Session, listings: list[Listing]) -> list[ListingView]:
    evidence = testbed_queries.evidence_for_solutions(session, [x.solution_id for x in listings])
    return [ListingView(x, evidence.get(x.solution_id, [])) for x in listings]


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
