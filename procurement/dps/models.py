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


class CallOff(TimestampMixin, Base):
    """A buyer's competition among the suppliers admitted to one category. Bids are sealed
    until it closes; exactly one award, enforced by the database."""

    __tablename__ = "dps_call_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_categories.id"), index=True)
    buyer_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    requirement: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())

    category: Mapped[Category] = relationship()
    buyer_organisation: Mapped[Organisation] = relationship()
    criteria: Mapped[list[AwardCriterion]] = relationship(
        back_populates="call_off", order_by="AwardCriterion.id"
    )
    invitations: Mapped[list[Invitation]] = relationship(back_populates="call_off")
    bids: Mapped[list[Bid]] = relationship(back_populates="call_off", order_by="Bid.id")
    clarifications: Mapped[list[Clarification]] = relationship(
        back_populates="call_off", order_by="Clarification.id"
    )
    award: Mapped[Award | None] = relationship(back_populates="call_off")

    def is_closed(self, now: datetime) -> bool:
        return now >= self.closes_at


class AwardCriterion(Base):
    __tablename__ = "dps_award_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_call_offs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    weight: Mapped[int]  # percent; a call-off's weights add up to 100

    call_off: Mapped[CallOff] = relationship(back_populates="criteria")

    __table_args__ = (sa.CheckConstraint("weight > 0 AND weight <= 100", name="weight_percent"),)


class Invitation(Base):
    __tablename__ = "dps_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_call_offs.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call_off: Mapped[CallOff] = relationship(back_populates="invitations")
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("call_off_id", "organisation_id", name="uq_dps_invitations_once"),
    )


class Clarification(Base):
    """A bidder's question and the buyer's answer, published to every bidder without saying
    who asked."""

    __tablename__ = "dps_clarifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_call_offs.id"), index=True)
    asked_by_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    question: Mapped[str] = mapped_column(sa.Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call_off: Mapped[CallOff] = relationship(back_populates="clarifications")


class Bid(Base):
    __tablename__ = "dps_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_call_offs.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    price: Mapped[int]  # whole pounds
    proposal: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call_off: Mapped[CallOff] = relationship(back_populates="bids")
    organisation: Mapped[Organisation] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="bid")

    __table_args__ = (
        sa.UniqueConstraint("call_off_id", "organisation_id", name="uq_dps_bids_one_each"),
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
    )


class Score(Base):
    __tablename__ = "dps_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_bids.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_award_criteria.id"))
    score: Mapped[int]  # 0 to 10
    scored_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bid: Mapped[Bid] = relationship(back_populates="scores")
    criterion: Mapped[AwardCriterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("bid_id", "criterion_id", name="uq_dps_scores_once"),
        sa.CheckConstraint("score >= 0 AND score <= 10", name="score_scale"),
    )


class Award(Base):
    """The one award of a call-off: the unique call-off id makes a second award impossible,
    however two officers race."""

    __tablename__ = "dps_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_off_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_call_offs.id"))
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("dps_bids.id"))
    contract_value: Mapped[int]
    reasons: Mapped[str] = mapped_column(sa.Text)
    awarded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call_off: Mapped[CallOff] = relationship(back_populates="award")
    bid: Mapped[Bid] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("call_off_id", name="uq_dps_awards_one_per_call_off"),
        sa.CheckConstraint("contract_value >= 0", name="value_not_negative"),
    )
