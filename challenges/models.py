"""Challenges: a service's need, in its own words, with evidence, outcomes and constraints."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organisation, User
from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column, uk_today


class SolutionStageWanted(enum.StrEnum):
    EARLY_IDEA = "early_idea"
    PROTOTYPE = "prototype"
    PILOTED = "piloted"
    EVIDENCED = "evidenced"
    DEPLOYABLE_NOW = "deployable_now"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    SolutionStageWanted.EARLY_IDEA: "Early ideas welcome",
    SolutionStageWanted.PROTOTYPE: "A working prototype or better",
    SolutionStageWanted.PILOTED: "Piloted somewhere already",
    SolutionStageWanted.EVIDENCED: "With evidence of benefit",
    SolutionStageWanted.DEPLOYABLE_NOW: "Deployable now",
}


class EvidenceTierWanted(enum.StrEnum):
    """The NICE Evidence Standards Framework tier whose evidence a solution must meet: tier C
    asks the most (it treats, diagnoses or guides care), tier A the least."""

    A = "a"
    B = "b"
    C = "c"

    @property
    def label(self) -> str:
        return EVIDENCE_TIER_LABELS[self]


EVIDENCE_TIER_LABELS = {
    EvidenceTierWanted.A: "Tier A: saves costs or staff time, or improves efficiency",
    EvidenceTierWanted.B: "Tier B: helps people manage their own health and wellness",
    EvidenceTierWanted.C: "Tier C: treats, diagnoses or guides care",
}


class AssuranceWanted(enum.StrEnum):
    """Assurance a service can require of a solution before it is tested or bought."""

    DTAC = "dtac"
    DSPT = "dspt"
    DEVICE_CLASS = "device_class"

    @property
    def label(self) -> str:
        return ASSURANCE_LABELS[self]


ASSURANCE_LABELS = {
    AssuranceWanted.DTAC: "A passed Digital Technology Assessment Criteria (DTAC) assessment",
    AssuranceWanted.DSPT: "Data Security and Protection Toolkit standards met or exceeded",
    AssuranceWanted.DEVICE_CLASS: "Its medical device class stated (or that it is not a device)",
}


class BudgetRange(enum.StrEnum):
    NOT_KNOWN = "not_known"
    UNDER_10K = "under_10k"
    FROM_10K_TO_50K = "10k_50k"
    FROM_50K_TO_250K = "50k_250k"
    OVER_250K = "over_250k"

    @property
    def label(self) -> str:
        return BUDGET_LABELS[self]


BUDGET_LABELS = {
    BudgetRange.NOT_KNOWN: "Not known yet",
    BudgetRange.UNDER_10K: "Under £10,000",
    BudgetRange.FROM_10K_TO_50K: "£10,000 to £50,000",
    BudgetRange.FROM_50K_TO_250K: "£50,000 to £250,000",
    BudgetRange.OVER_250K: "Over £250,000",
}


challenge_themes = sa.Table(
    "challenge_themes",
    Base.metadata,
    sa.Column("challenge_id", sa.ForeignKey("challenges.id"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id"), primary_key=True),
)


class Theme(Base):
    """A broad area of need; the innovation team keeps the list. Retired themes stay on old
    challenges but cannot be chosen for new ones."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Challenge(TimestampMixin, Base):
    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(150))
    need: Mapped[str | None] = mapped_column(sa.Text)
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    evidence_source: Mapped[str | None] = mapped_column(sa.String(300))
    affected: Mapped[str | None] = mapped_column(sa.Text)
    outcomes: Mapped[str | None] = mapped_column(sa.Text)
    setting: Mapped[str | None] = mapped_column(sa.Text)
    integration: Mapped[str | None] = mapped_column(sa.Text)
    information_governance: Mapped[str | None] = mapped_column(sa.Text)
    budget_range: Mapped[BudgetRange | None] = mapped_column(
        enum_column(BudgetRange, "budget_range")
    )
    priority: Mapped[str | None] = mapped_column(sa.String(200))
    sites: Mapped[str | None] = mapped_column(sa.String(500))
    closing_date: Mapped[date | None] = mapped_column(sa.Date)
    stage_wanted: Mapped[SolutionStageWanted | None] = mapped_column(
        enum_column(SolutionStageWanted, "solution_stage_wanted")
    )
    # What the service requires a solution to show: fits say which of these it does not yet.
    evidence_tier_wanted: Mapped[EvidenceTierWanted | None] = mapped_column(
        enum_column(EvidenceTierWanted, "evidence_tier_wanted")
    )
    wants_dtac: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    wants_dspt: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    wants_device_class: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comments: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The service asked for a selection panel to score the responses (issue 7).
    panel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=challenge_themes, order_by=Theme.name)

    @property
    def assurance_wanted(self) -> list[str]:
        """The assurance required, as the form and the API name it."""
        return [a.value for a in AssuranceWanted if getattr(self, f"wants_{a.value}")]

    @property
    def assurance_wanted_labels(self) -> list[str]:
        return [AssuranceWanted(a).label for a in self.assurance_wanted]

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "published_at IS NULL OR submitted_at IS NOT NULL", name="published_after_review"
        ),
    )

    @hybrid_property
    def status(self) -> str:
        """Derived from the lifecycle timestamps; a published challenge past its closing date
        reads as closed even before anyone closes it."""
        if self.withdrawn_at:
            return "withdrawn"
        if self.archived_at:
            return "archived"
        if self.closed_at:
            return "closed"
        if self.published_at:
            if self.closing_date and self.closing_date < uk_today():
                return "closed"
            return "open"
        if self.submitted_at:
            return "submitted"
        return "draft"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls) -> sa.ColumnElement[str]:
        """The same rule in SQL, so that counts by status are made in the database."""
        return sa.case(
            (cls.withdrawn_at.is_not(None), "withdrawn"),
            (cls.archived_at.is_not(None), "archived"),
            (cls.closed_at.is_not(None), "closed"),
            (
                sa.and_(cls.published_at.is_not(None), cls.closing_date < uk_today()),
                "closed",
            ),
            (cls.published_at.is_not(None), "open"),
            (cls.submitted_at.is_not(None), "submitted"),
            else_="draft",
        )

    @property
    def was_returned(self) -> bool:
        return self.status == "draft" and self.returned_at is not None


class Response(Base):
    """An innovator offering one of their published solutions to a challenge, with a pitch."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    pitch: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shortlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    challenge: Mapped[Challenge] = relationship()
    solution = relationship("Solution")
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "solution_id", name="uq_responses_challenge_solution"),
        sa.CheckConstraint(
            "declined_at IS NULL OR decision_reason IS NOT NULL", name="declined_with_reason"
        ),
    )

    @hybrid_property
    def status(self) -> str:
        if self.declined_at:
            return "not_taken_forward"
        if self.shortlisted_at:
            return "shortlisted"
        return "submitted"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls) -> sa.ColumnElement[str]:
        """The same rule in SQL, so that counts by status are made in the database."""
        return sa.case(
            (cls.declined_at.is_not(None), "not_taken_forward"),
            (cls.shortlisted_at.is_not(None), "shortlisted"),
            else_="submitted",
        )

    @property
    def status_label(self) -> str:
        return RESPONSE_STATUS_LABELS[self.status]


RESPONSE_STATUS_LABELS = {
    "submitted": "Awaiting a decision",
    "shortlisted": "Shortlisted",
    "not_taken_forward": "Not taken forward",
}
