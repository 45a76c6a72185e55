"""Test-bed agreements: a time-boxed trial of a solution in a service, its agreed terms (every
change kept as a version), both parties' signatures on one frozen version, and the measures it
is judged by."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenges.models import Challenge
from marketplace.accounts.models import Organisation, User
from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from marketplace.solutions.models import LabelledEnum, Solution


class AgreementStatus(LabelledEnum):
    DRAFT = "draft"
    NEGOTIATION = "negotiation"
    AWAITING_SIGNATURE = "awaiting_signature"
    SIGNED = "signed"
    LIVE = "live"
    EVALUATION = "evaluation"
    COMPLETED = "completed"
    TERMINATED = "terminated"


AgreementStatus.LABELS = {
    "draft": "Draft",
    "negotiation": "In negotiation",
    "awaiting_signature": "Awaiting signature",
    "signed": "Signed",
    "live": "Live",
    "evaluation": "Being evaluated",
    "completed": "Completed",
    "terminated": "Terminated early",
}


class Outcome(LabelledEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


Outcome.LABELS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}


class LawfulBasis(LabelledEnum):
    CARE = "care"
    RESEARCH = "research"
    LEGITIMATE_INTERESTS = "legitimate_interests"
    CONSENT = "consent"


LawfulBasis.LABELS = {
    "care": "Public task, for health or social care (UK GDPR 6(1)(e) and 9(2)(h))",
    "research": "Public task, for research (UK GDPR 6(1)(e) and 9(2)(j))",
    "legitimate_interests": "Legitimate interests (UK GDPR 6(1)(f) and 9(2)(h))",
    "consent": "Explicit consent (UK GDPR 6(1)(a) and 9(2)(a))",
}


class DpiaStatus(LabelledEnum):
    NOT_REQUIRED = "not_required"
    REQUIRED = "required"
    COMPLETED = "completed"


DpiaStatus.LABELS = {
    "not_required": "Not required (screened out)",
    "required": "Required, not yet completed",
    "completed": "Completed",
}


class IpArrangement(LabelledEnum):
    INNOVATOR_OWNS = "innovator_owns"
    HOST_OWNS_LICENSED = "host_owns_licensed"
    ASSIGNED_TO_INNOVATOR = "assigned_to_innovator"
    JOINT = "joint"


IpArrangement.LABELS = {
    "innovator_owns": "The innovator owns what arises; the host has a free licence to use it",
    "host_owns_licensed": "The host owns what arises and licenses it to the innovator",
    "assigned_to_innovator": "Assigned to the innovator, with a fair return to the host",
    "joint": "Owned jointly, shares agreed in writing",
}


class EvaluationKind(LabelledEnum):
    SERVICE_EVALUATION = "service_evaluation"
    RESEARCH = "research"


EvaluationKind.LABELS = {
    "service_evaluation": "Service evaluation",
    "research": "Research (needs Health Research Authority approval)",
}

# Written into every agreement, shown as signed, and not editable: testing is not buying.
NO_PURCHASE_CLAUSE = (
    "This agreement is for testing and evaluation only. It carries no commitment by the host "
    "organisation to purchase the solution. Any later purchase will follow the host's standing "
    "financial instructions and procurement rules, including competition where they require it."
)


class Agreement(TimestampMixin, Base):
    """The working copy of the terms, and where the agreement is in its lifecycle. Every saved
    change is also kept as an AgreementVersion; signatures are on one version."""

    __tablename__ = "testbed_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    host_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    innovator_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus, "agreement_status"), default=AgreementStatus.DRAFT
    )

    title: Mapped[str] = mapped_column(sa.String(200))
    host_site: Mapped[str | None] = mapped_column(sa.String(200))
    host_lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    innovator_lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    scope: Mapped[str | None] = mapped_column(sa.Text)
    milestones: Mapped[str | None] = mapped_column(sa.Text)
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    benefits_patients: Mapped[str | None] = mapped_column(sa.Text)
    benefits_service: Mapped[str | None] = mapped_column(sa.Text)
    benefits_innovator: Mapped[str | None] = mapped_column(sa.Text)
    costs: Mapped[str | None] = mapped_column(sa.Text)
    in_kind: Mapped[str | None] = mapped_column(sa.Text)
    liability_insurance: Mapped[str | None] = mapped_column(sa.Text)
    patient_data: Mapped[bool | None] = mapped_column()
    lawful_basis: Mapped[LawfulBasis | None] = mapped_column(
        enum_column(LawfulBasis, "lawful_basis")
    )
    dpia_status: Mapped[DpiaStatus | None] = mapped_column(enum_column(DpiaStatus, "dpia_status"))
    dpia_completed_on: Mapped[date | None] = mapped_column(sa.Date)
    data_sharing: Mapped[str | None] = mapped_column(sa.Text)
    supplier_safety_case: Mapped[bool | None] = mapped_column()  # DCB0129 clinical safety case
    host_safety_assessment: Mapped[bool | None] = mapped_column()  # DCB0160 assessment
    supplier_safety_officer: Mapped[str | None] = mapped_column(sa.String(200))
    host_safety_officer: Mapped[str | None] = mapped_column(sa.String(200))
    ip_arrangement: Mapped[IpArrangement | None] = mapped_column(
        enum_column(IpArrangement, "ip_arrangement")
    )
    ip_terms: Mapped[str | None] = mapped_column(sa.Text)
    evaluation_kind: Mapped[EvaluationKind | None] = mapped_column(
        enum_column(EvaluationKind, "evaluation_kind")
    )
    evaluation_plan: Mapped[str | None] = mapped_column(sa.Text)
    exit_plan: Mapped[str | None] = mapped_column(sa.Text)
    public_summary: Mapped[str | None] = mapped_column(sa.Text)

    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    live_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evaluation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, "outcome"))
    evaluation_summary: Mapped[str | None] = mapped_column(sa.Text)
    termination_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The adoption-register entry the trial created when it went live.
    adoption_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adoptions.id"))
    version: Mapped[int] = mapped_column(default=1)

    challenge: Mapped[Challenge] = relationship()
    solution: Mapped[Solution] = relationship()
    host_organisation: Mapped[Organisation] = relationship(foreign_keys=[host_organisation_id])
    innovator_organisation: Mapped[Organisation] = relationship(
        foreign_keys=[innovator_organisation_id]
    )
    host_lead: Mapped[User | None] = relationship(foreign_keys=[host_lead_id])
    innovator_lead: Mapped[User | None] = relationship(foreign_keys=[innovator_lead_id])
    measures: Mapped[list[Measure]] = relationship(
        back_populates="agreement", order_by="Measure.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[AgreementVersion]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.number"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="agreement", order_by="Signature.signed_at"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date > start_date",
            name="ends_after_it_starts",
        ),
        sa.CheckConstraint("host_organisation_id != innovator_organisation_id", name="two_parties"),
        sa.CheckConstraint(
            "status != 'completed' OR outcome IS NOT NULL", name="completed_has_outcome"
        ),
        # One running agreement per challenge and solution, even if "draft" is pressed twice.
        sa.Index(
            "uq_testbed_agreements_one_running",
            "challenge_id",
            "solution_id",
            unique=True,
            sqlite_where=sa.text("status NOT IN ('completed', 'terminated')"),
            postgresql_where=sa.text("status NOT IN ('completed', 'terminated')"),
        ),
    )

    @property
    def current_version(self) -> AgreementVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def signed_version(self) -> AgreementVersion | None:
        """The latest version both parties signed."""
        signed = [v for v in self.versions if v.signed_at is not None]
        return signed[-1] if signed else None


class AgreementVersion(Base):
    """The terms and measures exactly as they stood after one change. Never edited: a signed
    version is what was signed."""

    __tablename__ = "testbed_agreement_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("testbed_agreements.id"), index=True)
    number: Mapped[int]
    terms: Mapped[dict] = mapped_column(sa.JSON)
    measures: Mapped[list] = mapped_column(sa.JSON)
    change: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    created_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "number", name="uq_testbed_versions_number"),
    )


class Signature(Base):
    """One party's signature on one version, by someone with authority in that party."""

    __tablename__ = "testbed_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("testbed_agreements.id"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("testbed_agreement_versions.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    signed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    version: Mapped[AgreementVersion] = relationship()
    organisation: Mapped[Organisation] = relationship()
    signed_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("version_id", "organisation_id", name="uq_testbed_signatures_once"),
    )


class Measure(Base):
    """One measure of the evaluation plan: agreed before the trial, its actual value recorded
    during or after it."""

    __tablename__ = "testbed_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("testbed_agreements.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(60))
    baseline: Mapped[float | None]
    target: Mapped[float]
    how_collected: Mapped[str] = mapped_column(sa.String(500))
    collected_by: Mapped[str] = mapped_column(sa.String(200))
    actual: Mapped[float | None]
    actual_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actual_note: Mapped[str | None] = mapped_column(sa.String(1000))

    agreement: Mapped[Agreement] = relationship(back_populates="measures")
