"""Cohorts, applications to them, selection panels (always with a patient or public member),
reviewers' independent scores and declared conflicts of interest; and, once selected, fellows
with mentors, milestones, progress updates and learning sessions.

The same panels also score responses to a challenge when its service asks for one: a panel
belongs to a cohort or to a challenge, and a review is of an application or of a response."""

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
    stages: Mapped[list] = mapped_column(sa.JSON)  # [{"name": …, "ends_on": "YYYY-MM-DD"|None}]
    criteria: Mapped[list] = mapped_column(sa.JSON)  # [{"name": …, "weight": …}]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    def stage_list(self) -> list[dict]:
        """Every stage as {"name", "ends_on": date or None}; the first cohorts stored bare
        names, and both shapes read the same."""
        found = []
        for stage in self.stages or []:
            stage = {"name": stage} if isinstance(stage, str) else stage
            ends_on = stage.get("ends_on")
            found.append(
                {"name": stage["name"], "ends_on": date.fromisoformat(ends_on) if ends_on else None}
            )
        return found

    def status(self, today: date) -> str:
        """ "upcoming", "open" (taking applications on ``today``) or "closed"."""
        if today < self.opens_on:
            return "upcoming"
        if today > self.closes_on:
            return "closed"
        return "open"

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
    # Index into the cohort's stages: where the application stands in the staged selection.
    stage_index: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship()
    applicant: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "applicant_id", name="uq_fellowship_applications_once"),
        sa.CheckConstraint("stage_index >= 0", name="stage_index_not_negative"),
    )


class Panel(Base):
    """A cohort's selection panel, or a challenge's panel scoring responses (with criteria of
    its own, since a challenge has no published fellowship criteria)."""

    __tablename__ = "fellowship_panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fellowship_cohorts.id"), index=True
    )
    # One panel per challenge: the unique index holds even when two people form one at once.
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenges.id"), index=True, unique=True
    )
    criteria: Mapped[list | None] = mapped_column(sa.JSON)  # challenge panels only
    name: Mapped[str] = mapped_column(sa.String(150))
    formed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[PanelMember]] = relationship(back_populates="panel")

    __table_args__ = (
        sa.CheckConstraint(
            "(cohort_id IS NULL) <> (challenge_id IS NULL)", name="for_a_cohort_or_a_challenge"
        ),
    )


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
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fellowship_applications.id"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("responses.id"), index=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_panels.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    scores: Mapped[dict | None] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    conflict: Mapped[str | None] = mapped_column(sa.Text)
    # Scores are final once given: of two submissions at once, the second is a Conflict.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    application: Mapped[FellowshipApplication | None] = relationship()
    response = relationship("Response")
    panel: Mapped[Panel] = relationship()
    reviewer: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_fellowship_reviews_once"),
        sa.UniqueConstraint(
            "response_id", "reviewer_id", name="uq_fellowship_reviews_response_once"
        ),
        sa.CheckConstraint(
            "(application_id IS NULL) <> (response_id IS NULL)",
            name="of_an_application_or_a_response",
        ),
    )

    @property
    def recused(self) -> bool:
        return self.conflict is not None


class FellowStatus(LabelledEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


FellowStatus.LABELS = {"active": "Active", "completed": "Completed", "withdrawn": "Withdrawn"}


class Fellow(TimestampMixin, Base):
    """A selected applicant's place in a cohort. A fellow carrying on into a later cohort gets a
    new place that points back at the earlier one, so their history moves with them."""

    __tablename__ = "fellowship_fellows"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fellowship_applications.id"))
    continues_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fellowship_fellows.id"))
    year_of_fellowship: Mapped[int] = mapped_column(default=1, server_default="1")
    # Indexed: the navigation asks on every page whether someone mentors anyone.
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solutions.id"))
    status: Mapped[FellowStatus] = mapped_column(
        enum_column(FellowStatus, "fellow_status"), default=FellowStatus.ACTIVE
    )
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    application: Mapped[FellowshipApplication | None] = relationship()
    continues_from: Mapped[Fellow | None] = relationship(remote_side=[id])
    solution = relationship("Solution")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="fellow", order_by="Milestone.due_on, Milestone.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "user_id", name="uq_fellowship_fellows_once_per_cohort"),
        sa.CheckConstraint("mentor_id IS NULL OR mentor_id <> user_id", name="mentor_not_self"),
        sa.CheckConstraint("year_of_fellowship >= 1", name="year_from_one"),
    )


class Milestone(Base):
    __tablename__ = "fellowship_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    fellow_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_fellows.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date] = mapped_column(sa.Date)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fellow: Mapped[Fellow] = relationship(back_populates="milestones")

    def overdue(self, today: date) -> bool:
        return self.completed_on is None and self.due_on < today


class ProgressUpdate(Base):
    """What a fellow (or their mentor, or the team) reports, optionally against a milestone."""

    __tablename__ = "fellowship_progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    fellow_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_fellows.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fellowship_milestones.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship()
    milestone: Mapped[Milestone | None] = relationship()


class LearningSession(Base):
    __tablename__ = "fellowship_learning_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_cohorts.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date] = mapped_column(sa.Date)
    description: Mapped[str | None] = mapped_column(sa.Text)

    cohort: Mapped[Cohort] = relationship()


class Attendance(Base):
    __tablename__ = "fellowship_attendance"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fellowship_learning_sessions.id"), primary_key=True
    )
    fellow_id: Mapped[int] = mapped_column(sa.ForeignKey("fellowship_fellows.id"), primary_key=True)
    attended: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    fellow: Mapped[Fellow] = relationship()
