"""Inward investment and funding recorded against a solution or a fellow: the one figure of the
impact view that no other record holds."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import Base, UTCDateTime, enum_column, utcnow
from marketplace.solutions.models import LabelledEnum


class FundingKind(LabelledEnum):
    GRANT = "grant"
    INVESTMENT = "investment"
    CONTRACT = "contract"
    IN_KIND = "in_kind"


FundingKind.LABELS = {
    "grant": "Grant",
    "investment": "Equity or loan investment",
    "contract": "Contract income",
    "in_kind": "In-kind support (valued)",
}


class FundingRecord(Base):
    __tablename__ = "funding_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    fellow_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fellowship_fellows.id"), index=True
    )
    funder: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[FundingKind] = mapped_column(enum_column(FundingKind, "funding_kind"))
    amount: Mapped[int]  # whole pounds
    received_on: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User] = relationship()
    solution = relationship("Solution")
    fellow = relationship("Fellow")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(
            "solution_id IS NOT NULL OR fellow_id IS NOT NULL", name="for_a_solution_or_a_fellow"
        ),
    )
