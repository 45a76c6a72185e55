"""Solutions: a product or idea, its maturity and evidence, and the assurance buyers check."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenges.models import Theme
from marketplace.accounts.models import Organisation, User
from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column


class LabelledEnum(enum.StrEnum):
    """An enum whose members read well on a page: ``LABELS`` maps each value to its label."""

    @property
    def label(self) -> str:
        return self.LABELS[self.value]  # type: ignore[attr-defined]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Maturity(LabelledEnum):
    IDEA = "idea"
    PROTOTYPE = "prototype"
    PILOTED = "piloted"
    EVIDENCE = "evidence"
    MARKET_READY = "market_ready"


Maturity.LABELS = {
    "idea": "Idea",
    "prototype": "Prototype",
    "piloted": "Piloted",
    "evidence": "Evidence of benefit",
    "market_ready": "Market-ready",
}


class CareSetting(LabelledEnum):
    HOSPITAL = "hospital"
    COMMUNITY = "community"
    PRIMARY_CARE = "primary_care"
    HOME = "home"
    CARE_HOME = "care_home"
    MENTAL_HEALTH = "mental_health"
    SOCIAL_CARE = "social_care"


CareSetting.LABELS = {
    "hospital": "Hospital",
    "community": "Community health services",
    "primary_care": "General practice and primary care",
    "home": "People's homes",
    "care_home": "Care homes",
    "mental_health": "Mental health services",
    "social_care": "Social care",
}


class DeviceClass(LabelledEnum):
    NOT_A_DEVICE = "not_a_device"
    CLASS_I = "class_i"
    CLASS_IIA = "class_iia"
    CLASS_IIB = "class_iib"
    CLASS_III = "class_iii"


DeviceClass.LABELS = {
    "not_a_device": "Not a medical device",
    "class_i": "Class I",
    "class_iia": "Class IIa",
    "class_iib": "Class IIb",
    "class_iii": "Class III",
}


class DtacStatus(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"


DtacStatus.LABELS = {"not_started": "Not started", "in_progress": "In progress", "passed": "Passed"}


class DsptStatus(LabelledEnum):
    NOT_PUBLISHED = "not_published"
    APPROACHING = "approaching"
    MET = "met"
    EXCEEDED = "exceeded"


DsptStatus.LABELS = {
    "not_published": "Not published",
    "approaching": "Approaching standards",
    "met": "Standards met",
    "exceeded": "Standards exceeded",
}


class CyberEssentials(LabelledEnum):
    NONE = "none"
    BASIC = "basic"
    PLUS = "plus"


CyberEssentials.LABELS = {
    "none": "None",
    "basic": "Cyber Essentials",
    "plus": "Cyber Essentials Plus",
}


class EsfTier(LabelledEnum):
    NOT_APPLICABLE = "not_applicable"
    A = "a"
    B = "b"
    C = "c"


EsfTier.LABELS = {"not_applicable": "Not assessed", "a": "Tier A", "b": "Tier B", "c": "Tier C"}


solution_themes = sa.Table(
    "solution_themes",
    Base.metadata,
    sa.Column("solution_id", sa.ForeignKey("solutions.id"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id"), primary_key=True),
)


class SolutionCareSetting(Base):
    __tablename__ = "solution_care_settings"

    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), primary_key=True)
    setting: Mapped[CareSetting] = mapped_column(
        enum_column(CareSetting, "care_setting"), primary_key=True
    )


PUBLISHED = "published_at IS NOT NULL AND withdrawn_at IS NULL"
ON_CATALOGUE = f"{PUBLISHED} AND maturity = 'market_ready'"
CATALOGUE_COLUMNS = (
    "title",
    "id",
    "esf_tier",
    "device_class",
    "dtac_status",
    "dspt_status",
    "cyber_essentials",
    "dcb0129_in_place",
    "dspt_expiry",
    "cyber_essentials_expiry",
)


class Solution(TimestampMixin, Base):
    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Overview
    title: Mapped[str] = mapped_column(sa.String(150))
    summary: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    audience: Mapped[str | None] = mapped_column(sa.Text)
    # Maturity and evidence
    maturity: Mapped[Maturity | None] = mapped_column(enum_column(Maturity, "maturity"))
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    evidence_sites: Mapped[str | None] = mapped_column(sa.String(500))
    # Assurance
    device_class: Mapped[DeviceClass | None] = mapped_column(
        enum_column(DeviceClass, "device_class")
    )
    device_marking: Mapped[str | None] = mapped_column(sa.String(100))
    dtac_status: Mapped[DtacStatus | None] = mapped_column(enum_column(DtacStatus, "dtac_status"))
    dtac_date: Mapped[date | None] = mapped_column(sa.Date)
    dcb0129_in_place: Mapped[bool | None] = mapped_column()
    clinical_safety_officer: Mapped[str | None] = mapped_column(sa.String(200))
    dcb0129_date: Mapped[date | None] = mapped_column(sa.Date)
    dspt_status: Mapped[DsptStatus | None] = mapped_column(enum_column(DsptStatus, "dspt_status"))
    dspt_date: Mapped[date | None] = mapped_column(sa.Date)
    dspt_expiry: Mapped[date | None] = mapped_column(sa.Date)
    cyber_essentials: Mapped[CyberEssentials | None] = mapped_column(
        enum_column(CyberEssentials, "cyber_essentials")
    )
    cyber_essentials_date: Mapped[date | None] = mapped_column(sa.Date)
    cyber_essentials_expiry: Mapped[date | None] = mapped_column(sa.Date)
    esf_tier: Mapped[EsfTier | None] = mapped_column(enum_column(EsfTier, "esf_tier"))
    # Commercial
    pricing_model: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Lifecycle
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=solution_themes, order_by=Theme.name)
    care_setting_rows: Mapped[list[SolutionCareSetting]] = relationship(
        cascade="all, delete-orphan", order_by=SolutionCareSetting.setting
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # Listings of published solutions in title order, and the catalogue's products with
        # every column its facets count, so both read an index rather than the wide rows.
        sa.Index(
            "ix_solutions_published_by_title",
            "title",
            "id",
            sqlite_where=sa.text(PUBLISHED),
            postgresql_where=sa.text(PUBLISHED),
        ),
        sa.Index(
            "ix_solutions_catalogue",
            *CATALOGUE_COLUMNS,
            sqlite_where=sa.text(ON_CATALOGUE),
            postgresql_where=sa.text(ON_CATALOGUE),
        ),
        sa.CheckConstraint(
            "dspt_expiry IS NULL OR dspt_date IS NULL OR dspt_expiry > dspt_date",
            name="dspt_expiry_after_date",
        ),
        sa.CheckConstraint(
            "cyber_essentials_expiry IS NULL OR cyber_essentials_date IS NULL "
            "OR cyber_essentials_expiry > cyber_essentials_date",
            name="cyber_essentials_expiry_after_date",
        ),
    )

    @property
    def care_settings(self) -> list[CareSetting]:
        return [row.setting for row in self.care_setting_rows]

    @property
    def status(self) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.published_at:
            return "published"
        return "draft"

    @property
    def is_listed_publicly(self) -> bool:
        """Market-ready published solutions appear in the public adopters' catalogue."""
        return self.status == "published" and self.maturity == Maturity.MARKET_READY


class AdoptionStage(LabelledEnum):
    EXPLORING = "exploring"
    PILOTING = "piloting"
    USING = "using"
    STOPPED = "stopped"


AdoptionStage.LABELS = {
    "exploring": "Exploring",
    "piloting": "Piloting",
    "using": "Using",
    "stopped": "Stopped",
}


class Adoption(TimestampMixin, Base):
    """An NHS or care organisation exploring, piloting or using a solution at a site."""

    __tablename__ = "adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    site: Mapped[str] = mapped_column(sa.String(200))
    stage: Mapped[AdoptionStage] = mapped_column(enum_column(AdoptionStage, "adoption_stage"))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)

    solution: Mapped[Solution] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="end_not_before_start"
        ),
    )


class Enquiry(Base):
    """An adopter's expression of interest in a product, and the supplier's answer."""

    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(sa.Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    solution: Mapped[Solution] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("answered_at IS NULL OR answer IS NOT NULL", name="answered_with_text"),
    )
