"""Purchasing systems, their categories and selection rules, and suppliers' applications,
answers and admissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation, User
from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from marketplace.solutions.models import LabelledEnum, Solution


class Regime(LabelledEnum):
    PCR_2015 = "pcr2015"
    PA_2023 = "pa2023"


Regime.LABELS = {
    "pcr2015": "Public Contracts Regulations 2015: dynamic purchasing system",
    "pa2023": "Procurement Act 2023: dynamic market",
}


@dataclass(frozen=True)
class RegimeRules:
    """Timings and wording a legal regime gives a purchasing system. Data, not code paths."""

    name: str
    category: str
    decision_days: int  # working days to decide a request to participate
    extended_days: int  # the longest the decision may be extended to, with a reason
    min_tender_days: int  # calendar days a call-off must stay open


REGIME_RULES = {
    # Reg. 34: decide within 10 working days, 15 where justified; tenders open ≥ 10 days.
    Regime.PCR_2015: RegimeRules("dynamic purchasing system", "category", 10, 15, 10),
    # The Act asks for a "reasonable period"; the partnership holds itself to the same timings.
    Regime.PA_2023: RegimeRules("dynamic market", "part", 10, 15, 10),
}


class PurchasingSystem(TimestampMixin, Base):
    __tablename__ = "purchasing_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    regime: Mapped[Regime] = mapped_column(enum_column(Regime, "regime"))
    scope: Mapped[str] = mapped_column(sa.Text)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)

    organisation: Mapped[Organisation] = relationship()
    categories: Mapped[list[Category]] = relationship(
        back_populates="system", order_by="Category.name"
    )
    questions: Mapped[list[SelectionQuestion]] = relationship(
        back_populates="system", order_by="SelectionQuestion.id"
    )

    __table_args__ = (
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_it_starts"),
        sa.UniqueConstraint("title", name="uq_purchasing_systems_title"),
    )

    @property
    def rules(self) -> RegimeRules:
        return REGIME_RULES[self.regime]

    def is_open(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


class Category(Base):
    """An objectively defined part of the system that suppliers apply to."""

    __tablename__ = "dps_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("purchasing_systems.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    definition: Mapped[str] = mapped_column(sa.Text)

    system: Mapped[PurchasingSystem] = relationship(back_populates="categories")

    __table_args__ = (sa.UniqueConstraint("system_id", "name", name="uq_dps_categories_name"),)


class SelectionQuestion(Base):
    """One question of the bank as this system asks it, with its pass rule (None: assessed by
    an officer)."""

    __tablename__ = "dps_selection_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("purchasing_systems.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(60))
    rule: Mapped[dict | None] = mapped_column(sa.JSON)

    system: Mapped[PurchasingSystem] = relationship(back_populates="questions")

    __table_args__ = (sa.UniqueConstraint("system_id", "key", name="uq_dps_questions_key"),)


class ApplicationStatus(LabelledEnum):
    SUBMITTED = "submitted"
    MORE_INFORMATION = "more_information"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ApplicationStatus.LABELS = {
    "submitted": "Awaiting a decision",
    "more_information": "More information requested",
    "admitted": "Admitted",
    "rejected": "Not admitted",
    "withdrawn": "Withdrawn",
}

application_categories = sa.Table(
    "dps_application_categories",
    Base.metadata,
    sa.Column("application_id", sa.ForeignKey("dps_applications.id"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("dps_categories.id"), primary_key=True),
)


class Application(Base):
    """A supplier's request to join one or more categories. Decided within the regime's
    working days of submission (or of the supplier's answer to a request for information)."""

    __tablename__ = "dps_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("purchasing_systems.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status")
    )
    answers: Mapped[dict] = mapped_column(sa.JSON)
    due_on: Mapped[date] = mapped_column(sa.Date)
    extended_to: Mapped[date | None] = mapped_column(sa.Date)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    information_request: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    system: Mapped[PurchasingSystem] = relationship()
    organisation: Mapped[Organisation] = relationship()
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    categories: Mapped[list[Category]] = relationship(
        secondary=application_categories, order_by=Category.name
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    def is_overdue(self, today: date) -> bool:
        return self.status == ApplicationStatus.SUBMITTED and today > self.deadline


class Admission(Base):
    """A supplier on a category's register. At most one current admission per supplier and
    category, enforced by a partial unique index."""

    __tablename__ = "dps_admissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_categories.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_applications.id"))
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    category: Mapped[Category] = relationship()
    application: Mapped[Application] = relationship()

    __table_args__ = (
        sa.Index(
            "uq_dps_admissions_current",
            "organisation_id",
            "category_id",
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        ),
    )


class Listing(Base):
    """An admitted supplier's product in a category, with its commercial terms. Shown with the
    evaluated test beds behind it."""

    __tablename__ = "dps_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_categories.id"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    listed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    price: Mapped[str] = mapped_column(sa.Text)
    terms: Mapped[str] = mapped_column(sa.Text)
    service_levels: Mapped[str] = mapped_column(sa.Text)
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    category: Mapped[Category] = relationship()
    solution: Mapped[Solution] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.Index(
            "uq_dps_listings_current",
            "category_id",
            "solution_id",
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        ),
    )
