"""Cohorts, applications to them, selection panels (always with a patient or public member),
reviewers' independent scores and declared conflicts of interest."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from marketplace.solutions.models import LabelledEnum


class Cohort(TimestampMixin, Base):
    """One year's fellowship: its stages and published criteria (name and weight)."""

    __tablename__ = "fellowship_cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    themes: Mapped[str] = mapped_column(sa.Text)
    eligibility: Mapped[str] = mapped_column(sa.Text)
    places: Mapped[int]
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    stages: Mapped[list] = mapped_column(sa.JSON)
    criteria: Mapped[list] = mapped_column(sa.JSON)  # [{"name": …, "weight": …}]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint("closes_on > opens_on", name="closes_after_it_opens"),
        sa.CheckConstraint("places > 0", name="has_places"),
    )


class IdeaStage(LabelledEnum):
    CONCEPT = "concept"
    PROTOTYPE = "prototype"
    TESTED = "tested"
    MARKETABLE = "marketable"


IdeaStage.LABELS = {
    "concept": "Concept",
    "prototype": "Prototype",
    "tested": "Tested in practice",
    "marketable": "Marketable product",
}


class ApplicationOutcome(LabelledEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


ApplicationOutcome.LABELS = {"accepted": "Accepted", "declined": "Not accepted"}


class FellowshipApplication(Base):
    __tablename__ = "fellowship_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_cohorts.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    problem: Mapped[str] = mapped_column(sa.Text)
    idea: Mapped[str] = mapped_column(sa.Text)
    idea_stage: Mapped[IdeaStage] = mapped_column(enum_column(IdeaStage, "idea_stage"))
    service: Mapped[str] = mapped_column(sa.String(300))
    support_needed: Mapped[str] = mapped_column(sa.Text)
    challenge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("challenges.id"))
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solutions.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[ApplicationOutcome | None] = mapped_column(
        enum_column(ApplicationOutcome, "application_outcome")
    )
    outcome_reasons: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship()
    applicant: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "applicant_id", name="uq_fellowship_applications_once"),
    )


class Panel(Base):
    __tablename__ = "fellowship_panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(150))
    formed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[PanelMember]] = relationship(back_populates="panel")


class PanelMember(Base):
    __tablename__ = "fellowship_panel_members"

    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_panels.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    patient_or_public: Mapped[bool]

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Review(Base):
    """One reviewer's assignment to one application: a declared conflict recuses them; their
    scores stay private to them until they submit."""

    __tablename__ = "fellowship_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fellowship_applications.id"), index=True
    )
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_panels.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    scores: Mapped[dict | None] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    conflict: Mapped[str | None] = mapped_column(sa.Text)

    application: Mapped[FellowshipApplication] = relationship()
    reviewer: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_fellowship_reviews_once"),
    )

    @property
    def recused(self) -> bool:
        return self.conflict is not None
