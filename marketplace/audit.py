"""Append-only audit trail.

Every service that changes state calls ``record`` before it returns, inside the same transaction
as the change, so a change and its audit event are committed (or rolled back) together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from marketplace.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80))
    target_type: Mapped[str] = mapped_column(sa.String(60))
    target_id: Mapped[str] = mapped_column(sa.String(60))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", lazy="joined")

    __table_args__ = (sa.Index("ix_audit_events_target", "target_type", "target_id"),)


def record(
    session: Session,
    actor,
    action: str,
    target,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for ``action`` by ``actor`` (a User, or None for the system)."""
    session.flush()  # the target needs its id
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target.__tablename__,
        target_id=str(target.id),
        data=data or {},
    )
    session.add(event)
    session.flush()
    return event
