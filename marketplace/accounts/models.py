"""Accounts: who people are, which organisations they act for, and in which roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow


class OrganisationKind(enum.StrEnum):
    NHS_TRUST = "nhs_trust"
    ICB = "icb"
    LOCAL_AUTHORITY = "local_authority"
    SME = "sme"
    LARGE_COMPANY = "large_company"
    ACADEMIC = "academic"
    VOLUNTARY = "voluntary"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]

    @property
    def needs_ods_code(self) -> bool:
        return self in {OrganisationKind.NHS_TRUST, OrganisationKind.ICB}

    @property
    def needs_companies_house_number(self) -> bool:
        return self in {OrganisationKind.SME, OrganisationKind.LARGE_COMPANY}


ORGANISATION_KIND_LABELS = {
    OrganisationKind.NHS_TRUST: "NHS trust or service",
    OrganisationKind.ICB: "Integrated care board or partnership",
    OrganisationKind.LOCAL_AUTHORITY: "Local authority",
    OrganisationKind.SME: "Small or medium-sized enterprise",
    OrganisationKind.LARGE_COMPANY: "Large company",
    OrganisationKind.ACADEMIC: "University or academic institution",
    OrganisationKind.VOLUNTARY: "Voluntary or community organisation",
}


class Role(enum.StrEnum):
    SERVICE_LEAD = "service_lead"
    INNOVATOR = "innovator"
    FELLOW = "fellow"
    PROCUREMENT_OFFICER = "procurement_officer"
    ADOPTER = "adopter"
    PANEL_PATIENT = "panel_patient"
    PANEL_PROFESSIONAL = "panel_professional"
    INNOVATION_TEAM = "innovation_team"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SERVICE_LEAD: "Service lead",
    Role.INNOVATOR: "Innovator",
    Role.FELLOW: "Innovation fellow",
    Role.PROCUREMENT_OFFICER: "Procurement officer",
    Role.ADOPTER: "Adopter",
    Role.PANEL_PATIENT: "Panel member (patient or public)",
    Role.PANEL_PROFESSIONAL: "Panel member (professional)",
    Role.INNOVATION_TEAM: "Innovation team",
}


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Part of the Flask-Login id: changing it ends every session of this user at once.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", foreign_keys="Membership.user_id", order_by="Membership.id"
    )

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def active_memberships(self) -> list[Membership]:
        return [m for m in self.memberships if m.is_active]

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.active_memberships}

    def has_role(self, role: Role, organisation_id: int | None = None) -> bool:
        return any(
            m.role == role and (organisation_id is None or m.organisation_id == organisation_id)
            for m in self.active_memberships
        )


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind")
    )
    ods_code: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    companies_house_number: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(1000))

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])

    __table_args__ = (
        sa.CheckConstraint(
            "approved_at IS NULL OR rejected_at IS NULL", name="approved_or_rejected"
        ),
    )

    @property
    def status(self) -> str:
        if self.approved_at:
            return "approved"
        if self.rejected_at:
            return "rejected"
        return "pending"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Membership(Base):
    """A user acting for an organisation in one role; requested, then granted by the team."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "membership_role"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    __table_args__ = (
        # One open (requested or granted) membership per user, organisation and role.
        sa.Index(
            "uq_memberships_open_role",
            "user_id",
            "organisation_id",
            "role",
            unique=True,
            sqlite_where=sa.text("declined_at IS NULL AND revoked_at IS NULL"),
            postgresql_where=sa.text("declined_at IS NULL AND revoked_at IS NULL"),
        ),
        sa.CheckConstraint("granted_at IS NULL OR declined_at IS NULL", name="granted_or_declined"),
    )

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.declined_at:
            return "declined"
        if self.granted_at:
            return "granted"
        return "requested"

    @hybrid_property
    def is_active(self) -> bool:
        return self.status == "granted" and self.organisation.is_approved

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> sa.ColumnElement[bool]:
        """The same rule in SQL: granted (neither declined nor revoked) in an approved
        organisation."""
        approved = sa.select(Organisation.id).where(
            Organisation.id == cls.organisation_id, Organisation.approved_at.is_not(None)
        )
        return sa.and_(
            cls.granted_at.is_not(None),
            cls.declined_at.is_(None),
            cls.revoked_at.is_(None),
            approved.exists(),
        )


class ApiToken(Base):
    """A personal access token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > utcnow()
